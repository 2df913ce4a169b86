import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { logIn, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { policyDirective, startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { PASSWORD } from "./support/sales.ts";
import { createProduct, launch } from "./support/storefront.ts";

// Every page's Content-Security-Policy (server/csp.ts), and the other headers every answer carries.
let t: TestDatabase;
let app: TestApp;
let production: TestApp;
let shopId: string;
let owner: string;
let operator: string;

const STORE = "north.shops.test";

beforeAll(async () => {
  t = await createTestDatabase();
  const user = await createUser(t.db, { email: "owner@north.test", password: PASSWORD });
  const north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: user.id });
  shopId = north.id;
  const db = tenantDb(t.db, north.schema_name);
  await createProduct(db, { title: "Mug", handle: "mug" });
  await launch(db);
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  production = await startTestApp(t.url, { NODE_ENV: "production", PREVIEW_SECRET: "a-test-preview-secret" });
  owner = await logIn(app, "owner@north.test", PASSWORD);
  operator = await operatorSession(app, t.db);
});
afterAll(async () => {
  await production?.close();
  await app?.close();
  await t?.drop();
});

/** The nonce in the page's script-src, after checking that every <script> of the page carries exactly it. */
function scriptNonce(res: TestResponse): string {
  const nonce = /'nonce-([^']+)'/.exec(policyDirective(res, "script-src") ?? "")?.[1];
  expect(nonce, "script-src has a nonce").toMatch(/^[A-Za-z0-9+/]{22}==$/);
  const scripts = [...res.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !tag.includes('type="application/ld+json"'));
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  return nonce!;
}

describe("Content-Security-Policy", () => {
  it("storefront, admin and operator pages: scripts only with this response's nonce, never framed", async () => {
    const pages = [
      await app.request(STORE, "/products/mug", { headers: { cookie: "a=b" } }),
      await app.request(PLATFORM, "/admin/north", { headers: { cookie: owner } }),
      await app.request(PLATFORM, "/admin/north/themes/minimal", { headers: { cookie: owner } }),
      await app.request(PLATFORM, "/operator", { headers: { cookie: operator } }),
      await app.request(PLATFORM, "/login"),
    ];
    const nonces = new Set<string>();
    for (const page of pages) {
      expect(page.status).toBe(200);
      nonces.add(scriptNonce(page));
      expect(policyDirective(page, "frame-ancestors")).toBe("frame-ancestors 'none'");
      expect(policyDirective(page, "object-src")).toBe("object-src 'none'");
      expect(policyDirective(page, "default-src")).toBe("default-src 'self'");
      expect(page.headers["x-content-type-options"]).toBe("nosniff");
      expect(page.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    }
    expect(nonces.size).toBe(pages.length);
  });

  it("allows Stripe.js and Connect.js on the storefront and in the admin, not on the operator console", async () => {
    const store = await app.request(STORE, "/cart", { headers: { cookie: "a=b" } });
    const admin = await app.request(PLATFORM, "/admin/north/payments", { headers: { cookie: owner } });
    for (const page of [store, admin]) {
      expect(policyDirective(page, "script-src")).toContain("https://js.stripe.com https://connect-js.stripe.com");
      expect(policyDirective(page, "frame-src")).toContain("https://js.stripe.com https://connect-js.stripe.com");
      expect(policyDirective(page, "connect-src")).toContain("https://api.stripe.com");
    }
    const console = await app.request(PLATFORM, "/operator", { headers: { cookie: operator } });
    expect(console.headers["content-security-policy"]).not.toContain("stripe");
  });

  it("the theme editor may frame the shops' storefronts, and only a preview lets the platform frame a storefront", async () => {
    const editor = await app.request(PLATFORM, "/admin/north/themes/minimal", { headers: { cookie: owner } });
    expect(policyDirective(editor, "frame-src")).toMatch(/^frame-src 'self' http:\/\/\*\.shops\.test( |$)/);
    const token = await app.services.storefrontAccess.createPreviewToken(shopId, "minimal");
    const preview = await app.request(STORE, `/?preview_token=${token}&preview=draft`, { headers: { "sec-fetch-dest": "iframe" } });
    expect(preview.status).toBe(200);
    expect(policyDirective(preview, "frame-ancestors")).toBe("frame-ancestors http://bazaar.test");
    // The preview's own inline script (storage inside the frame) carries the nonce too.
    scriptNonce(preview);
  });

  it("a page from the page cache goes out with the nonce its body was rendered with", async () => {
    const first = await app.request(STORE, "/products/mug");
    const second = await app.request(STORE, "/products/mug");
    expect(second.headers["x-page-cache"]).toBe("hit");
    expect(scriptNonce(second)).toBe(scriptNonce(first));
    expect(second.headers["content-security-policy"]).toBe(first.headers["content-security-policy"]);
  });

  it("a page rendered again (another nonce) keeps its ETag, and its 304 leaves the browser's stored policy alone", async () => {
    const first = await app.request(STORE, "/products/mug", { headers: { cookie: "a=b" } });
    const again = await app.request(STORE, "/products/mug", { headers: { cookie: "a=b", "if-none-match": String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.headers["content-security-policy"]).toBeUndefined();
  });

  it("HSTS in production only", async () => {
    expect((await app.request(PLATFORM, "/login")).headers["strict-transport-security"]).toBeUndefined();
    const login = await production.request(PLATFORM, "/login");
    expect(login.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(policyDirective(login, "frame-src")).toContain("https://*.shops.test");
  });
});
