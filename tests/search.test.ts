import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { refreshProductSummary } from "../shop/product-summary.server.ts";
import { saveProduct, type ProductInput, type VariantInput } from "../shop/products.server.ts";
import { emptyFilters, parseSearchRequest, SEARCH_PAGE_SIZE, type SearchFilters, type SearchRequest, type SearchSort } from "../shop/search.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";
import {
  chooseCorrections,
  editDistance,
  predictiveSearch,
  refreshProductSales,
  refreshSearchWords,
  resolveQuery,
  search,
  searchFacets,
  searchResults,
} from "../shop/search.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import { migrateSchemaInTransaction, migrateTenant } from "../tenants/migrator.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

const actor: Actor = { userId: null, email: "tester@example.com", ip: "" };
let t: TestDatabase;
let app: TestApp;
let alpha: Shop;
let beta: Shop;
let alphaDb: TenantDb;
let betaDb: TenantDb;
/** Product title → id, per shop. */
const ids: Record<string, Record<string, string>> = { alpha: {}, beta: {} };

function variant(overrides: Partial<VariantInput> = {}): VariantInput {
  return { optionValues: [], sku: "", price: 1000, compareAtPrice: null, inventoryQuantity: 5, continueSelling: false, weightGrams: 0, ...overrides };
}

function product(overrides: Partial<ProductInput>): ProductInput {
  return {
    title: "Untitled",
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: [],
    variants: [variant()],
    ...overrides,
  };
}

async function add(shop: "alpha" | "beta", input: ProductInput): Promise<string> {
  const { id } = await saveProduct(shop === "alpha" ? alphaDb : betaDb, actor, input);
  ids[shop][input.title] = id;
  return id;
}

function request(query: string, extra: Partial<SearchRequest> = {}): SearchRequest {
  return { query, filters: emptyFilters(), sort: "relevance", page: 1, ...extra };
}

const filtersWith = (extra: Partial<SearchFilters>): SearchFilters => ({ ...emptyFilters(), ...extra });
const titles = async (db: TenantDb, req: SearchRequest) => (await search(db, req)).results.products.map((p) => p.title);

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  alpha = await provisionShop(t.db, { slug: "alpha", name: "Alpha", ownerId: owner.id });
  beta = await provisionShop(t.db, { slug: "beta", name: "Beta", ownerId: owner.id });
  alphaDb = tenantDb(t.db, alpha.schema_name);
  betaDb = tenantDb(t.db, beta.schema_name);

  await add(
    "alpha",
    product({
      title: "Running Shoe",
      vendor: "Fleet",
      productType: "Shoes",
      tags: ["sport"],
      options: [{ name: "Size", values: ["8", "9"] }],
      variants: [
        variant({ optionValues: ["8"], sku: "RUN-001-8", price: 5000 }),
        variant({ optionValues: ["9"], sku: "RUN-001-9", price: 5200, inventoryQuantity: 0 }),
      ],
    }),
  );
  await add(
    "alpha",
    product({
      title: "Trail Sneaker",
      vendor: "Fleet",
      productType: "Shoes",
      descriptionHtml: "<p>Made for <strong>running</strong> on trails, for people who run every day.</p>",
      variants: [variant({ sku: "TRL-1", price: 6000 })],
    }),
  );
  await add(
    "alpha",
    product({
      title: "Wool Sweater",
      vendor: "Nordic",
      productType: "Sweaters",
      tags: ["winter", "gift"],
      options: [{ name: "Color", values: ["Red", "Blue"] }],
      variants: [
        variant({ optionValues: ["Red"], sku: "SWT-RED", price: 8000, inventoryQuantity: 0 }),
        variant({ optionValues: ["Blue"], sku: "SWT-BLUE", price: 8000, inventoryQuantity: 0 }),
      ],
    }),
  );
  await add(
    "alpha",
    product({
      title: "Cotton Sweater",
      vendor: "Nordic",
      productType: "Sweaters",
      tags: ["summer"],
      options: [{ name: "Color", values: ["Red", "Green"] }],
      variants: [variant({ optionValues: ["Red"], sku: "CSW-RED", price: 3000 }), variant({ optionValues: ["Green"], sku: "CSW-GREEN", price: 3500 })],
    }),
  );
  await add(
    "alpha",
    product({ title: "Coffee Mug", vendor: "Kiln", productType: "Mugs", tags: ["coffee", "gift"], variants: [variant({ sku: "MUG-1", price: 1500 })] }),
  );
  await add(
    "alpha",
    product({
      title: "Espresso Beans",
      vendor: "Roastery",
      productType: "Coffee",
      descriptionHtml: "<p>Dark roast coffee.</p>",
      // Sold out but still sold: counts as available.
      variants: [variant({ sku: "ESP-250", price: 1200, inventoryQuantity: 0, continueSelling: true })],
    }),
  );
  await add(
    "alpha",
    product({ title: "Secret Sweater", status: "draft", vendor: "Nordic", productType: "Sweaters", variants: [variant({ sku: "SWT-SECRET" })] }),
  );
  await add("alpha", product({ title: "Retired Sweater", status: "archived", vendor: "Nordic", productType: "Sweaters" }));

  // Beta: the same titles with different data, and a word only beta has.
  await add(
    "beta",
    product({
      title: "Wool Sweater",
      vendor: "Beta Knits",
      productType: "Knitwear",
      tags: ["beta-only"],
      variants: [variant({ sku: "SWT-RED", price: 9900 })],
    }),
  );
  await add("beta", product({ title: "Running Shoe", vendor: "Beta Feet", productType: "Footwear", variants: [variant({ sku: "B-RUN", price: 7700 })] }));
  await add("beta", product({ title: "Zanzibar Tea", vendor: "Beta Leaves", productType: "Tea" }));

  await refreshSearchWords(alphaDb);
  await refreshSearchWords(betaDb);
  for (const db of [alphaDb, betaDb]) await db.updateTable("settings").set({ launched_at: new Date() }).execute();
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("relevance", () => {
  it("ranks a title match above a description match, and stems words", async () => {
    expect(await titles(alphaDb, request("running"))).toEqual(["Running Shoe", "Trail Sneaker"]);
    // "runs" and "run" share the stem of "running" (title) and "run" (description).
    expect(await titles(alphaDb, request("runs"))).toEqual(["Running Shoe", "Trail Sneaker"]);
  });

  it("needs every term, and searches tags, vendor and type", async () => {
    expect(await titles(alphaDb, request("wool sweater"))).toEqual(["Wool Sweater"]);
    expect(await titles(alphaDb, request("nordic"))).toEqual(expect.arrayContaining(["Wool Sweater", "Cotton Sweater"]));
    expect(await titles(alphaDb, request("gift"))).toEqual(expect.arrayContaining(["Wool Sweater", "Coffee Mug"]));
    expect(await titles(alphaDb, request("mugs"))).toEqual(["Coffee Mug"]);
    expect(await titles(alphaDb, request("sweater nowhere"))).toEqual([]);
  });

  it("forgives a typo once the first four letters are right, and says what it searched", async () => {
    const outcome = await search(alphaDb, request("sweatr"));
    expect(outcome.results.products.map((p) => p.title).sort()).toEqual(["Cotton Sweater", "Wool Sweater"]);
    expect(outcome.correctedQuery).toBe("sweater");
    expect((await search(alphaDb, request("wool sweatr"))).results.products.map((p) => p.title)).toEqual(["Wool Sweater"]);
    // Beyond the rule: the closest word within two edits.
    const coffee = await search(alphaDb, request("cofee"));
    expect(coffee.results.products.map((p) => p.title)).toEqual(expect.arrayContaining(["Coffee Mug", "Espresso Beans"]));
    expect(coffee.correctedQuery).toBe("coffee");
    // Correct words are left alone.
    expect((await search(alphaDb, request("sweater"))).correctedQuery).toBeNull();
  });

  it("matches the last word as a prefix while the shopper types", async () => {
    const swea = await predictiveSearch(alphaDb, "swea");
    expect(swea.products.map((p) => p.title).sort()).toEqual(["Cotton Sweater", "Wool Sweater"]);
    // "runni" is no stem of "running", but it begins the title word.
    expect((await predictiveSearch(alphaDb, "runni")).products.map((p) => p.title)).toEqual(["Running Shoe"]);
    expect((await predictiveSearch(alphaDb, "wool swe")).products.map((p) => p.title)).toEqual(["Wool Sweater"]);
    // The full page doesn't take a half word as a prefix.
    expect(await titles(alphaDb, request("swea"))).toEqual([]);
    expect((await predictiveSearch(alphaDb, "   ")).products).toEqual([]);
  });

  it("finds exact and prefix SKUs first, whatever their case", async () => {
    expect((await titles(alphaDb, request("swt-blue")))[0]).toBe("Wool Sweater");
    expect(await titles(alphaDb, request("RUN-001"))).toEqual(["Running Shoe"]);
    expect((await predictiveSearch(alphaDb, "MUG-1")).products.map((p) => p.title)).toEqual(["Coffee Mug"]);
    // A SKU that is also a word elsewhere still puts the SKU's product first.
    await add("alpha", product({ title: "Red Scarf", descriptionHtml: "<p>Pairs with csw-red.</p>", variants: [variant({ sku: "SCARF-1" })] }));
    expect((await titles(alphaDb, request("CSW-RED")))[0]).toBe("Cotton Sweater");
  });

  it("never shows draft or archived products", async () => {
    for (const query of ["secret", "retired", "swt-secret"]) expect(await titles(alphaDb, request(query))).toEqual([]);
    expect(await titles(alphaDb, request("sweater"))).not.toContain("Secret Sweater");
    expect((await predictiveSearch(alphaDb, "secr")).products).toEqual([]);
  });

  it("treats query text as words, never as tsquery syntax or LIKE patterns", async () => {
    expect(await titles(alphaDb, request("sweater & | ! ( ) :* '"))).toHaveLength(2);
    expect(await titles(alphaDb, request("%"))).toEqual([]);
    expect(await titles(alphaDb, request("___-%"))).toEqual([]);
  });
});

describe("typo rules", () => {
  it("measures edits with swaps counted once", () => {
    expect(editDistance("sweatr", "sweater")).toBe(1);
    expect(editDistance("sewater", "sweater")).toBe(1);
    expect(editDistance("cofee", "coffee")).toBe(1);
    expect(editDistance("abc", "abc")).toBe(0);
  });

  it("prefers Shopify's rule, then the most similar word within two edits", () => {
    const words = [
      { word: "sweater", products: 10, similarity: 0.6 },
      { word: "sweat", products: 3, similarity: 0.5 },
      { word: "swimsuit", products: 5, similarity: 0.3 },
    ];
    expect(chooseCorrections("sweatr", words)).toEqual(["sweater", "sweat"]);
    expect(
      chooseCorrections("cofee", [
        { word: "coffe", products: 4, similarity: 0.33 },
        { word: "coffee", products: 4, similarity: 0.62 },
      ]),
    ).toEqual(["coffee"]);
    expect(chooseCorrections("xyzzy", words)).toEqual([]);
  });
});

describe("facets", () => {
  it("counts each value over the matches", async () => {
    const { facets, results } = await search(alphaDb, request("sweater"));
    expect(results.total).toBe(2);
    expect(facets.total).toBe(2);
    expect(facets.availability).toEqual({ in_stock: 1, out_of_stock: 1 });
    expect(facets.price).toEqual({ min: "3000", max: "8000" });
    expect(facets.vendors).toEqual([{ value: "Nordic", count: 2 }]);
    expect(facets.productTypes).toEqual([{ value: "Sweaters", count: 2 }]);
    expect(facets.tags).toEqual([
      { value: "gift", count: 1 },
      { value: "summer", count: 1 },
      { value: "winter", count: 1 },
    ]);
    expect(facets.options).toEqual([
      {
        name: "Color",
        values: [
          { value: "Red", count: 2 },
          { value: "Blue", count: 1 },
          { value: "Green", count: 1 },
        ],
      },
    ]);
  });

  it("applies every filter but a facet's own to its counts", async () => {
    const blue = await search(alphaDb, request("sweater", { filters: filtersWith({ options: [{ name: "Color", values: ["Blue"] }] }) }));
    expect(blue.results.products.map((p) => p.title)).toEqual(["Wool Sweater"]);
    expect(blue.results.total).toBe(1);
    // Color ignores its own filter, so Red and Green can still be added.
    expect(blue.facets.options).toEqual([
      {
        name: "Color",
        values: [
          { value: "Red", count: 2 },
          { value: "Blue", count: 1 },
          { value: "Green", count: 1 },
        ],
      },
    ]);
    expect(blue.facets.availability).toEqual({ in_stock: 0, out_of_stock: 1 });
    expect(blue.facets.tags.map((f) => f.value)).toEqual(["gift", "winter"]);

    const inStockBlue = await search(
      alphaDb,
      request("sweater", { filters: filtersWith({ availability: ["in_stock"], options: [{ name: "Color", values: ["Blue"] }] }) }),
    );
    expect(inStockBlue.results.products).toEqual([]);
    expect(inStockBlue.results.total).toBe(0);
    expect(inStockBlue.facets.availability).toEqual({ in_stock: 0, out_of_stock: 1 });
    expect(inStockBlue.facets.options).toEqual([
      {
        name: "Color",
        values: [
          { value: "Green", count: 1 },
          { value: "Red", count: 1 },
        ],
      },
    ]);
  });

  it("filters by price (any variant in range), type, vendor and tag, OR within a facet", async () => {
    const cheap = await search(alphaDb, request("sweater", { filters: filtersWith({ priceMax: 3200 }) }));
    expect(cheap.results.products.map((p) => p.title)).toEqual(["Cotton Sweater"]);
    // The price facet ignores the price filter: the full range stays visible.
    expect(cheap.facets.price).toEqual({ min: "3000", max: "8000" });
    expect(cheap.facets.availability).toEqual({ in_stock: 1, out_of_stock: 0 });
    expect(await titles(alphaDb, request("sweater", { filters: filtersWith({ priceMin: 3200, priceMax: 3600 }) }))).toEqual(["Cotton Sweater"]);
    expect(await titles(alphaDb, request("sweater", { filters: filtersWith({ priceMin: 3600 }) }))).toEqual(["Wool Sweater"]);

    const gifts = await search(alphaDb, request("", { filters: filtersWith({ tags: ["gift", "summer"] }), sort: "title-ascending" }));
    expect(gifts.results.products.map((p) => p.title)).toEqual(["Coffee Mug", "Cotton Sweater", "Wool Sweater"]);
    expect(await titles(alphaDb, request("", { filters: filtersWith({ vendors: ["Kiln", "Roastery"] }), sort: "title-ascending" }))).toEqual([
      "Coffee Mug",
      "Espresso Beans",
    ]);
    const coffee = await search(alphaDb, request("coffee", { filters: filtersWith({ productTypes: ["Coffee"] }) }));
    expect(coffee.results.products.map((p) => p.title)).toEqual(["Espresso Beans"]);
    expect(coffee.facets.productTypes).toEqual([
      { value: "Coffee", count: 1 },
      { value: "Mugs", count: 1 },
    ]);
    // continue_selling makes a sold-out variant available.
    expect(await titles(alphaDb, request("coffee", { filters: filtersWith({ availability: ["in_stock"] }), sort: "title-ascending" }))).toEqual([
      "Coffee Mug",
      "Espresso Beans",
    ]);
    expect(await titles(alphaDb, request("", { filters: filtersWith({ availability: ["out_of_stock"] }) }))).toEqual(["Wool Sweater"]);
  });
});

describe("sorting and pagination", () => {
  const TEES = 30;
  const teeIds: string[] = [];
  const price = (i: number) => [2000, 1000, 3000][i % 3];

  beforeAll(async () => {
    // Ties on purpose: three prices, two titles, the same publication time for pairs.
    for (let i = 0; i < TEES; i++) {
      teeIds.push(
        await add(
          "alpha",
          product({ title: i % 2 ? "Basic Tee" : "Organic Tee", handle: `tee-${i}`, variants: [variant({ sku: `TEE-${i}`, price: price(i) })] }),
        ),
      );
    }
    for (const [i, id] of teeIds.entries()) {
      await alphaDb
        .updateTable("products")
        .set({ published_at: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 2))) })
        .where("id", "=", id)
        .execute();
    }
    // Units sold: tee 5 sells 7, tee 9 sells 3 (plus 2 in a cancelled order that doesn't count), tee 0 sells 3.
    const sold = async (lines: [number, number][], cancelled = false) => {
      const order = await alphaDb
        .insertInto("orders")
        .values({ currency: "USD", subtotal: 0, total: 0, cancelled_at: cancelled ? new Date() : null })
        .returning("id")
        .executeTakeFirstOrThrow();
      await alphaDb
        .insertInto("order_lines")
        .values(lines.map(([tee, quantity]) => ({ order_id: order.id, product_id: teeIds[tee], title: "Tee", quantity, unit_price: price(tee) })))
        .execute();
    };
    await sold([
      [5, 4],
      [9, 1],
    ]);
    await sold([
      [5, 3],
      [9, 2],
      [0, 3],
    ]);
    await sold([[9, 2]], true);
    expect(await refreshProductSales(alphaDb)).toBe(true);
  });

  async function allPages(sort: SearchSort): Promise<string[]> {
    const first = await search(alphaDb, request("tee", { sort }));
    expect(first.results.total).toBe(TEES);
    expect(first.results.products).toHaveLength(SEARCH_PAGE_SIZE);
    expect(first.results.hasNext).toBe(true);
    const second = await search(alphaDb, request("tee", { sort, page: 2 }));
    expect(second.results.products).toHaveLength(TEES - SEARCH_PAGE_SIZE);
    expect(second.results.hasNext).toBe(false);
    const third = await search(alphaDb, request("tee", { sort, page: 3 }));
    expect(third.results.products).toEqual([]);
    expect(third.results.total).toBe(TEES);
    return [...first.results.products, ...second.results.products].map((p) => p.id);
  }

  const byId = (a: string, b: string) => Number(a) - Number(b);
  const priceOf = (id: string) => price(teeIds.indexOf(id));

  it.each(["relevance", "best-selling", "price-ascending", "price-descending", "created-descending", "title-ascending", "title-descending"] as const)(
    "pages through %s without duplicates or gaps",
    async (sort) => {
      const seen = await allPages(sort);
      expect(new Set(seen).size).toBe(TEES);
      expect([...seen].sort(byId)).toEqual([...teeIds].sort(byId));
      // Asking again gives the same order: ties are broken by id.
      expect(await allPages(sort)).toEqual(seen);
    },
  );

  it("orders by price, then id", async () => {
    const ascending = await allPages("price-ascending");
    const expected = [...teeIds].sort((a, b) => priceOf(a) - priceOf(b) || byId(a, b));
    expect(ascending).toEqual(expected);
    const descending = await allPages("price-descending");
    expect(descending).toEqual([...teeIds].sort((a, b) => priceOf(b) - priceOf(a) || byId(a, b)));
  });

  it("orders by title, newest and best selling", async () => {
    const titleOf = (id: string) => (teeIds.indexOf(id) % 2 ? "Basic Tee" : "Organic Tee");
    expect((await allPages("title-ascending")).map(titleOf)).toEqual([...Array(15).fill("Basic Tee"), ...Array(15).fill("Organic Tee")]);
    expect((await allPages("title-descending")).map(titleOf)).toEqual([...Array(15).fill("Organic Tee"), ...Array(15).fill("Basic Tee")]);
    // Same publication time in pairs: the later id first.
    expect(await allPages("created-descending")).toEqual([...teeIds].reverse());
    const best = await allPages("best-selling");
    expect(best.slice(0, 3)).toEqual([teeIds[5], teeIds[0], teeIds[9]]);
    expect(best.slice(3)).toEqual(teeIds.filter((_, i) => ![0, 5, 9].includes(i)).sort(byId));
  });

  it("refreshes the best-selling figures only when they are old, and one caller at a time", async () => {
    expect(await refreshProductSales(alphaDb, { maxAgeMs: 60_000 })).toBe(false);
    // While one caller holds the refresh (its row lock), another skips at once instead of refreshing too or waiting.
    await alphaDb.transaction().execute(async (trx) => {
      await trx.selectFrom("search_state").select("singleton").forUpdate().execute();
      expect(await refreshProductSales(alphaDb)).toBe(false);
    });
    expect(await refreshProductSales(alphaDb)).toBe(true);
    const units = await alphaDb.selectFrom("product_sales").select(["product_id", "units_sold"]).orderBy("product_id").execute();
    expect(units).toEqual(
      [
        { product_id: teeIds[0], units_sold: "3" },
        { product_id: teeIds[5], units_sold: "7" },
        { product_id: teeIds[9], units_sold: "3" },
      ].sort((x, y) => byId(x.product_id, y.product_id)),
    );
  });

  it("pages with a smaller page size too, through the domain function", async () => {
    const query = await resolveQuery(alphaDb, "tee");
    const pages = [];
    for (let page = 1; page <= 4; page++)
      pages.push(await searchResults(alphaDb, query, { filters: emptyFilters(), sort: "price-ascending", page }, { pageSize: 8 }));
    expect(pages.map((p) => p.products.length)).toEqual([8, 8, 8, 6]);
    expect(pages.map((p) => p.hasNext)).toEqual([true, true, true, false]);
    expect(new Set(pages.flatMap((p) => p.products.map((x) => x.id))).size).toBe(TEES);
  });
});

describe("two shops", () => {
  it("each search sees only its own shop's products, facets and vocabulary", async () => {
    const inAlpha = await search(alphaDb, request("wool sweater"));
    const inBeta = await search(betaDb, request("wool sweater"));
    expect(inAlpha.results.products).toEqual([{ id: ids.alpha["Wool Sweater"], handle: "wool-sweater", title: "Wool Sweater" }]);
    expect(inBeta.results.products).toEqual([{ id: ids.beta["Wool Sweater"], handle: "wool-sweater", title: "Wool Sweater" }]);
    expect(inAlpha.facets.vendors).toEqual([{ value: "Nordic", count: 1 }]);
    expect(inBeta.facets.vendors).toEqual([{ value: "Beta Knits", count: 1 }]);
    expect(inBeta.facets.price).toEqual({ min: "9900", max: "9900" });

    // Same SKU in both shops: each finds its own product.
    expect((await search(betaDb, request("SWT-RED"))).results.products.map((p) => p.id)).toEqual([ids.beta["Wool Sweater"]]);
    expect((await search(alphaDb, request("SWT-RED"))).results.products[0].id).toBe(ids.alpha["Wool Sweater"]);

    // Words only beta has are neither found nor offered as corrections in alpha.
    expect(await titles(alphaDb, request("zanzibar"))).toEqual([]);
    expect((await search(alphaDb, request("zanzibr"))).correctedQuery).toBeNull();
    expect((await search(betaDb, request("zanzibr"))).results.products.map((p) => p.title)).toEqual(["Zanzibar Tea"]);
    expect((await predictiveSearch(alphaDb, "zanz")).products).toEqual([]);
    expect(await titles(alphaDb, request("beta"))).toEqual([]);
  });
});

describe("the vocabulary", () => {
  it("is rebuilt when products changed since, at most as often as asked", async () => {
    await add("alpha", product({ title: "Quokka Plush", vendor: "Fauna" }));
    // Found at once by its words; only typo tolerance waits for the vocabulary.
    expect(await titles(alphaDb, request("quokka"))).toEqual(["Quokka Plush"]);
    expect(await refreshSearchWords(alphaDb)).toBe(true);
    expect(await refreshSearchWords(alphaDb, { minIntervalMs: 60_000 })).toBe(false);
    expect((await search(alphaDb, request("quokkas plsh"))).results.products.map((p) => p.title)).toEqual(["Quokka Plush"]);
    const words = await alphaDb
      .selectFrom("search_words")
      .select(["word", "products"])
      .where("word", "in", ["quokka", "sweater", "secret"])
      .orderBy("word")
      .execute();
    // Draft products lend no words.
    expect(words).toEqual([
      { word: "quokka", products: 1 },
      { word: "sweater", products: 2 },
    ]);
  });
});

describe("reading the request from the URL", () => {
  const parse = (query: string, currency = "EUR", locale = "en-IE", language: "en" | "zh-CN" = "en") =>
    parseSearchRequest(new URLSearchParams(query), { currency, locale }, storefrontIntl(language));

  it("reads Shopify's filter parameters, prices in the shop's currency", () => {
    const { request: req, errors } = parse(
      "q=+wool+&sort_by=price-descending&page=2&filter.v.availability=1&filter.v.price.gte=10.5&filter.v.price.lte=20&filter.p.vendor=Nordic&filter.p.vendor=Nordic&filter.p.product_type=Sweaters&filter.p.tag=gift&filter.v.option.Color=Red&filter.v.option.Color=Blue&filter.v.option.Size=M",
    );
    expect(errors).toEqual({});
    expect(req).toEqual({
      query: "wool",
      sort: "price-descending",
      page: 2,
      filters: {
        availability: ["in_stock"],
        priceMin: 1050,
        priceMax: 2000,
        productTypes: ["Sweaters"],
        vendors: ["Nordic"],
        tags: ["gift"],
        options: [
          { name: "Color", values: ["Red", "Blue"] },
          { name: "Size", values: ["M"] },
        ],
      },
    });
    expect(parse("filter.v.price.gte=1500", "JPY").request.filters.priceMin).toBe(1500);
  });

  it("reads a typed price in the shop's notation: 12,50 in a German shop, 12.50 in an English one", () => {
    const de = (query: string) => parse(query, "EUR", "de-DE");
    expect(de("filter.v.price.gte=12,50&filter.v.price.lte=1.234,50").request.filters).toMatchObject({ priceMin: 1250, priceMax: 123450 });
    expect(de("filter.v.price.gte=12.50").request.filters.priceMin).toBe(1250);
    expect(parse("filter.v.price.gte=12,50&filter.v.price.lte=1,234.50").request.filters).toMatchObject({ priceMin: 1250, priceMax: 123450 });
    const ambiguous = de("filter.v.price.gte=1.500");
    expect(ambiguous.request.filters.priceMin).toBeNull();
    expect(ambiguous.errors["filter.v.price.gte"]).toBe("“1.500” could be read two ways: type it without a thousands separator, like 12,50.");
    expect(de("filter.v.price.gte=zehn").errors["filter.v.price.gte"]).toBe("Enter an amount like 12,50.");
    expect(parse("filter.v.price.gte=1%00").errors["filter.v.price.gte"]).toBe("Enter an amount like 12.50.");
  });

  it("reports unreadable prices and falls back on bad sorts and pages", () => {
    const { request: req, errors } = parse("q=x&sort_by=cheapest&page=-3&filter.v.price.gte=ten&filter.v.price.lte=1.234");
    expect(req.sort).toBe("relevance");
    expect(req.page).toBe(1);
    expect(req.filters.priceMin).toBeNull();
    expect(req.filters.priceMax).toBeNull();
    expect(errors["filter.v.price.gte"]).toBe("Enter an amount like 12.50.");
    expect(errors["filter.v.price.lte"]).toBe("Type at most 2 decimals, like 12.50.");
    expect(parse("filter.v.price.gte=1.5", "JPY").errors["filter.v.price.gte"]).toBe("Type a whole number, like 1200.");
    const reversed = parse("filter.v.price.gte=20&filter.v.price.lte=10");
    expect(reversed.errors["filter.v.price.lte"]).toBe("The highest price must not be below the lowest.");
    expect(reversed.request.filters.priceMax).toBeNull();
    // In a Chinese storefront, in Chinese.
    const chinese = parse("filter.v.price.gte=ten&filter.v.price.lte=99999999999999999", "CNY", "zh-CN", "zh-CN");
    expect(chinese.errors["filter.v.price.gte"]).toBe("请输入金额，例如 12.50。");
    expect(chinese.errors["filter.v.price.lte"]).toBe("请输入不超过 ¥100,000,000,000.00 的金额。");
  });
});

describe("the /search page", () => {
  // React separates adjacent text with <!-- --> in server HTML.
  const get = async (shop: string, path: string) => {
    const res = await app.request(`${shop}.shops.test`, path);
    return { ...res, body: res.body.replaceAll("<!-- -->", "") };
  };

  it("asks for a query and searches nothing without one", async () => {
    const page = await get("alpha", "/search");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Search by product name");
    expect(page.body).not.toContain("Running Shoe");
    // Every result page points crawlers at /search itself, so queries don't multiply indexed pages.
    expect(page.body).toMatch(/<link rel="canonical" href="http:\/\/alpha\.shops\.test\/search"\/>/);
  });

  it("shows results with facets, corrections, sorting and pages", async () => {
    const page = await get("alpha", "/search?q=sweatr");
    expect(page.status).toBe(200);
    expect(page.body).toContain("2 results");
    expect(page.body).toContain("Including results for <strong>“sweater”</strong>");
    expect(page.body).toContain("Wool Sweater");
    expect(page.body).toContain("Cotton Sweater");
    expect(page.body).not.toContain("Secret Sweater");
    // Facets as a GET form with counts.
    expect(page.body).toMatch(/name="filter.v.option.Color" value="Blue"/);
    expect(page.body).toMatch(/Nordic <span class="facet-count">\(2/);
    expect(page.body).toContain("From $30.00 to $80.00");

    const blue = await get("alpha", "/search?q=sweater&filter.v.option.Color=Blue&sort_by=price-ascending");
    expect(blue.body).toContain("1 result");
    expect(blue.body).toContain("Wool Sweater");
    expect(blue.body).not.toContain("Cotton Sweater</a>");
    expect(blue.body).toMatch(/<input type="checkbox"[^>]* checked="" value="Blue"\/>/);
    expect(blue.body).toMatch(/<input type="checkbox"[^>]*name="filter.v.option.Color" value="Red"\/>/);
    expect(blue.body).toMatch(/<option value="price-ascending" selected="">/);

    const second = await get("alpha", "/search?q=tee&page=2");
    expect(second.body).toContain("30 results");
    expect(second.body).toContain('rel="prev"');
  });

  it("says so when nothing matches, and reports a bad price next to its field", async () => {
    const none = await get("alpha", "/search?q=xylophone");
    expect(none.status).toBe(200);
    expect(none.body).toContain("No products match “xylophone”.");
    const bad = await get("alpha", "/search?q=sweater&filter.v.price.gte=cheap");
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Enter an amount like 12.50.");
    expect(bad.body).toMatch(/aria-invalid="true"/);
    // The rest of the search still runs.
    expect(bad.body).toContain("2 results");
  });

  it("escapes what the shopper typed", async () => {
    const page = await get("alpha", `/search?q=${encodeURIComponent("<script>alert(1)</script>")}`);
    expect(page.body).not.toContain("<script>alert(1)</script>");
    expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("suggests products as JSON while the shopper types", async () => {
    const res = await get("alpha", "/search/suggest?q=swea");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("application/json");
    expect(res.headers["cache-control"]).toBe("private, no-store");
    const body = JSON.parse(res.body);
    expect(body.query).toBe("swea");
    expect(body.products.map((p: { title: string }) => p.title).sort()).toEqual(["Cotton Sweater", "Wool Sweater"]);
    expect(body.products[0]).toMatchObject({ handle: expect.any(String), price: expect.any(String), available: expect.any(Boolean) });
    expect(JSON.parse((await get("alpha", "/search/suggest?q=")).body).products).toEqual([]);
  });

  it("serves each shop's own results on its own host", async () => {
    const alphaPage = await get("alpha", "/search?q=wool+sweater");
    const betaPage = await get("beta", "/search?q=wool+sweater");
    expect(alphaPage.body).toContain("Nordic");
    expect(alphaPage.body).not.toContain("Beta Knits");
    expect(betaPage.body).toContain("Beta Knits");
    expect(betaPage.body).not.toContain("Nordic");
    const betaSuggest = JSON.parse((await get("beta", "/search/suggest?q=zanz")).body);
    expect(betaSuggest.products.map((p: { title: string }) => p.title)).toEqual(["Zanzibar Tea"]);
    expect(JSON.parse((await get("alpha", "/search/suggest?q=zanz")).body).products).toEqual([]);
    // Search exists only on shop hosts.
    expect((await app.request("bazaar.test", "/search?q=wool")).status).toBe(404);
  });
});

describe("product search summary", () => {
  // Shops of their own, so the other tests' exact lists stay as they are.
  let gammaDb: TenantDb;
  let deltaDb: TenantDb;
  const lantern = (variants: VariantInput[], options: ProductInput["options"]) =>
    product({ title: "Brass Lantern", handle: "brass-lantern", vendor: "Lumen", productType: "Lamps", options, variants });

  beforeAll(async () => {
    const owner = await createUser(t.db, { email: "summary-owner@example.com", password: "correct horse" });
    gammaDb = tenantDb(t.db, (await provisionShop(t.db, { slug: "gamma", name: "Gamma", ownerId: owner.id })).schema_name);
    deltaDb = tenantDb(t.db, (await provisionShop(t.db, { slug: "delta", name: "Delta", ownerId: owner.id })).schema_name);
    // Same handle and title in another shop, other prices and options.
    await saveProduct(deltaDb, actor, lantern([variant({ optionValues: ["Gold"], price: 999 })], [{ name: "Color", values: ["Gold"] }]));
  });

  it("follows edits of a product's variants and options on the next search", async () => {
    const { id } = await saveProduct(
      gammaDb,
      actor,
      lantern(
        [variant({ optionValues: ["Gold"], price: 2000, inventoryQuantity: 3 }), variant({ optionValues: ["Silver"], price: 2500, inventoryQuantity: 0 })],
        [{ name: "Color", values: ["Gold", "Silver"] }],
      ),
    );
    const before = await search(gammaDb, request("lantern"));
    expect(before.facets.price).toEqual({ min: "2000", max: "2500" });
    expect(before.facets.availability).toEqual({ in_stock: 1, out_of_stock: 0 });
    expect(before.facets.options).toEqual([
      {
        name: "Color",
        values: [
          { value: "Gold", count: 1 },
          { value: "Silver", count: 1 },
        ],
      },
    ]);
    // A variant must be in the range, not just the product's lowest and highest prices around it.
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ priceMin: 2100, priceMax: 2400 }) }))).toEqual([]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ priceMin: 2400, priceMax: 2600 }) }))).toEqual(["Brass Lantern"]);

    // New prices, no stock, and an option renamed (quotes and a comma in the name) with a new value.
    const shade = 'Shade "A", B';
    await saveProduct(
      gammaDb,
      actor,
      lantern(
        [variant({ optionValues: ["Gold"], price: 4000, inventoryQuantity: 0 }), variant({ optionValues: ["Bronze"], price: 4500, inventoryQuantity: 0 })],
        [{ name: shade, values: ["Gold", "Bronze"] }],
      ),
      id,
    );
    const after = await search(gammaDb, request("lantern"));
    expect(after.facets.price).toEqual({ min: "4000", max: "4500" });
    expect(after.facets.availability).toEqual({ in_stock: 0, out_of_stock: 1 });
    expect(after.facets.options).toEqual([
      {
        name: shade,
        values: [
          { value: "Bronze", count: 1 },
          { value: "Gold", count: 1 },
        ],
      },
    ]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ priceMax: 2600 }) }))).toEqual([]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ priceMin: 4100, priceMax: 4600 }) }))).toEqual(["Brass Lantern"]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ availability: ["in_stock"] }) }))).toEqual([]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ options: [{ name: "Color", values: ["Gold"] }] }) }))).toEqual([]);
    expect(await titles(gammaDb, request("lantern", { filters: filtersWith({ options: [{ name: shade, values: ["Bronze"] }] }) }))).toEqual(["Brass Lantern"]);
    expect(
      await titles(gammaDb, request("lantern", { sort: "price-ascending", filters: filtersWith({ options: [{ name: shade, values: ["Silver"] }] }) })),
    ).toEqual([]);

    // The other shop's lantern kept its own summary.
    const inDelta = await search(deltaDb, request("lantern"));
    expect(inDelta.facets.price).toEqual({ min: "999", max: "999" });
    expect(inDelta.facets.options).toEqual([{ name: "Color", values: [{ value: "Gold", count: 1 }] }]);
  });

  it("is computed by its migration for products saved before it, as saving computes it", async () => {
    const schema = "shop_summary_backfill";
    await sql`create schema ${sql.id(schema)}`.execute(t.db);
    const before = tenantMigrations.slice(
      0,
      tenantMigrations.findIndex((m) => m.name === "0011_product_search_summary"),
    );
    await t.db.transaction().execute((trx) => migrateSchemaInTransaction(trx, schema, before));
    const db = tenantDb(t.db, schema);
    const lamp = await db.insertInto("products").values({ handle: "lamp", title: "Lamp", status: "active" }).returning("id").executeTakeFirstOrThrow();
    await db
      .insertInto("product_options")
      .values({ product_id: lamp.id, position: 0, name: "Color", option_values: ["Red", "Blue"] })
      .execute();
    await db
      .insertInto("variants")
      .values([
        { product_id: lamp.id, position: 0, option_values: ["Red"], price: 500, inventory_quantity: 0 },
        { product_id: lamp.id, position: 1, option_values: ["Blue"], price: 700, inventory_quantity: 2 },
      ])
      .execute();
    const bare = await db.insertInto("products").values({ handle: "bare", title: "Bare" }).returning("id").executeTakeFirstOrThrow();

    expect(await migrateTenant(t.db, schema, tenantMigrations)).toContain("0011_product_search_summary");
    const summaries = () => db.selectFrom("products").select(["handle", "min_price", "max_price", "available", "option_pairs"]).orderBy("handle").execute();
    const migrated = await summaries();
    expect(migrated).toEqual([
      { handle: "bare", min_price: null, max_price: null, available: false, option_pairs: [] },
      { handle: "lamp", min_price: "500", max_price: "700", available: true, option_pairs: ['["Color","Blue"]', '["Color","Red"]'] },
    ]);
    await refreshProductSummary(db, lamp.id);
    await refreshProductSummary(db, bare.id);
    expect(await summaries()).toEqual(migrated);
  });

  it("counts a broad query's facets over a sample, and its total over every match", async () => {
    for (let i = 1; i <= 5; i++) {
      await saveProduct(
        gammaDb,
        actor,
        product({ title: `Paper Lantern ${i}`, vendor: `Folded ${i}`, variants: [variant({ price: 100 * i, inventoryQuantity: i % 2 })] }),
      );
    }
    const query = await resolveQuery(gammaDb, "paper lantern");
    const all = await searchFacets(gammaDb, query, emptyFilters());
    expect(all.exhaustive).toBe(true);
    expect(all.total).toBe(5);
    expect(all.vendors).toHaveLength(5);

    const sampled = await searchFacets(gammaDb, query, emptyFilters(), { sampleSize: 2 });
    expect(sampled.exhaustive).toBe(false);
    expect(sampled.total).toBe(5);
    // One more than the sample is read to know there are more.
    expect(sampled.vendors.reduce((n, v) => n + v.count, 0)).toBe(3);
    const inStock = await searchFacets(gammaDb, query, filtersWith({ availability: ["in_stock"] }), { sampleSize: 2 });
    expect(inStock.total).toBe(3);

    // Exactly as many matches as the sample holds: every one counted.
    expect((await searchFacets(gammaDb, query, emptyFilters(), { sampleSize: 5 })).exhaustive).toBe(true);
    // Delta has no paper lanterns.
    expect((await searchFacets(deltaDb, await resolveQuery(deltaDb, "paper lantern"), emptyFilters(), { sampleSize: 2 })).total).toBe(0);
  });
});
