import parser from "fast-xml-parser";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { escapeXml, SITEMAP_PAGE_SIZE } from "../shop/sitemap.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { createCollection, createPage, createProduct, launch, setPolicy } from "./support/storefront.ts";

const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BULK_ACTIVE = 2 * SITEMAP_PAGE_SIZE + 500;

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;

/** Many products in one statement: every tenth one a draft, which the sitemap must leave out. */
async function bulkProducts(shop: Shop, active: number) {
  const total = Math.ceil((active * 10) / 9) + 1;
  await sql`
    insert into ${sql.id(shop.schema_name, "products")} (handle, title, status)
    select 'bulk-' || g, 'Bulk ' || g, case when g % 10 = 0 then 'draft' else 'active' end
    from generate_series(1, ${total}) g`.execute(t.db);
  const row = await tenantDb(t.db, shop.schema_name)
    .selectFrom("products")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function seed(db: TenantDb, label: string) {
  const mug = await createProduct(db, { title: `${label} Mug`, handle: `${label.toLowerCase()}-mug` });
  await createProduct(db, { title: `${label} Lamp`, handle: `${label.toLowerCase()}-lamp`, status: "draft" });
  await createCollection(db, "featured", `${label} picks`, [mug.id]);
  await createPage(db, "about", `About ${label}`, "<p>Hello</p>");
  await createPage(db, `${label.toLowerCase()}-hidden`, "Hidden", "<p>Not yet</p>", false);
  await setPolicy(db, "refund-policy", `<p>${label} refunds.</p>`);
  await setPolicy(db, "privacy-policy", "");
}

let northActive = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  await provisionShop(t.db, { slug: "closed", name: "Closed", ownerId: owner.id });
  const northDb = tenantDb(t.db, north.schema_name);
  const southDb = tenantDb(t.db, south.schema_name);
  await seed(northDb, "North");
  await seed(southDb, "South");
  northActive = await bulkProducts(north, BULK_ACTIVE);
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (host: string, path: string) => app.request(host, path);

function parseXml(body: string) {
  expect(parser.validate(body)).toBe(true);
  return parser.parse(body, { ignoreAttributes: false, attributeNamePrefix: "@" });
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

async function childUrls(host: string, path: string): Promise<{ loc: string; lastmod?: string }[]> {
  const res = await get(host, path);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const doc = parseXml(res.body);
  expect(Object.keys(doc)).toEqual(["urlset"]);
  expect(doc.urlset["@xmlns"]).toBe(SITEMAP_NS);
  const urls = asArray<{ loc: string; lastmod?: string }>(doc.urlset.url);
  expect(urls.length).toBeLessThanOrEqual(SITEMAP_PAGE_SIZE);
  return urls;
}

describe("sitemap.xml", () => {
  it("is an index of child sitemaps at the root of the shop's own origin, products paged by 10,000", async () => {
    const res = await get("north.shops.test", "/sitemap.xml");
    expect(res.status).toBe(200);
    const doc = parseXml(res.body);
    expect(doc.sitemapindex["@xmlns"]).toBe(SITEMAP_NS);
    const locs = asArray<{ loc: string }>(doc.sitemapindex.sitemap).map((s) => s.loc);
    const productPages = Math.ceil(northActive / SITEMAP_PAGE_SIZE);
    expect(productPages).toBe(3);
    expect(locs).toEqual([
      ...Array.from({ length: productPages }, (_, i) => `http://north.shops.test/sitemap-products-${i + 1}.xml`),
      "http://north.shops.test/sitemap-collections-1.xml",
      "http://north.shops.test/sitemap-pages-1.xml",
    ]);
  });

  it("product sitemaps list every active product exactly once, with lastmod, and no drafts", async () => {
    const all: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const urls = await childUrls("north.shops.test", `/sitemap-products-${page}.xml`);
      if (page < 3) expect(urls).toHaveLength(SITEMAP_PAGE_SIZE);
      for (const url of urls) expect(url.lastmod).toMatch(W3C_DATETIME);
      all.push(...urls.map((u) => u.loc));
    }
    expect(all).toHaveLength(northActive);
    expect(new Set(all).size).toBe(northActive);
    expect(all.every((loc) => loc.startsWith("http://north.shops.test/products/"))).toBe(true);
    expect(all).toContain("http://north.shops.test/products/north-mug");
    expect(all).toContain("http://north.shops.test/products/bulk-1");
    expect(all).not.toContain("http://north.shops.test/products/bulk-10");
    expect(all).not.toContain("http://north.shops.test/products/north-lamp");
    expect((await get("north.shops.test", "/sitemap-products-4.xml")).status).toBe(404);
    expect((await get("north.shops.test", "/sitemap-products-0.xml")).status).toBe(404);
  });

  it("collections and pages sitemaps: home, all products, collections, published pages, written policies", async () => {
    const collections = await childUrls("south.shops.test", "/sitemap-collections-1.xml");
    expect(collections.map((u) => u.loc)).toEqual(["http://south.shops.test/collections/featured"]);
    const pages = await childUrls("south.shops.test", "/sitemap-pages-1.xml");
    expect(pages.map((u) => u.loc)).toEqual([
      "http://south.shops.test/",
      "http://south.shops.test/collections/all",
      "http://south.shops.test/pages/about",
      "http://south.shops.test/policies/refund-policy",
    ]);
    expect((await get("south.shops.test", "/sitemap-pages-2.xml")).status).toBe(404);
  });

  it("each shop lists only its own catalogue", async () => {
    const south = await childUrls("south.shops.test", "/sitemap-products-1.xml");
    expect(south.map((u) => u.loc)).toEqual(["http://south.shops.test/products/south-mug"]);
    const index = await get("south.shops.test", "/sitemap.xml");
    expect(index.body).not.toContain("north");
    expect(index.body).not.toContain("sitemap-products-2");
  });

  it("escapes XML special characters in URLs", () => {
    expect(escapeXml("http://a.test/search?q=a&page=2")).toBe("http://a.test/search?q=a&amp;page=2");
    expect(escapeXml(`<"'>`)).toBe("&lt;&quot;&apos;&gt;");
    const doc = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="${SITEMAP_NS}"><url><loc>${escapeXml("http://a.test/?a=1&b=2")}</loc></url></urlset>`,
    );
    expect(doc.urlset.url.loc).toBe("http://a.test/?a=1&amp;b=2");
  });

  it("a shop not yet launched has no sitemap; unknown names and the platform host are 404", async () => {
    expect((await get("closed.shops.test", "/sitemap.xml")).status).toBe(404);
    expect((await get("north.shops.test", "/sitemap-orders-1.xml")).status).toBe(404);
    expect((await get("north.shops.test", "/other.xml")).status).toBe(404);
    expect((await get("bazaar.test", "/sitemap.xml")).status).toBe(404);
    // Ordinary routes are untouched by the ".xml" route.
    expect((await get("bazaar.test", "/login")).status).toBe(200);
    expect((await get("north.shops.test", "/products/north-mug")).status).toBe(200);
  });
});

describe("robots.txt", () => {
  it("a launched shop: allows the storefront, keeps crawlers out of per-visitor pages, points to its sitemap", async () => {
    const res = await get("north.shops.test", "/robots.txt");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    const lines = res.body.split("\n");
    expect(lines).toContain("User-agent: *");
    for (const path of ["/cart", "/account", "/password"]) expect(lines).toContain(`Disallow: ${path}`);
    expect(lines.filter((line) => line.includes("/search"))).toEqual([]);
    expect(lines).not.toContain("Disallow: /");
    expect(lines).toContain("Sitemap: http://north.shops.test/sitemap.xml");
  });

  it("a shop not yet launched is closed to crawlers", async () => {
    const res = await get("closed.shops.test", "/robots.txt");
    expect(res.body).toBe("User-agent: *\nDisallow: /\n");
  });

  it("the platform host keeps crawlers out of the admin and operator areas", async () => {
    const res = await get("bazaar.test", "/robots.txt");
    expect(res.status).toBe(200);
    expect(res.body.split("\n")).toEqual(expect.arrayContaining(["Allow: /", "Disallow: /admin", "Disallow: /operator"]));
    expect(res.body).not.toContain("Sitemap");
  });
});
