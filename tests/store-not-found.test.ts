import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { addShopDomain } from "../tenants/registry.server.ts";
import { changeShopStatus } from "../tenants/lifecycle.server.ts";
import { OPERATOR_CHANGE } from "./support/lifecycle.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, policyDirective, startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { createProduct, launch, linkedStylesheets, variant } from "./support/storefront.ts";

// Addresses nothing answers on a shop's host get the shop's own "Page not found": its theme, header and footer,
// status 404, kept out of search engines and the page cache. Two launched shops on different themes with different
// names and catalogues, one behind its password page, one suspended; the page cache is on, as in production.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let soon: Shop;
let northDb: TenantDb;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North Wares", ownerId: owner.id });
  const south = await provisionShop(t.db, { slug: "south", name: "South Goods", ownerId: owner.id });
  soon = await provisionShop(t.db, { slug: "soon", name: "Soon Candles", ownerId: owner.id });
  const shut = await provisionShop(t.db, { slug: "shut", name: "Shut Shop", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  const southDb = tenantDb(t.db, south.schema_name);
  const soonDb = tenantDb(t.db, soon.schema_name);
  await createProduct(northDb, { title: "North Mug", handle: "mug", variants: [variant([], 1200)] });
  await createProduct(southDb, { title: "South Kettle", handle: "kettle", variants: [variant([], 4500)] });
  await createProduct(soonDb, { title: "Secret Candle", handle: "candle", variants: [variant([], 900)] });
  await publishTheme(northDb, SYSTEM_ACTOR, "classic");
  await publishTheme(southDb, SYSTEM_ACTOR, "editorial");
  await soonDb.updateTable("settings").set({ storefront_password: "open-sesame" }).execute();
  await launch(northDb);
  await launch(southDb);
  await addShopDomain(t.db, north.id, "www.north-wares.example");
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  await changeShopStatus(t.db, shut.id, "suspend", { ...OPERATOR_CHANGE, registry: app.services.registry });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (host: string, path: string, headers: Record<string, string> = {}) => app.request(host, path, { headers });

/** A shop's themed "Page not found", and nothing of the other shop. */
function expectStoreNotFound(res: TestResponse, shop: { name: string; theme: string; other: string }, label: string) {
  expect(res.status, label).toBe(404);
  expect(res.body, label).toContain(`<title>Page not found · ${shop.name}</title>`);
  expect(res.body, label).toContain('<meta name="robots" content="noindex"/>');
  expect(linkedStylesheets(res.body).sort(), label).toEqual(["storefront", `theme:${shop.theme}`]);
  expect(res.body, label).toContain(`<div class="store theme-${shop.theme}"`);
  // The shop's header and footer around one heading, a search box and a way home.
  expect(res.body, label).toMatch(new RegExp(`<a class="store-logo"[^>]*href="/"><span>${shop.name}</span></a>`));
  expect(res.body, label).toContain('<footer class="site-footer">');
  expect(res.body.match(/<h1[\s>]/g), label).toHaveLength(1);
  expect(res.body, label).toContain("<h1>Page not found</h1>");
  expect(res.body, label).toContain('<form class="search-form" role="search" aria-label="Search instead" method="get" action="/search">');
  expect(res.body, label).toMatch(/<a class="button-secondary"[^>]*href="\/">Go to the home page<\/a>/);
  expect(res.body, label).not.toContain(shop.other);
  expect(res.headers["cache-control"], label).toBe("private, no-cache");
  expect(policyDirective(res, "frame-ancestors"), label).toBe("frame-ancestors 'none'");
  expect(res.headers["x-page-cache"], label).toBeUndefined();
  expect(res.headers.etag, label).toBeUndefined();
}

const NORTH = { name: "North Wares", theme: "classic", other: "South" };
const SOUTH = { name: "South Goods", theme: "editorial", other: "North" };

describe("a shop's Page not found", () => {
  const UNKNOWN = [
    "/no-such-page",
    "/deeply/nested/address",
    "/products/no-such-handle",
    "/collections/nope",
    "/pages/nope",
    "/policies/cookie-policy",
    "/cart/extra",
  ];
  // The platform's pages don't exist on a shop's address either.
  const PLATFORM_PAGES = ["/login", "/signup", "/logout", "/administrator", "/operator", "/invitations/abc123", "/slug-availability?slug=x"];

  it("is in each shop's own theme, with its name, header and footer, for every unknown address", async () => {
    for (const path of [...UNKNOWN, ...PLATFORM_PAGES]) {
      expectStoreNotFound(await get("north.shops.test", path), NORTH, `north ${path}`);
      expectStoreNotFound(await get("south.shops.test", path), SOUTH, `south ${path}`);
    }
  });

  it("is the same on the shop's custom domain", async () => {
    expectStoreNotFound(await get("www.north-wares.example", "/no-such-page"), NORTH, "custom domain");
  });

  it("sends /admin on a shop's address to that shop's admin on the platform host, launched or not", async () => {
    for (const [host, slug] of [
      ["north.shops.test", "north"],
      ["south.shops.test", "south"],
      ["www.north-wares.example", "north"],
      ["soon.shops.test", "soon"],
    ]) {
      for (const path of ["/admin", "/admin/", "/admin/south/products"]) {
        const res = await get(host, path);
        expect(res.status, `${host}${path}`).toBe(302);
        expect(res.headers.location, `${host}${path}`).toBe(`http://bazaar.test/admin/${slug}`);
      }
    }
  });

  it("fills the search box with the words of the address, and only with those", async () => {
    const typo = await get("north.shops.test", "/products/blue-mugz");
    expect(typo.body).toContain('<input id="not-found-search" type="search" name="q" placeholder="Search products" autoComplete="off" value="blue mugz"/>');
    const odd = await get("north.shops.test", "/products/mug%20%3Cb%3Ebold%3C%2Fb%3E");
    expect(odd.body).toContain('<input id="not-found-search" type="search" name="q" placeholder="Search products" autoComplete="off" value=""/>');
  });

  it("never echoes markup from the address", async () => {
    for (const path of [
      "/<script>alert(1)</script>",
      '/products/"><img%20src=x%20onerror=alert(1)>',
      "/%3Cscript%3Ealert(1)%3C/script%3E",
      "/pages/<svg%20onload=alert(1)>",
    ]) {
      const res = await get("south.shops.test", path);
      expectStoreNotFound(res, SOUTH, path);
      expect(res.body, path).not.toMatch(/<script>alert|<img src=x|<svg onload/i);
    }
  });

  it("is never kept by the page cache, so a product published a moment later shows at once", async () => {
    for (let i = 0; i < 2; i++) expectStoreNotFound(await get("north.shops.test", "/products/teapot"), NORTH, `attempt ${i}`);
    await createProduct(northDb, { title: "North Teapot", handle: "teapot", variants: [variant([], 3000)] });
    const published = await get("north.shops.test", "/products/teapot");
    expect(published.status).toBe(200);
    expect(published.body).toContain("North Teapot");
    expect(published.headers["x-page-cache"]).toBe("miss");
    expect((await get("north.shops.test", "/products/teapot")).headers["x-page-cache"]).toBe("hit");
  });

  it("doesn't exist for a shop behind its password page: every address leads to the password page", async () => {
    for (const path of ["/no-such-page", "/products/nope", "/login"]) {
      const res = await get("soon.shops.test", path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe("/password");
      expect(res.body, path).not.toContain("Soon Candles");
    }
    // The merchant previewing it sees the page, for them alone.
    const preview = await get("soon.shops.test", `/?preview_token=${await app.services.storefrontAccess.createPreviewToken(soon.id)}`);
    const cookie = cookiePair(preview.headers["set-cookie"], "bazaar_storefront");
    const res = await get("soon.shops.test", "/no-such-page", { cookie });
    expect(res.status).toBe(404);
    expect(res.body).toContain("<title>Page not found · Soon Candles</title>");
    expect(res.body).toContain("Only you can see this.");
    expect(res.headers["cache-control"]).toBe("private, no-store");
  });

  it("leaves unknown and suspended shops with the pages they had", async () => {
    const unknown = await get("nobody.shops.test", "/no-such-page");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("Shop not found");
    const suspended = await get("shut.shops.test", "/no-such-page");
    expect(suspended.status).toBe(503);
    expect(suspended.body).toContain("Shop unavailable");
    expect(suspended.body).not.toContain("Shut Shop");
  });
});

describe("the platform host", () => {
  it("keeps its own not-found page, storefront addresses included", async () => {
    for (const path of ["/no-such-page", "/deeply/nested/address", "/products/mug", "/pages/about", "/password", "/cart"]) {
      const res = await get("bazaar.test", path);
      expect(res.status, path).toBe(404);
      expect(linkedStylesheets(res.body), path).toEqual(["platform"]);
      expect(res.body, path).toContain("<h1>Page not found</h1><p>There is nothing at this address.</p>");
      expect(res.body, path).toContain('<a href="/">Go to the home page</a>');
      expect(res.body, path).not.toMatch(/North|South/);
    }
    expect((await get("bazaar.test", "/login")).status).toBe(200);
  });
});

describe("route discovery in the browser", () => {
  /** Which routes the browser learns for these paths (Remix's lazy route discovery), as it asks on each host. */
  async function discovered(host: string, paths: string[]): Promise<string[]> {
    const page = await get(host, "/");
    const version = /"version": "([^"]+)"/.exec(page.body)![1];
    const res = await get(host, `/__manifest?${new URLSearchParams([...paths.map((p) => ["p", p]), ["version", version]])}`);
    expect(res.status).toBe(200);
    return Object.keys(JSON.parse(res.body) as Record<string, unknown>).sort();
  }

  it("finds the storefront's catch-all on a shop host and the platform's pages on the platform host", async () => {
    expect(await discovered("north.shops.test", ["/login", "/admin/north"])).toEqual(["root", "routes/_store", "routes/_store.$"]);
    expect(await discovered("bazaar.test", ["/login", "/products/mug"])).toEqual(["root", "routes/login"]);
  });
});
