import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { queueImport, runImport } from "../shop/csv/transfers.server.ts";
import { bufferSource } from "../shop/csv/import.server.ts";
import { storefrontCacheState } from "../shop/page-cache.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminPost, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { policyDirective, startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { productForm } from "./support/product-forms.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let closed: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: string;
let stranger: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const ownerUser = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  await createUser(t.db, { email: "stranger@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: ownerUser.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: ownerUser.id });
  const strangerUser = await createUser(t.db, { email: "other@example.com", password: "correct horse" });
  closed = await provisionShop(t.db, { slug: "closed", name: "Closed", ownerId: strangerUser.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  // Same handle in both shops, different products.
  await createProduct(northDb, { title: "North Mug", handle: "mug", variants: [variant([], 1200)] });
  await createProduct(southDb, { title: "South Mug", handle: "mug", variants: [variant([], 900)] });
  await createProduct(tenantDb(t.db, closed.schema_name), { title: "Closed Mug", handle: "mug", variants: [variant([], 900)] });
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  owner = await logIn(app, "owner@example.com", "correct horse");
  stranger = await logIn(app, "other@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (shop: string, path: string, headers: Record<string, string> = {}) => app.request(`${shop}.shops.test`, path, { headers });
const cacheStatus = (res: TestResponse) => res.headers["x-page-cache"];

describe("ETag and Cache-Control on storefront pages", () => {
  it("pages are private and revalidated; a matching If-None-Match gets an empty 304", async () => {
    const page = await get("north", "/products/mug", { cookie: "unrelated=1" });
    expect(page.status).toBe(200);
    expect(page.headers["cache-control"]).toBe("private, no-cache");
    const etag = page.headers.etag!;
    // Weak: the same page goes out compressed or not.
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(page.headers["content-length"]).toBe(String(Buffer.byteLength(page.body)));

    const again = await get("north", "/products/mug", { cookie: "unrelated=1", "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
    expect(again.headers.etag).toBe(etag);
    // Weak comparison and lists, as browsers and proxies send them.
    const listed = await get("north", "/products/mug", { cookie: "unrelated=1", "if-none-match": `"other", ${etag.slice(2)}` });
    expect(listed.headers.etag).toBe(etag);
    expect(listed.status).toBe(304);
    expect((await get("north", "/products/mug", { cookie: "unrelated=1", "if-none-match": '"other"' })).status).toBe(200);
  });

  it("the same path in two shops has different ETags; a shop's page never answers the other's If-None-Match", async () => {
    const northPage = await get("north", "/products/mug");
    const southPage = await get("south", "/products/mug");
    expect(northPage.headers.etag).not.toBe(southPage.headers.etag);
    const cross = await get("south", "/products/mug", { "if-none-match": northPage.headers.etag! });
    expect(cross.status).toBe(200);
    expect(cross.body).toContain("South Mug");
  });

  it("a shop behind its password page stays private, no-store, and is never cached", async () => {
    const locked = await get("closed", "/");
    expect(locked.status).toBe(200);
    expect(locked.headers["cache-control"]).toBe("private, no-store");
    expect(cacheStatus(locked)).toBeUndefined();
  });

  it("pages are compressed for browsers that accept it, with the same ETag", async () => {
    const plain = await get("north", "/products/mug", { cookie: "unrelated=1" });
    const gzipped = await get("north", "/products/mug", { cookie: "unrelated=1", "accept-encoding": "gzip" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.headers.vary).toContain("Accept-Encoding");
    expect(gzipped.headers.etag).toBe(plain.headers.etag);
    expect((await get("north", "/products/mug", { cookie: "unrelated=1", "accept-encoding": "gzip", "if-none-match": plain.headers.etag! })).status).toBe(304);
  });

  it("assets under /build stay immutable", async () => {
    const page = await get("north", "/products/mug");
    const script = /"(\/build\/[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await get("north", script);
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});

describe("page cache", () => {
  it("serves an anonymous visitor's repeat request from the cache, byte for byte", async () => {
    const first = await get("north", "/collections/all?page=1");
    const second = await get("north", "/collections/all?page=1");
    expect([cacheStatus(first), cacheStatus(second)]).toEqual(["miss", "hit"]);
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(policyDirective(second, "frame-ancestors")).toBe("frame-ancestors 'none'");
  });

  it("two shops never share entries, even on the same path", async () => {
    await get("north", "/products/mug?ref=shared");
    const northHit = await get("north", "/products/mug?ref=shared");
    const southFirst = await get("south", "/products/mug?ref=shared");
    expect(cacheStatus(northHit)).toBe("hit");
    expect(cacheStatus(southFirst)).toBe("miss");
    expect(southFirst.body).toContain("South Mug");
    expect(southFirst.body).not.toContain("North Mug");
    const southHit = await get("south", "/products/mug?ref=shared");
    expect(cacheStatus(southHit)).toBe("hit");
    expect(southHit.body).toContain("South Mug");
  });

  it("visitors with a cookie (cart, shopper session, password, preview) and preview links are rendered for them alone", async () => {
    await get("north", "/products/mug");
    expect(cacheStatus(await get("north", "/products/mug", { cookie: "bazaar_cart=abc" }))).toBeUndefined();
    expect(cacheStatus(await get("north", "/products/mug?preview_token=x"))).toBeUndefined();
  });

  it("a merchant's change in the admin shows on the very next request", async () => {
    await get("north", "/collections/all");
    expect(cacheStatus(await get("north", "/collections/all"))).toBe("hit");
    const saved = await adminPost(
      app,
      owner,
      "/admin/north/products/new",
      productForm({ title: "Fresh Teapot", status: "active", variants: [{ price: "30" }] }),
    );
    expect(saved.status).toBe(302);
    const next = await get("north", "/collections/all");
    expect(cacheStatus(next)).toBe("miss");
    expect(next.body).toContain("Fresh Teapot");
    // The other shop's entries are untouched by it.
    expect(cacheStatus(await get("south", "/products/mug"))).toBe("hit");
  });

  it("refused or invalid admin posts change nothing and keep the cache", async () => {
    const before = await storefrontCacheState(northDb);
    const invalid = await adminPost(app, owner, "/admin/north/products/new", productForm({ title: "", status: "active", variants: [{ price: "x" }] }));
    expect(invalid.status).toBe(400);
    // Another merchant tampering with the URL gets a 404, and can't flush the shop's cache either.
    const tampered = await adminPost(app, stranger, "/admin/north/products/new", productForm({ title: "Spam", status: "active", variants: [{ price: "1" }] }));
    expect(tampered.status).toBe(404);
    expect(await storefrontCacheState(northDb)).toEqual(before);
  });

  it("a catalogue import run by the worker shows on the very next request too", async () => {
    await get("south", "/collections/all");
    expect(cacheStatus(await get("south", "/collections/all"))).toBe("hit");
    const csv = "Handle,Title,Status,Variant Price\nimported-kettle,Imported Kettle,active,25\n";
    const storage = app.services.media;
    const transfer = await queueImport(southDb, storage, SYSTEM_ACTOR, { shopId: south.id, fileName: "kettle.csv", bytes: Buffer.from(csv) });
    await runImport(southDb, SYSTEM_ACTOR, transfer, bufferSource(Buffer.from(csv)), {
      shopId: south.id,
      money: { currency: "USD", locale: "en-US" },
      storage,
    });
    const next = await get("south", "/collections/all");
    expect(cacheStatus(next)).toBe("miss");
    expect(next.body).toContain("Imported Kettle");
  });
});
