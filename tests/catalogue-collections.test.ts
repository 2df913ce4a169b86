import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectionRule, Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { getCollection, listCollectionProducts, parentChoices, saveCollection, type CollectionInput } from "../shop/collections.server.ts";
import { currencyChangeBlockers, saveGeneralSettings, SettingsValidationError } from "../shop/settings.server.ts";
import { collectionPriceRules } from "../tenants/migrations/0013_collection_price_rules.ts";
import { saveProduct, type ProductInput } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, adminSave, inputValue, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

// Two shops with the same product and collection handles and different contents.
let t: TestDatabase;
let app: TestApp;
let alpha: Shop;
let beta: Shop;
let alphaDb: TenantDb;
let betaDb: TenantDb;
let alice: string; // owner of alpha
let bob: string; // owner of beta
let stan: string; // staff in alpha
const SEED: Actor = { userId: null, email: "seed@example.com", ip: "" };
const products: Record<string, string> = {};
const betaProducts: Record<string, string> = {};

type Seed = { title: string; handle: string; tags: string[]; type: string; vendor: string; prices: number[]; stock: number[]; status?: ProductInput["status"] };

function productInput(seed: Seed): ProductInput {
  const many = seed.prices.length > 1;
  return {
    title: seed.title,
    handle: seed.handle,
    descriptionHtml: "",
    status: seed.status ?? "active",
    vendor: seed.vendor,
    productType: seed.type,
    tags: seed.tags,
    seoTitle: "",
    seoDescription: "",
    options: many ? [{ name: "Size", values: seed.prices.map((_, i) => `S${i}`) }] : [],
    variants: seed.prices.map((price, i) => ({
      optionValues: many ? [`S${i}`] : [],
      sku: `${seed.handle}-${i}`,
      price,
      compareAtPrice: null,
      inventoryQuantity: seed.stock[i],
      continueSelling: false,
      weightGrams: 0,
    })),
  };
}

function collectionInput(overrides: Partial<CollectionInput>): CollectionInput {
  return {
    title: "Collection",
    handle: "",
    descriptionHtml: "",
    kind: "manual",
    rules: [],
    rulesMatch: "all",
    parentId: null,
    seoTitle: "",
    seoDescription: "",
    ...overrides,
  };
}

function collectionForm({
  intent = "save",
  title,
  handle = "",
  kind = "manual",
  rulesMatch = "all",
  parentId = "",
  rules = [],
  extra = [],
}: {
  intent?: string;
  title: string;
  handle?: string;
  kind?: string;
  rulesMatch?: string;
  parentId?: string;
  rules?: [string, string, string][];
  extra?: [string, string][];
}): [string, string][] {
  return [
    ["intent", intent],
    ["title", title],
    ["handle", handle],
    ["kind", kind],
    ["rulesMatch", rulesMatch],
    ["parentId", parentId],
    ["descriptionHtml", ""],
    ["seoTitle", ""],
    ["seoDescription", ""],
    ["ruleCount", String(rules.length)],
    ...rules.flatMap(([field, relation, value], i): [string, string][] => [
      [`rules.${i}.field`, field],
      [`rules.${i}.relation`, relation],
      [`rules.${i}.value`, value],
    ]),
    ...extra,
  ];
}

async function snapshot(db: TenantDb) {
  return {
    collections: await db.selectFrom("collections").selectAll().orderBy("id").execute(),
    members: await db.selectFrom("collection_products").selectAll().orderBy("collection_id").orderBy("product_id").execute(),
  };
}

async function auditActions(db: TenantDb, subjectId: string): Promise<string[]> {
  return (
    await db.selectFrom("audit_events").select("action").where("subject_type", "=", "collection").where("subject_id", "=", subjectId).orderBy("id").execute()
  ).map((r) => r.action);
}

const titles = (html: string) => [...html.matchAll(/<td class="title-cell"><a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);

beforeAll(async () => {
  t = await createTestDatabase();
  const aliceUser = await createUser(t.db, { email: "alice@example.com", password: "alice-password" });
  const bobUser = await createUser(t.db, { email: "bob@example.com", password: "bob-password" });
  const stanUser = await createUser(t.db, { email: "stan@example.com", password: "stan-password" });
  alpha = await provisionShop(t.db, { slug: "alpha", name: "Alpha", ownerId: aliceUser.id });
  beta = await provisionShop(t.db, { slug: "beta", name: "Beta", ownerId: bobUser.id });
  await t.db.insertInto("platform.memberships").values({ user_id: stanUser.id, shop_id: alpha.id, role: "staff" }).execute();
  alphaDb = tenantDb(t.db, alpha.schema_name);
  betaDb = tenantDb(t.db, beta.schema_name);
  await alphaDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await betaDb.updateTable("settings").set({ currency: "JPY" }).execute();

  const alphaSeeds: Seed[] = [
    { title: "Red Shirt", handle: "red-shirt", tags: ["Summer", "Sale"], type: "Shirts", vendor: "Acme", prices: [2000], stock: [5] },
    { title: "Blue Shirt", handle: "blue-shirt", tags: ["Summer"], type: "Shirts", vendor: "Bolt", prices: [3500], stock: [0] },
    { title: "Wool Hat", handle: "wool-hat", tags: ["Winter"], type: "Hats", vendor: "Acme", prices: [1500, 4500], stock: [3, 0] },
    { title: "Scarf", handle: "scarf", tags: [], type: "Accessories", vendor: "Other", prices: [999], stock: [12], status: "draft" },
  ];
  for (const seed of alphaSeeds) products[seed.handle] = (await saveProduct(alphaDb, SEED, productInput(seed))).id;
  // Beta: the same handles and ids, other titles and tags (every beta product is tagged Summer).
  for (const seed of alphaSeeds) {
    betaProducts[seed.handle] = (await saveProduct(betaDb, SEED, productInput({ ...seed, title: `Beta ${seed.title}`, tags: ["Summer"], vendor: "Acme" }))).id;
  }
  await sql`alter table ${sql.id(beta.schema_name, "products")} alter column id restart with 900000`.execute(t.db);
  betaProducts.only = (
    await saveProduct(betaDb, SEED, productInput({ title: "Beta Only", handle: "beta-only", tags: [], type: "", vendor: "", prices: [1], stock: [1] }))
  ).id;

  app = await startTestApp(t.url);
  alice = await logIn(app, "alice@example.com", "alice-password");
  bob = await logIn(app, "bob@example.com", "bob-password");
  stan = await logIn(app, "stan@example.com", "stan-password");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("manual collections", () => {
  let id: string;
  const order = async () => (await listCollectionProducts(alphaDb, (await getCollection(alphaDb, id))!)).products.map((p) => p.title);

  it("creates a manual collection, then adds, orders and removes products by hand", async () => {
    expect((await adminGet(app, alice, "/admin/alpha/collections/new")).status).toBe(200);
    const created = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: "Front page" }));
    expect(created.status).toBe(302);
    id = /\/admin\/alpha\/collections\/(\d+)\?created=1$/.exec(created.headers.location!)![1];
    expect(await getCollection(alphaDb, id)).toMatchObject({ title: "Front page", handle: "front-page", kind: "manual", rules: [] });

    const path = `/admin/alpha/collections/${id}`;
    const add = (productIds: string[]) => adminSave(app, alice, path, [["intent", "add-products"], ...productIds.map((p): [string, string] => ["ids", p])]);
    expect((await add([products["red-shirt"], products["blue-shirt"], products["wool-hat"]])).body).toContain("Added 3 products.");
    expect(await order()).toEqual(["Red Shirt", "Blue Shirt", "Wool Hat"]);
    // Already there, or not this shop's product: skipped.
    expect((await add([products["red-shirt"], products.scarf, betaProducts.only])).body).toContain("Added 1 product.");
    expect(await order()).toEqual(["Red Shirt", "Blue Shirt", "Wool Hat", "Scarf"]);
    const none = await adminSave(app, alice, path, [["intent", "add-products"]]);
    expect(none.status).toBe(400);
    expect(none.body).toContain("Tick the products to add first.");

    const post = (intent: string) => adminSave(app, alice, path, [["intent", intent]]);
    expect((await post(`move-up:${products["wool-hat"]}`)).status).toBe(200);
    expect(await order()).toEqual(["Red Shirt", "Wool Hat", "Blue Shirt", "Scarf"]);
    await post(`move-down:${products["red-shirt"]}`);
    expect(await order()).toEqual(["Wool Hat", "Red Shirt", "Blue Shirt", "Scarf"]);
    await post(`move-up:${products["wool-hat"]}`);
    await post(`move-down:${products.scarf}`);
    expect(await order()).toEqual(["Wool Hat", "Red Shirt", "Blue Shirt", "Scarf"]);
    expect((await post(`remove:${products["blue-shirt"]}`)).body).toContain("Product removed from the collection.");
    expect(await order()).toEqual(["Wool Hat", "Red Shirt", "Scarf"]);

    const page = await adminGet(app, alice, path);
    expect(titles(page.body)).toEqual(["Wool Hat", "Red Shirt", "Scarf"]);
    expect(page.body).not.toContain("Beta ");
    expect(await auditActions(alphaDb, id)).toEqual([
      "collection.created",
      "collection.products_added",
      "collection.products_added",
      "collection.product_moved",
      "collection.product_moved",
      "collection.product_removed",
    ]);
  });

  it("finds products to add in this shop only, marking the ones already in", async () => {
    const page = await adminGet(app, alice, `/admin/alpha/collections/${id}?find=SHIRT`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/name="ids" value="\d+"\/>Blue Shirt/);
    expect(page.body).toMatch(/name="ids" disabled="" value="\d+"\/>Red Shirt/);
    expect(page.body).not.toContain("Beta Red Shirt");
  });
});

describe("automated collections", () => {
  const match = async (rules: [CollectionRule["field"], CollectionRule["relation"], string][], rulesMatch: "all" | "any" = "all") =>
    (
      await listCollectionProducts(alphaDb, {
        id: "0",
        kind: "automated",
        rulesMatch,
        // Price values here are stored minor units of EUR, alpha's currency.
        rules: rules.map(([field, relation, value]): CollectionRule =>
          field === "price" ? { field, relation, amount: value, currency: "EUR" } : { field, relation, value },
        ),
      })
    ).products
      .map((p) => p.title)
      .sort();

  it("matches tags, product types and vendors, ignoring case", async () => {
    expect(await match([["tag", "equals", "summer"]])).toEqual(["Blue Shirt", "Red Shirt"]);
    expect(await match([["tag", "not_equals", "SUMMER"]])).toEqual(["Scarf", "Wool Hat"]);
    expect(await match([["tag", "contains", "umm"]])).toEqual(["Blue Shirt", "Red Shirt"]);
    expect(await match([["product_type", "equals", "shirts"]])).toEqual(["Blue Shirt", "Red Shirt"]);
    expect(await match([["product_type", "not_equals", "Shirts"]])).toEqual(["Scarf", "Wool Hat"]);
    expect(await match([["product_type", "contains", "HAT"]])).toEqual(["Wool Hat"]);
    expect(await match([["vendor", "equals", "acme"]])).toEqual(["Red Shirt", "Wool Hat"]);
  });

  it("matches any variant's price in the shop's currency and the total stock", async () => {
    expect(await match([["price", "greater_than", "3000"]])).toEqual(["Blue Shirt", "Wool Hat"]);
    expect(await match([["price", "less_than", "1000"]])).toEqual(["Scarf"]);
    expect(await match([["price", "equals", "2000"]])).toEqual(["Red Shirt"]);
    expect(await match([["price", "not_equals", "2000"]])).toEqual(["Blue Shirt", "Scarf", "Wool Hat"]);
    expect(await match([["inventory", "equals", "0"]])).toEqual(["Blue Shirt"]);
    expect(await match([["inventory", "greater_than", "4"]])).toEqual(["Red Shirt", "Scarf"]);
    expect(await match([["inventory", "less_than", "4"]])).toEqual(["Blue Shirt", "Wool Hat"]);
  });

  it("combines conditions with all or any, and binds every value as a parameter", async () => {
    expect(
      await match([
        ["tag", "equals", "Summer"],
        ["inventory", "greater_than", "0"],
      ]),
    ).toEqual(["Red Shirt"]);
    expect(
      await match(
        [
          ["vendor", "equals", "Bolt"],
          ["product_type", "equals", "Hats"],
        ],
        "any",
      ),
    ).toEqual(["Blue Shirt", "Wool Hat"]);
    expect(await match([["tag", "equals", "x' or '1'='1"]])).toEqual([]);
    expect(await match([["vendor", "contains", "%"]])).toEqual([]);
    expect(await match([["tag", "contains", "_"]])).toEqual([]);
    const active = await listCollectionProducts(
      alphaDb,
      { id: "0", kind: "automated", rulesMatch: "all", rules: [{ field: "price", relation: "less_than", amount: "10000", currency: "EUR" }] },
      { status: "active" },
    );
    expect(active.products.map((p) => p.title).sort()).toEqual(["Blue Shirt", "Red Shirt", "Wool Hat"]);
  });

  it("saves an automated collection over HTTP and shows the products its conditions match in this shop", async () => {
    const res = await adminPost(
      app,
      alice,
      "/admin/alpha/collections/new",
      collectionForm({
        title: "Summer",
        kind: "automated",
        rules: [["tag", "equals", "Summer"]],
      }),
    );
    expect(res.status).toBe(302);
    const id = /collections\/(\d+)\?created=1$/.exec(res.headers.location!)![1];
    expect(await getCollection(alphaDb, id)).toMatchObject({
      kind: "automated",
      rulesMatch: "all",
      rules: [{ field: "tag", relation: "equals", value: "Summer" }],
    });
    const page = await adminGet(app, alice, `/admin/alpha/collections/${id}`);
    expect(titles(page.body).sort()).toEqual(["Blue Shirt", "Red Shirt"]);
    expect(page.body).not.toContain("Beta Red Shirt");

    // Products join an automated collection only through its conditions.
    const added = await adminSave(app, alice, `/admin/alpha/collections/${id}`, [
      ["intent", "add-products"],
      ["ids", products.scarf],
    ]);
    expect(added.status).toBe(400);
    expect(added.body).toContain("Products join an automated collection through its conditions.");
    expect(await alphaDb.selectFrom("collection_products").selectAll().where("collection_id", "=", id).execute()).toEqual([]);

    const list = await adminGet(app, alice, "/admin/alpha/collections?q=summer");
    expect(list.body).toMatch(/>Summer<\/a>.*?<td>Automated<\/td><td[^>]*>.*?<\/td><td class="num">2<\/td>/s);
  });

  it("adds and removes condition rows without saving, and refuses bad conditions field by field", async () => {
    const before = await snapshot(alphaDb);
    const audits = await alphaDb.selectFrom("audit_events").select("id").execute();
    const added = await adminPost(
      app,
      alice,
      "/admin/alpha/collections/new",
      collectionForm({ intent: "add-rule", title: "Deals", kind: "automated", rules: [["tag", "equals", "Sale"]] }),
    );
    expect(added.status).toBe(200);
    expect(inputValue(added.body, "ruleCount")).toBe("2");
    expect(inputValue(added.body, "rules.0.value")).toBe("Sale");
    const removed = await adminPost(
      app,
      alice,
      "/admin/alpha/collections/new",
      collectionForm({
        intent: "remove-rule:0",
        title: "Deals",
        kind: "automated",
        rules: [
          ["tag", "equals", "Sale"],
          ["vendor", "equals", "Acme"],
        ],
      }),
    );
    expect(inputValue(removed.body, "ruleCount")).toBe("1");
    expect(inputValue(removed.body, "rules.0.value")).toBe("Acme");

    const bad = await adminPost(
      app,
      alice,
      "/admin/alpha/collections/new",
      collectionForm({
        title: "Deals",
        kind: "automated",
        rules: [
          ["price", "greater_than", "abc"],
          ["inventory", "equals", "1.5"],
          ["tag", "greater_than", "x"],
          ["vendor", "equals", " "],
          ["colour", "equals", "red"],
        ],
      }),
    );
    expect(bad.status).toBe(400);
    for (const [i, message] of [
      [0, "Enter an amount in EUR, like 12.50."],
      [1, "Enter a whole number."],
      [2, "This comparison doesn&#x27;t fit that field."],
      [3, "Enter a value."],
      [4, "Choose what to compare."],
    ] as const) {
      expect(bad.body).toContain(`id="rules.${i}-error">${message}`);
    }
    const noRules = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: "Deals", kind: "automated" }));
    expect(noRules.status).toBe(400);
    expect(noRules.body).toContain("Add at least one condition.");
    const noTitle = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: " ", kind: "manual" }));
    expect(noTitle.status).toBe(400);
    expect(noTitle.body).toContain('id="title-error">Give the collection a title.');
    expect(await snapshot(alphaDb)).toEqual(before);
    expect(await alphaDb.selectFrom("audit_events").select("id").execute()).toEqual(audits);
  });
  it("stores a price condition in minor units with its currency, read in each shop's own notation", async () => {
    await alphaDb.updateTable("settings").set({ locale: "de-DE" }).execute();
    try {
      const ambiguous = await adminPost(
        app,
        alice,
        "/admin/alpha/collections/new",
        collectionForm({ title: "Unter 1.500", kind: "automated", rules: [["price", "less_than", "1.500"]] }),
      );
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body).toContain("&quot;1.500&quot; could mean 1500 or 1,50.");
      const euros = await adminPost(
        app,
        alice,
        "/admin/alpha/collections/new",
        collectionForm({ title: "Over twenty", kind: "automated", rules: [["price", "greater_than", "20,50"]] }),
      );
      expect(euros.status).toBe(302);
      const alphaId = /collections\/(\d+)\?created=1$/.exec(euros.headers.location!)![1];
      expect((await getCollection(alphaDb, alphaId))!.rules).toEqual([{ field: "price", relation: "greater_than", amount: "2050", currency: "EUR" }]);
      const page = await adminGet(app, alice, `/admin/alpha/collections/${alphaId}`);
      expect(inputValue(page.body, "rules.0.value")).toBe("20,50");
      expect(titles(page.body).sort()).toEqual(["Blue Shirt", "Wool Hat"]);
      await alphaDb.deleteFrom("collections").where("id", "=", alphaId).execute();
    } finally {
      await alphaDb.updateTable("settings").set({ locale: "en-US" }).execute();
    }

    // Beta writes yen the English way: "1,500" can only be fifteen hundred yen.
    const yen = await adminPost(
      app,
      bob,
      "/admin/beta/collections/new",
      collectionForm({ title: "Cheap", kind: "automated", rules: [["price", "less_than", "1,500"]] }),
    );
    expect(yen.status).toBe(302);
    const betaId = /collections\/(\d+)\?created=1$/.exec(yen.headers.location!)![1];
    expect((await getCollection(betaDb, betaId))!.rules).toEqual([{ field: "price", relation: "less_than", amount: "1500", currency: "JPY" }]);
    expect((await listCollectionProducts(betaDb, (await getCollection(betaDb, betaId))!)).products.map((p) => p.title)).toEqual(["Beta Only", "Beta Scarf"]);
    const betaPage = await adminGet(app, bob, `/admin/beta/collections/${betaId}`);
    expect(inputValue(betaPage.body, "rules.0.value")).toBe("1500");
    // Alpha's owner doesn't reach beta's collection.
    expect((await adminGet(app, alice, `/admin/beta/collections/${betaId}`)).status).toBe(404);
    await betaDb.deleteFrom("collections").where("id", "=", betaId).execute();
  });

  it("matches nothing with a price in another currency rather than reading it in the shop's", async () => {
    expect(
      await listCollectionProducts(alphaDb, {
        id: "0",
        kind: "automated",
        rulesMatch: "all",
        rules: [{ field: "price", relation: "greater_than", amount: "0", currency: "JPY" }],
      }),
    ).toEqual({
      products: [],
      total: 0,
    });
  });

  it("refuses a currency change while price conditions exist, even in a shop with nothing else priced", async () => {
    const owner = (await t.db.selectFrom("platform.users").select("id").where("email", "=", "alice@example.com").executeTakeFirstOrThrow()).id;
    const gamma = await provisionShop(t.db, { slug: "gamma", name: "Gamma", ownerId: owner });
    const gammaDb = tenantDb(t.db, gamma.schema_name);
    const general = { name: "Gamma", contactEmail: "", currency: "JPY", locale: "en-US" };
    expect(await currencyChangeBlockers(gammaDb)).toEqual([]);
    await saveCollection(gammaDb, SEED, {
      title: "Under 20",
      handle: "",
      descriptionHtml: "",
      kind: "automated",
      rules: [{ field: "price", relation: "less_than", value: "20.00" }],
      rulesMatch: "all",
      parentId: null,
      seoTitle: "",
      seoDescription: "",
    });
    expect(await currencyChangeBlockers(gammaDb)).toEqual(["collections with price conditions"]);
    const refused = saveGeneralSettings(t.db, gamma, SEED, general);
    await expect(refused).rejects.toBeInstanceOf(SettingsValidationError);
    await expect(refused).rejects.toMatchObject({ errors: { currency: expect.stringContaining("this shop already has collections with price conditions") } });
    expect(await gammaDb.selectFrom("settings").select("currency").executeTakeFirstOrThrow()).toEqual({ currency: "USD" });
    // Alpha and beta are untouched by gamma's refusal.
    expect((await alphaDb.selectFrom("settings").select("currency").executeTakeFirstOrThrow()).currency).toBe("EUR");
  });

  it("converts price conditions stored as text to minor units, as the storefront read them (migration 0013)", async () => {
    const old = [
      { field: "price", relation: "greater_than", value: "30" },
      { field: "price", relation: "less_than", value: "1,200.5" },
      { field: "price", relation: "not_equals", value: "12.345" },
      { field: "tag", relation: "equals", value: "12.50" },
    ];
    const { id } = await alphaDb
      .insertInto("collections")
      .values({ handle: "legacy-rules", title: "Legacy", kind: "automated", rules: JSON.stringify(old) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { id: betaLegacy } = await betaDb
      .insertInto("collections")
      .values({ handle: "legacy-rules", title: "Legacy", kind: "automated", rules: JSON.stringify(old.slice(0, 1)) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.transaction().execute(async (trx) => {
      await collectionPriceRules.up(trx, alpha.schema_name);
      await collectionPriceRules.up(trx, beta.schema_name);
    });
    expect((await getCollection(alphaDb, id))!.rules).toEqual([
      { field: "price", relation: "greater_than", amount: "3000", currency: "EUR" },
      { field: "price", relation: "less_than", amount: "120050", currency: "EUR" },
      // Unreadable text matched as 0 before; it still does.
      { field: "price", relation: "not_equals", amount: "0", currency: "EUR" },
      { field: "tag", relation: "equals", value: "12.50" },
    ]);
    expect((await getCollection(betaDb, betaLegacy))!.rules).toEqual([{ field: "price", relation: "greater_than", amount: "30", currency: "JPY" }]);
    // Running it again changes nothing.
    await t.db.transaction().execute((trx) => collectionPriceRules.up(trx, alpha.schema_name));
    expect((await getCollection(alphaDb, id))!.rules[0]).toEqual({ field: "price", relation: "greater_than", amount: "3000", currency: "EUR" });
    await alphaDb.deleteFrom("collections").where("id", "=", id).execute();
  });
});

describe("nesting and handles", () => {
  it("nests collections under a parent and refuses cycles", async () => {
    const top = await saveCollection(alphaDb, SEED, collectionInput({ title: "Clothing" }));
    const middle = await saveCollection(alphaDb, SEED, collectionInput({ title: "Tops", parentId: top.id }));
    const bottom = await saveCollection(alphaDb, SEED, collectionInput({ title: "T-shirts", parentId: middle.id }));
    const path = `/admin/alpha/collections/${top.id}`;
    const before = await snapshot(alphaDb);

    for (const parentId of [bottom.id, middle.id, top.id]) {
      const res = await adminSave(app, alice, path, collectionForm({ title: "Clothing", parentId }));
      expect(res.status).toBe(400);
      expect(res.body).toContain("A collection can&#x27;t sit inside itself or one of its own sub-collections.");
    }
    const missing = await adminSave(app, alice, path, collectionForm({ title: "Clothing", parentId: betaProducts.only }));
    expect(missing.body).toContain("Choose a collection from the list.");
    expect(await snapshot(alphaDb)).toEqual(before);

    // The parent list offers neither the collection itself nor anything below it.
    const choices = (await parentChoices(alphaDb, top.id)).map((c) => c.title);
    expect(choices).not.toContain("Clothing");
    expect(choices).not.toContain("Tops");
    expect(choices).not.toContain("T-shirts");
    const page = await adminGet(app, alice, path);
    expect(page.body).not.toContain(`<option value="${middle.id}">Tops</option>`);

    // Moving T-shirts to the top level first makes Clothing → T-shirts fine.
    expect((await adminSave(app, alice, `/admin/alpha/collections/${bottom.id}`, collectionForm({ title: "T-shirts", parentId: "" }))).status).toBe(302);
    expect((await adminSave(app, alice, path, collectionForm({ title: "Clothing", parentId: bottom.id }))).status).toBe(302);
    expect((await getCollection(alphaDb, top.id))!.parentId).toBe(bottom.id);
    const list = await adminGet(app, alice, "/admin/alpha/collections?q=clothing");
    expect(list.body).toMatch(/>Clothing<\/a>.*?<td>Manual<\/td><td[^>]*>T-shirts<\/td>/s);
  });

  it("keeps handles unique within a shop, while another shop may use the same handle", async () => {
    await saveCollection(betaDb, SEED, collectionInput({ title: "Beta sale", handle: "sale" }));
    const first = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: "Sale", handle: "sale" }));
    expect(first.status).toBe(302);
    const second = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: "Sale again", handle: "sale" }));
    expect(second.status).toBe(400);
    expect(second.body).toContain("Another collection uses this handle.");
    const badHandle = await adminPost(app, alice, "/admin/alpha/collections/new", collectionForm({ title: "Sale again", handle: "Sale Again!" }));
    expect(badHandle.body).toContain("Use lowercase letters, digits and single hyphens.");
  });

  it("deletes a collection; its sub-collections move to the top level and its products stay", async () => {
    const parent = await saveCollection(alphaDb, SEED, collectionInput({ title: "Old season" }));
    const child = await saveCollection(alphaDb, SEED, collectionInput({ title: "Old hats", parentId: parent.id }));
    await alphaDb.insertInto("collection_products").values({ collection_id: parent.id, product_id: products["wool-hat"], position: 0 }).execute();
    const res = await adminSave(app, alice, `/admin/alpha/collections/${parent.id}`, collectionForm({ intent: "delete", title: "Old season" }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/alpha/collections?deleted=1");
    expect(await getCollection(alphaDb, parent.id)).toBeNull();
    expect((await getCollection(alphaDb, child.id))!.parentId).toBeNull();
    expect(await alphaDb.selectFrom("products").select("id").where("id", "=", products["wool-hat"]).executeTakeFirst()).toBeDefined();
    expect(await auditActions(alphaDb, parent.id)).toEqual(["collection.created", "collection.deleted"]);
  });
});

describe("collection list", () => {
  it("searches, filters by type, sorts and pages 50 at a time", async () => {
    for (let i = 1; i <= 52; i++) await saveCollection(alphaDb, SEED, collectionInput({ title: `Lookbook ${String(i).padStart(2, "0")}` }));
    const first = await adminGet(app, alice, "/admin/alpha/collections?q=LOOKBOOK&sort=title-asc");
    expect(titles(first.body)).toHaveLength(50);
    expect(titles(first.body)[0]).toBe("Lookbook 01");
    expect(first.body).toContain("52 collections · page 1 of 2");
    const second = await adminGet(app, alice, "/admin/alpha/collections?q=lookbook&sort=title-desc&page=2");
    expect(titles(second.body)).toEqual(["Lookbook 02", "Lookbook 01"]);
    const automated = await adminGet(app, alice, "/admin/alpha/collections?kind=automated");
    expect(titles(automated.body)).toEqual(["Summer"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/collections?q=beta")).body)).toEqual([]);
  });
});

describe("who may reach a shop's collections", () => {
  it("answers 404 for another shop's slug or ids, and never shows or changes the other shop's data", async () => {
    const betaCollection = await saveCollection(betaDb, SEED, collectionInput({ title: "Beta front", handle: "front-page" }));
    const betaBefore = await snapshot(betaDb);
    expect((await adminGet(app, alice, `/admin/beta/collections/${betaCollection.id}`)).status).toBe(404);
    expect((await adminSave(app, alice, `/admin/beta/collections/${betaCollection.id}`, collectionForm({ title: "Hijacked" }))).status).toBe(404);
    expect(
      (
        await adminSave(app, alice, `/admin/beta/collections/${betaCollection.id}`, [
          ["intent", "add-products"],
          ["ids", betaProducts.only],
        ])
      ).status,
    ).toBe(404);
    expect((await adminPost(app, alice, "/admin/beta/collections/new", collectionForm({ title: "Planted" }))).status).toBe(404);

    // Beta's collection id in alpha's URL: alpha's own collection with that id, or nothing.
    const own = await getCollection(alphaDb, betaCollection.id);
    const page = await adminGet(app, alice, `/admin/alpha/collections/${betaCollection.id}`);
    if (own) {
      expect(page.status).toBe(200);
      expect(page.body).toContain(own.title);
    } else {
      expect(page.status).toBe(404);
    }
    expect(page.body).not.toContain("Beta front");
    for (const bad of ["abc", "0", "99999999999999999999"]) expect((await adminGet(app, alice, `/admin/alpha/collections/${bad}`)).status).toBe(404);
    expect(await snapshot(betaDb)).toEqual(betaBefore);
  });

  it("lets staff manage collections and gives non-members a 404", async () => {
    const created = await adminPost(app, stan, "/admin/alpha/collections/new", collectionForm({ title: "Staff picks" }));
    expect(created.status).toBe(302);
    const id = /collections\/(\d+)/.exec(created.headers.location!)![1];
    expect(
      (
        await adminSave(app, stan, `/admin/alpha/collections/${id}`, [
          ["intent", "add-products"],
          ["ids", products.scarf],
        ])
      ).status,
    ).toBe(200);
    const before = await snapshot(alphaDb);
    expect((await adminGet(app, bob, "/admin/alpha/collections")).status).toBe(404);
    expect((await adminGet(app, bob, `/admin/alpha/collections/${id}`)).status).toBe(404);
    expect((await adminSave(app, bob, `/admin/alpha/collections/${id}`, [["intent", `remove:${products.scarf}`]])).status).toBe(404);
    expect(await snapshot(alphaDb)).toEqual(before);
  });
});
