import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { collectionProductSet, getCollection, saveCollection } from "../shop/collections.server.ts";
import { refreshAllProductSummaries } from "../shop/product-summary.server.ts";
import { search } from "../shop/search.server.ts";
import { COLLECTION_SORTS, parseSearchRequest } from "../shop/search.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { createCollection, createProduct, launch, variant } from "./support/storefront.ts";

// A collection page filters and sorts within the collection with search's own filters and sorts (Dawn has both).

let t: TestDatabase;
let north: TenantDb;
let south: TenantDb;
let app: TestApp;
const money = { currency: "USD", locale: "en-US" };

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@filters.example", password: "filters-password-1" });
  north = tenantDb(t.db, (await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id })).schema_name);
  south = tenantDb(t.db, (await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id })).schema_name);
  const mug = await createProduct(north, { title: "Mug", vendor: "Clayworks", tags: ["sale"], variants: [variant([], 1000)] });
  const bowl = await createProduct(north, { title: "Bowl", vendor: "Clayworks", variants: [variant([], 2000)] });
  const spoon = await createProduct(north, { title: "Spoon", vendor: "Woodshop", tags: ["sale"], variants: [variant([], 500, { inventoryQuantity: 0 })] });
  await createProduct(north, { title: "Lamp", vendor: "Lightly", tags: ["sale"], variants: [variant([], 900)] });
  // The merchant's order: bowl, mug, spoon. The lamp is in the shop, not in the collection.
  await createCollection(north, "kitchen", "Kitchen", [bowl.id, mug.id, spoon.id]);
  const tent = await createProduct(south, { title: "Tent", vendor: "Outdoors", variants: [variant([], 30000)] });
  await createCollection(south, "kitchen", "Camp kitchen", [tent.id]);
  await refreshAllProductSummaries(north);
  await refreshAllProductSummaries(south);
  await launch(north);
  await launch(south);
  app = await startTestApp(t.url);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function kitchen(db: TenantDb) {
  const { id } = await db.selectFrom("collections").select("id").where("handle", "=", "kitchen").executeTakeFirstOrThrow();
  return (await getCollection(db, id))!;
}

async function browse(db: TenantDb, query: string, within = kitchen(db)) {
  const { request, errors } = parseSearchRequest(new URLSearchParams(query), money, storefrontIntl("en"), COLLECTION_SORTS);
  expect(errors).toEqual({});
  const outcome = await search(db, request, { within: await collectionProductSet(db, await within) });
  const titles = await Promise.all(
    outcome.results.products.map(async (p) => (await db.selectFrom("products").select("title").where("id", "=", p.id).executeTakeFirstOrThrow()).title),
  );
  return { titles, outcome };
}

describe("a collection page's filters and sorts", () => {
  it("lists only the collection's products, in the merchant's order by default", async () => {
    const { titles, outcome } = await browse(north, "");
    expect(titles).toEqual(["Bowl", "Mug", "Spoon"]);
    expect(outcome.results.total).toBe(3);
    // The facets count the collection, not the shop: no Lightly, the lamp's vendor.
    expect(outcome.facets.vendors.map((v) => [v.value, v.count])).toEqual([
      ["Clayworks", 2],
      ["Woodshop", 1],
    ]);
    // The other shop's collection of the same handle has its own products.
    expect((await browse(south, "")).titles).toEqual(["Tent"]);
  });

  it("filters by availability, price and vendor, and sorts by price", async () => {
    expect((await browse(north, "filter.v.availability=1")).titles).toEqual(["Bowl", "Mug"]);
    expect((await browse(north, "filter.v.price.lte=12.50&sort_by=price-descending")).titles).toEqual(["Mug", "Spoon"]);
    expect((await browse(north, "filter.p.vendor=Clayworks&sort_by=title-ascending")).titles).toEqual(["Bowl", "Mug"]);
    // Relevance is search's; a collection page falls back to its own order.
    expect((await browse(north, "sort_by=relevance")).titles).toEqual(["Bowl", "Mug", "Spoon"]);
  });

  it("works the same for an automated collection, by title", async () => {
    const { id } = await saveCollection(north, SYSTEM_ACTOR, {
      title: "On sale",
      handle: "",
      descriptionHtml: "",
      kind: "automated",
      rules: [{ field: "tag", relation: "equals", value: "sale" }],
      rulesMatch: "all",
      parentId: null,
      seoTitle: "",
      seoDescription: "",
    });
    const sale = getCollection(north, id).then((c) => c!);
    expect((await browse(north, "", sale)).titles).toEqual(["Lamp", "Mug", "Spoon"]);
    expect((await browse(north, "filter.p.vendor=Clayworks&filter.p.vendor=Lightly", sale)).titles).toEqual(["Lamp", "Mug"]);
  });
});

describe("the collection page", () => {
  const cards = (html: string) => [...html.matchAll(/class="product-card-title"[^>]*><a [^>]*>([^<]+)</g)].map((m) => m[1]);

  it("shows the filters and the sort, and lists what they leave, as Shopify's parameters ask", async () => {
    const page = await app.request("north.shops.test", "/collections/kitchen");
    expect(page.status).toBe(200);
    expect(cards(page.body)).toEqual(["Bowl", "Mug", "Spoon"]);
    expect(page.body).toContain('<option value="manual" selected="">Featured</option>');
    expect(page.body).toContain('action="/collections/kitchen"');
    const filtered = await app.request("north.shops.test", "/collections/kitchen?filter.v.availability=1&sort_by=title-descending");
    expect(cards(filtered.body)).toEqual(["Mug", "Bowl"]);
    expect(filtered.body).toContain("2 products");
    // The same address in the other shop lists its own collection.
    expect(cards((await app.request("south.shops.test", "/collections/kitchen")).body)).toEqual(["Tent"]);
  });

  it("answers an unreadable price with 400 and the reason, still listing the collection", async () => {
    const res = await app.request("north.shops.test", "/collections/kitchen?filter.v.price.gte=12.3.4");
    expect(res.status).toBe(400);
    expect(res.body).toContain("Enter an amount like");
    expect(cards(res.body)).toEqual(["Bowl", "Mug", "Spoon"]);
  });
});
