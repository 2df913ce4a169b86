import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { regenerateVariants, type ProductDraft } from "../shop/product-drafts.server.ts";
import { bumpProductVersions, getProduct, resolveProductHandle, saveProduct, type ProductInput, type VariantInput } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, adminSave, inputValue, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { productForm } from "./support/product-forms.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

// Two shops with the same handles and different data: alpha sells in EUR, beta in JPY.
let t: TestDatabase;
let app: TestApp;
let alpha: Shop;
let beta: Shop;
let alphaDb: TenantDb;
let betaDb: TenantDb;
let alice: string; // owner of alpha
let bob: string; // owner of beta, not a member of alpha
let stan: string; // staff in alpha
const SEED: Actor = { userId: null, email: "seed@example.com", ip: "" };
const ids: Record<string, string> = {};

function variant(overrides: Partial<VariantInput> = {}): VariantInput {
  return { optionValues: [], sku: "", price: 1000, compareAtPrice: null, inventoryQuantity: 0, continueSelling: false, weightGrams: 0, ...overrides };
}

function product(overrides: Partial<ProductInput> = {}): ProductInput {
  return {
    title: "Product",
    handle: "",
    descriptionHtml: "",
    status: "draft",
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

async function auditCount(db: TenantDb, action?: string): Promise<number> {
  let query = db.selectFrom("audit_events").select((eb) => eb.fn.countAll<string>().as("n"));
  if (action) query = query.where("action", "=", action);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

async function snapshot(db: TenantDb) {
  return {
    products: await db.selectFrom("products").selectAll().orderBy("id").execute(),
    variants: await db.selectFrom("variants").selectAll().orderBy("id").execute(),
    options: await db.selectFrom("product_options").selectAll().orderBy("id").execute(),
  };
}

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

  // Same handle in both shops, and the same id (1): only the contents differ.
  ids.alphaTee = (
    await saveProduct(
      alphaDb,
      SEED,
      product({
        title: "Alpha Classic Tee",
        handle: "classic-tee",
        vendor: "Alpha Mills",
        status: "active",
        tags: ["cotton"],
        variants: [variant({ sku: "ALPHA-TEE", price: 1999 })],
      }),
    )
  ).id;
  ids.betaTee = (
    await saveProduct(
      betaDb,
      SEED,
      product({
        title: "Beta Classic Tee",
        handle: "classic-tee",
        vendor: "Beta Works",
        status: "active",
        tags: ["linen"],
        variants: [variant({ sku: "BETA-TEE", price: 2500 })],
      }),
    )
  ).id;
  ids.betaSecond = (await saveProduct(betaDb, SEED, product({ title: "Beta Second", handle: "second" }))).id;
  // An id alpha will never reach in this test.
  await sql`alter table ${sql.id(beta.schema_name, "products")} alter column id restart with 900000`.execute(t.db);
  ids.betaOnly = (await saveProduct(betaDb, SEED, product({ title: "Beta Only Scarf", handle: "scarf", variants: [variant({ sku: "SCARF-1" })] }))).id;

  app = await startTestApp(t.url);
  alice = await logIn(app, "alice@example.com", "alice-password");
  bob = await logIn(app, "bob@example.com", "bob-password");
  stan = await logIn(app, "stan@example.com", "stan-password");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("product editor", () => {
  it("generates variants from two options without saving, then saves them with prices in the shop's currency", async () => {
    const page = await adminGet(app, alice, "/admin/alpha/products/new");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Add product");
    const before = await snapshot(alphaDb);

    const options: [string, string][] = [
      ["Color", "Red, Blue"],
      ["Size", "S, M, L"],
    ];
    const generated = await adminPost(
      app,
      alice,
      "/admin/alpha/products/new",
      productForm({
        intent: "generate",
        title: "Hoodie",
        options,
        builtFrom: [],
        variants: [{ price: "45" }],
      }),
    );
    expect(generated.status).toBe(200);
    expect(inputValue(generated.body, "variantCount")).toBe("6");
    expect(JSON.parse(inputValue(generated.body, "builtFrom")!)).toEqual([
      { name: "Color", values: ["Red", "Blue"] },
      { name: "Size", values: ["S", "M", "L"] },
    ]);
    expect(inputValue(generated.body, "variants.0.option.0")).toBe("Red");
    expect(inputValue(generated.body, "variants.5.option.0")).toBe("Blue");
    expect(inputValue(generated.body, "variants.5.option.1")).toBe("L");
    // The one variant there was becomes Red / S; new combinations start from its price.
    expect(inputValue(generated.body, "variants.0.price")).toBe("45");
    expect(inputValue(generated.body, "variants.3.price")).toBe("45");
    expect(generated.body).toContain("Blue / M");
    expect(await snapshot(alphaDb)).toEqual(before);

    const combos = [
      ["Red", "S"],
      ["Red", "M"],
      ["Red", "L"],
      ["Blue", "S"],
      ["Blue", "M"],
      ["Blue", "L"],
    ];
    const saved = await adminPost(
      app,
      alice,
      "/admin/alpha/products/new",
      productForm({
        title: "Hoodie",
        status: "active",
        vendor: "Alpha Mills",
        productType: "Sweaters",
        tags: "warm, Winter, warm",
        description: '<p>Soft <strong>fleece</strong></p><img src=x onerror="alert(1)">',
        options,
        variants: combos.map((c, i) => ({
          options: c,
          sku: `HOOD-${c.join("-")}`,
          price: i < 3 ? "12.5" : "1,200.99",
          compareAtPrice: i === 0 ? "15" : "",
          inventory: String(i),
          continueSelling: i === 5,
          weight: "450",
        })),
      }),
    );
    expect(saved.status).toBe(302);
    const match = /^\/admin\/alpha\/products\/(\d+)\?created=1$/.exec(saved.headers.location ?? "");
    expect(match).not.toBeNull();
    ids.hoodie = match![1];

    const hoodie = (await getProduct(alphaDb, ids.hoodie))!;
    expect(hoodie).toMatchObject({
      title: "Hoodie",
      handle: "hoodie",
      status: "active",
      vendor: "Alpha Mills",
      productType: "Sweaters",
      tags: ["warm", "Winter"],
    });
    expect(hoodie.descriptionHtml).toBe('<p>Soft <strong>fleece</strong></p><img src="x" />');
    expect(hoodie.publishedAt).not.toBeNull();
    expect(hoodie.options).toEqual([
      { name: "Color", values: ["Red", "Blue"] },
      { name: "Size", values: ["S", "M", "L"] },
    ]);
    expect(hoodie.variants.map((v) => v.optionValues)).toEqual(combos);
    expect(hoodie.variants.map((v) => v.price)).toEqual([1250, 1250, 1250, 120099, 120099, 120099]);
    expect(hoodie.variants[0]).toMatchObject({ sku: "HOOD-Red-S", compareAtPrice: 1500, inventoryQuantity: 0, weightGrams: 450, continueSelling: false });
    expect(hoodie.variants[5]).toMatchObject({ compareAtPrice: null, inventoryQuantity: 5, continueSelling: true });
    const audit = await alphaDb.selectFrom("audit_events").selectAll().where("subject_id", "=", ids.hoodie).execute();
    expect(audit).toMatchObject([{ action: "product.created", actor_email: "alice@example.com", subject_type: "product" }]);

    const editor = await adminGet(app, alice, saved.headers.location!);
    expect(editor.status).toBe(200);
    expect(editor.body).toContain("Product created.");
    expect(inputValue(editor.body, "variants.3.price")).toBe("1200.99");
    expect(inputValue(editor.body, "variants.0.compareAtPrice")).toBe("15.00");
    expect(editor.body).toContain(`href="/admin/alpha/products/${ids.hoodie}/media"`);
  });

  it("shows the product's images from the media section as thumbnails", async () => {
    const key = `shops/${alpha.id}/products/${ids.hoodie}/${"ab".repeat(16)}`;
    await alphaDb
      .insertInto("product_media")
      .values({
        product_id: ids.hoodie,
        position: 0,
        storage_key: key,
        alt: "Red hoodie, front",
        width: 1200,
        height: 1200,
        content_type: "image/jpeg",
        byte_size: 1000,
      })
      .execute();
    const editor = await adminGet(app, alice, `/admin/alpha/products/${ids.hoodie}`);
    expect(editor.body).toContain(`<img src="/admin/alpha/media/products/${ids.hoodie}/${"ab".repeat(16)}/160"`);
    expect(editor.body).toMatch(/<input id="images\.0\.alt" name="images\.0\.alt"[^>]* value="Red hoodie, front"/);
  });

  it("takes whole amounts in a zero-decimal currency (JPY) and refuses decimals there", async () => {
    const bad = await adminPost(app, bob, "/admin/beta/products/new", productForm({ title: "Tenugui", variants: [{ price: "12.5" }] }));
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("JPY has no decimals: type a whole number, like 1200.");
    expect(await betaDb.selectFrom("products").select("id").where("title", "=", "Tenugui").execute()).toEqual([]);

    const good = await adminPost(
      app,
      bob,
      "/admin/beta/products/new",
      productForm({ title: "Tenugui", variants: [{ price: "1,200", compareAtPrice: "1500" }] }),
    );
    expect(good.status).toBe(302);
    const row = await betaDb
      .selectFrom("variants as v")
      .innerJoin("products as p", "p.id", "v.product_id")
      .select(["v.price", "v.compare_at_price"])
      .where("p.title", "=", "Tenugui")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ price: "1200", compare_at_price: "1500" });
  });

  it("reads prices in the shop's number format: 12,50 is 12.50 in a German shop and in an English one", async () => {
    await alphaDb.updateTable("settings").set({ locale: "de-DE" }).execute();
    try {
      const ambiguous = await adminPost(app, alice, "/admin/alpha/products/new", productForm({ title: "Krug", variants: [{ price: "1.500" }] }));
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body).toContain(
        "&quot;1.500&quot; could mean 1500 or 1,50. Type 1500 without a separator, or 1,50 with &quot;,&quot; as the decimal mark.",
      );
      const tooPrecise = await adminPost(app, alice, "/admin/alpha/products/new", productForm({ title: "Krug", variants: [{ price: "12,505" }] }));
      expect(tooPrecise.body).toContain("EUR has at most 2 decimals; &quot;12,505&quot; has 3. Type at most 2, like 12,50.");
      const word = await adminPost(app, alice, "/admin/alpha/products/new", productForm({ title: "Krug", variants: [{ price: "zwölf" }] }));
      expect(word.body).toContain("Enter an amount in EUR, like 12,50.");
      expect(await alphaDb.selectFrom("products").select("id").where("title", "=", "Krug").execute()).toEqual([]);

      const saved = await adminPost(
        app,
        alice,
        "/admin/alpha/products/new",
        productForm({ title: "Krug", variants: [{ price: "12,50", compareAtPrice: "1.234,50" }] }),
      );
      expect(saved.status).toBe(302);
      const krug = await alphaDb
        .selectFrom("variants as v")
        .innerJoin("products as p", "p.id", "v.product_id")
        .select(["p.id", "v.price", "v.compare_at_price"])
        .where("p.title", "=", "Krug")
        .executeTakeFirstOrThrow();
      expect(krug).toMatchObject({ price: "1250", compare_at_price: "123450" });
      // The editor shows the amounts back the way the shop writes them.
      const page = await adminGet(app, alice, `/admin/alpha/products/${krug.id}`);
      expect(page.body).toContain('value="12,50"');
      expect(page.body).toContain('value="1234,50"');
    } finally {
      await alphaDb.updateTable("settings").set({ locale: "en-US" }).execute();
    }
    // An English shop reads a lone comma before two digits as the decimal comma it must be.
    const english = await adminPost(app, alice, "/admin/alpha/products/new", productForm({ title: "Jug", variants: [{ price: "12,50" }] }));
    expect(english.status).toBe(302);
    const jug = await alphaDb
      .selectFrom("variants as v")
      .innerJoin("products as p", "p.id", "v.product_id")
      .select("v.price")
      .where("p.title", "=", "Jug")
      .executeTakeFirstOrThrow();
    expect(jug.price).toBe("1250");
  });

  it("shows each validation error next to its field and changes nothing", async () => {
    const before = await snapshot(alphaDb);
    const audits = await auditCount(alphaDb);
    const res = await adminSave(
      app,
      alice,
      `/admin/alpha/products/${ids.alphaTee}`,
      productForm({
        title: "  ",
        handle: "Bad Handle!",
        status: "sold",
        seoTitle: "x".repeat(71),
        variants: [{ price: "abc", compareAtPrice: "-1", inventory: "1.5", weight: "-2" }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain("Nothing was saved");
    for (const [field, message] of [
      ["title", "Give the product a title."],
      ["handle", "Use lowercase letters, digits and single hyphens."],
      ["status", "Choose draft, active or archived."],
      ["seoTitle", "use at most 70"],
      ["variants.0.price", "Enter an amount in EUR, like 12.50."],
      ["variants.0.compareAtPrice", "Enter an amount in EUR, like 12.50."],
      ["variants.0.inventoryQuantity", "Enter a whole number."],
      ["variants.0.weightGrams", "Enter a weight in whole grams."],
    ]) {
      expect(res.body).toMatch(new RegExp(`id="${field.replace(/\./g, "\\.")}-error">[^<]*${message.replace(/[.?]/g, "\\$&")}`));
      expect(res.body).toMatch(new RegExp(`aria-describedby="${field.replace(/\./g, "\\.")}-error"`));
    }
    // What was typed comes back, so nothing has to be typed again.
    expect(inputValue(res.body, "variants.0.price")).toBe("abc");
    expect(await snapshot(alphaDb)).toEqual(before);
    expect(await auditCount(alphaDb)).toBe(audits);

    // A title or search text is one line: a line break or a tab gets a message (a NUL never gets here: the edge refuses it).
    const nul = await adminSave(
      app,
      alice,
      `/admin/alpha/products/${ids.alphaTee}`,
      productForm({ title: "Tee\n", seoDescription: "a\tb", variants: [{ price: "19.99" }] }),
    );
    expect(nul.status).toBe(400);
    expect(nul.body).toContain('id="title-error">Use a single line of text, without control characters.');
    expect(nul.body).toContain('id="seoDescription-error">Use a single line of text, without control characters.');
    expect(await snapshot(alphaDb)).toEqual(before);
  });

  it("renames a handle, keeps the old one redirecting, and refuses a handle another product has", async () => {
    const tee = (await getProduct(alphaDb, ids.alphaTee))!;
    const form = (handle: string) =>
      productForm({ title: tee.title, handle, status: tee.status, vendor: tee.vendor, tags: "cotton", variants: [{ sku: "ALPHA-TEE", price: "19.99" }] });

    const renamed = await adminSave(app, alice, `/admin/alpha/products/${ids.alphaTee}`, form("classic-tee-v2"));
    expect(renamed.status).toBe(302);
    expect(renamed.headers.location).toBe(`/admin/alpha/products/${ids.alphaTee}?saved=1`);
    expect(await resolveProductHandle(alphaDb, "classic-tee")).toEqual({ id: ids.alphaTee, handle: "classic-tee-v2", redirected: true });
    expect(await resolveProductHandle(alphaDb, "classic-tee-v2")).toEqual({ id: ids.alphaTee, handle: "classic-tee-v2", redirected: false });
    // Beta's product with the same handle is untouched.
    expect(await resolveProductHandle(betaDb, "classic-tee")).toEqual({ id: ids.betaTee, handle: "classic-tee", redirected: false });
    const editor = await adminGet(app, alice, renamed.headers.location!);
    expect(editor.body).toContain("Also reached from: /products/classic-tee");

    const taken = await adminSave(app, alice, `/admin/alpha/products/${ids.alphaTee}`, form("hoodie"));
    expect(taken.status).toBe(400);
    expect(taken.body).toContain("Another product uses this handle.");
    expect((await getProduct(alphaDb, ids.alphaTee))!.handle).toBe("classic-tee-v2");
  });

  it("bulk-edits and deletes ticked variants in the draft, and Save keeps the result", async () => {
    const hoodie = (await getProduct(alphaDb, ids.hoodie))!;
    const before = await snapshot(alphaDb);
    const rows = (select: number[]) =>
      hoodie.variants.map((v, i) => ({
        options: v.optionValues,
        sku: v.sku,
        price: i < 3 ? "12.50" : "1200.99",
        inventory: String(v.inventoryQuantity),
        weight: "450",
        selected: select.includes(i),
      }));
    const base = {
      title: "Hoodie",
      status: "active",
      vendor: "Alpha Mills",
      productType: "Sweaters",
      tags: "warm, Winter",
      options: [
        ["Color", "Red, Blue"],
        ["Size", "S, M, L"],
      ] as [string, string][],
    };
    const path = `/admin/alpha/products/${ids.hoodie}`;

    const none = await adminSave(
      app,
      alice,
      path,
      productForm({
        ...base,
        intent: "bulk",
        variants: rows([]),
        extra: [
          ["bulkAction", "price"],
          ["bulkValue", "30"],
        ],
      }),
    );
    expect(none.status).toBe(400);
    expect(none.body).toContain("Tick the variants to change first.");
    const badValue = await adminSave(
      app,
      alice,
      path,
      productForm({
        ...base,
        intent: "bulk",
        variants: rows([0]),
        extra: [
          ["bulkAction", "inventoryQuantity"],
          ["bulkValue", "lots"],
        ],
      }),
    );
    expect(badValue.status).toBe(400);
    expect(badValue.body).toContain("Enter a whole number.");

    const priced = await adminSave(
      app,
      alice,
      path,
      productForm({
        ...base,
        intent: "bulk",
        variants: rows([0, 4]),
        extra: [
          ["bulkAction", "price"],
          ["bulkValue", "30"],
        ],
      }),
    );
    expect(priced.status).toBe(200);
    expect(priced.body).toContain("Changed 2 variants. Save to keep the change.");
    expect([0, 1, 4].map((i) => inputValue(priced.body, `variants.${i}.price`))).toEqual(["30", "12.50", "30"]);
    const stocked = await adminSave(
      app,
      alice,
      path,
      productForm({
        ...base,
        intent: "bulk",
        variants: rows([1, 2]),
        extra: [
          ["bulkAction", "inventoryQuantity"],
          ["bulkValue", "7"],
        ],
      }),
    );
    expect([1, 2, 3].map((i) => inputValue(stocked.body, `variants.${i}.inventoryQuantity`))).toEqual(["7", "7", "3"]);
    const deleted = await adminSave(app, alice, path, productForm({ ...base, intent: "bulk", variants: rows([2, 5]), extra: [["bulkAction", "delete"]] }));
    expect(deleted.status).toBe(200);
    expect(inputValue(deleted.body, "variantCount")).toBe("4");
    expect(deleted.body).not.toContain("Red / L");
    const all = await adminSave(
      app,
      alice,
      path,
      productForm({ ...base, intent: "bulk", variants: rows([0, 1, 2, 3, 4, 5]), extra: [["bulkAction", "delete"]] }),
    );
    expect(all.status).toBe(400);
    expect(all.body).toContain("A product needs at least one variant");
    // None of that touched the database.
    expect(await snapshot(alphaDb)).toEqual(before);

    const keptIds = [0, 1, 3, 4].map((i) => hoodie.variants[i].id);
    const saved = await adminSave(
      app,
      alice,
      path,
      productForm({
        ...base,
        variants: [0, 1, 3, 4].map((i) => ({
          ...rows([])[i],
          price: i === 0 || i === 4 ? "30" : rows([])[i].price,
          inventory: i === 1 ? "7" : rows([])[i].inventory,
        })),
      }),
    );
    expect(saved.status).toBe(302);
    const after = (await getProduct(alphaDb, ids.hoodie))!;
    expect(after.variants.map((v) => v.id)).toEqual(keptIds);
    expect(after.variants.map((v) => [v.optionValues.join("/"), v.price, v.inventoryQuantity])).toEqual([
      ["Red/S", 3000, 0],
      ["Red/M", 1250, 7],
      ["Blue/S", 120099, 3],
      ["Blue/M", 3000, 4],
    ]);
  });

  it("rebuilds variants when options change, keeping the data of matching combinations", async () => {
    const created = await saveProduct(
      alphaDb,
      SEED,
      product({
        title: "Mug",
        options: [{ name: "Color", values: ["Red", "Blue"] }],
        variants: [
          variant({ optionValues: ["Red"], sku: "MUG-R", price: 900, inventoryQuantity: 5 }),
          variant({ optionValues: ["Blue"], sku: "MUG-B", price: 950, inventoryQuantity: 2 }),
        ],
      }),
    );
    // Saving with a changed option list rebuilds the rows first: no separate "Generate" needed.
    const res = await adminSave(
      app,
      alice,
      `/admin/alpha/products/${created.id}`,
      productForm({
        title: "Mug",
        options: [
          ["Colour", "Red, Blue, Green"],
          ["Size", "Small, Large"],
        ],
        builtFrom: [{ name: "Color", values: ["Red", "Blue"] }],
        variants: [
          { options: ["Red"], sku: "MUG-R", price: "9.00", inventory: "5" },
          { options: ["Blue"], sku: "MUG-B", price: "9.50", inventory: "2" },
        ],
      }),
    );
    expect(res.status).toBe(302);
    const mug = (await getProduct(alphaDb, created.id))!;
    expect(mug.options).toEqual([
      { name: "Colour", values: ["Red", "Blue", "Green"] },
      { name: "Size", values: ["Small", "Large"] },
    ]);
    expect(mug.variants.map((v) => [v.optionValues.join("/"), v.sku, v.price, v.inventoryQuantity])).toEqual([
      ["Red/Small", "MUG-R", 900, 5],
      ["Red/Large", "", 900, 0],
      ["Blue/Small", "MUG-B", 950, 2],
      ["Blue/Large", "", 950, 0],
      ["Green/Small", "", 900, 0],
      ["Green/Large", "", 900, 0],
    ]);
  });

  it("adds and removes option rows in the draft, and refuses options that would make too many variants", async () => {
    const path = "/admin/alpha/products/new";
    const added = await adminSave(app, alice, path, productForm({ intent: "add-option", title: "Cap", variants: [{ price: "10" }] }));
    expect(added.status).toBe(200);
    expect(inputValue(added.body, "optionCount")).toBe("1");
    expect(inputValue(added.body, "options.0.name")).toBe("");

    const removed = await adminSave(
      app,
      alice,
      path,
      productForm({
        intent: "remove-option:0",
        title: "Cap",
        options: [
          ["Size", "S, M"],
          ["Color", "Red, Blue"],
        ],
        variants: [
          ["S", "Red"],
          ["S", "Blue"],
          ["M", "Red"],
          ["M", "Blue"],
        ].map((o, i) => ({ options: o, price: String(10 + i) })),
      }),
    );
    expect(removed.status).toBe(200);
    expect(inputValue(removed.body, "optionCount")).toBe("1");
    expect(inputValue(removed.body, "options.0.name")).toBe("Color");
    expect(inputValue(removed.body, "variantCount")).toBe("2");
    expect([inputValue(removed.body, "variants.0.price"), inputValue(removed.body, "variants.1.price")]).toEqual(["10", "11"]);

    // 13 options of two values each: 8192 combinations, refused before any are built.
    const many = Array.from({ length: 13 }, (_, i): [string, string] => [`O${i}`, "a, b"]);
    const tooMany = await adminSave(
      app,
      alice,
      path,
      productForm({ intent: "generate", title: "Cap", options: many, builtFrom: [], variants: [{ price: "1" }] }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toContain("These options make 8192 combinations; a product can have at most 2000 variants.");
    // Any number of options within that limit is fine: here four.
    const four = Array.from({ length: 4 }, (_, i): [string, string] => [`O${i}`, "a, b"]);
    const ok = await adminSave(app, alice, path, productForm({ intent: "generate", title: "Cap", options: four, builtFrom: [], variants: [{ price: "1" }] }));
    expect(ok.status).toBe(200);
    expect(inputValue(ok.body, "variantCount")).toBe("16");
  });

  it("deletes a product from its editor", async () => {
    const doomed = await saveProduct(alphaDb, SEED, product({ title: "Doomed" }));
    const res = await adminSave(
      app,
      alice,
      `/admin/alpha/products/${doomed.id}`,
      productForm({ intent: "delete", title: "Doomed", variants: [{ price: "1" }] }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/alpha/products?deleted=1");
    expect(await getProduct(alphaDb, doomed.id)).toBeNull();
    expect(await auditCount(alphaDb, "product.deleted")).toBeGreaterThanOrEqual(1);
  });
});

describe("regenerating variants (domain)", () => {
  const draft = (over: Partial<ProductDraft>): ProductDraft => ({
    title: "",
    handle: "",
    descriptionHtml: "",
    status: "draft",
    vendor: "",
    productType: "",
    tags: "",
    seoTitle: "",
    seoDescription: "",
    options: [],
    builtFrom: [],
    variants: [],
    version: "",
    ...over,
  });
  const row = (optionValues: string[], sku: string, price: string) => ({
    optionValues,
    sku,
    price,
    compareAtPrice: "",
    inventoryQuantity: "3",
    continueSelling: false,
    weightGrams: "0",
    selected: true,
  });

  it("keeps rows when an option is renamed or reordered by name", () => {
    const result = regenerateVariants(
      draft({
        options: [
          { name: "Size", values: "S, M" },
          { name: "Colour", values: "Red" },
        ],
        builtFrom: [
          { name: "Colour", values: ["Red"] },
          { name: "Size", values: ["S", "M"] },
        ],
        variants: [row(["Red", "S"], "RS", "1"), row(["Red", "M"], "RM", "2")],
      }),
    );
    expect(result.draft.variants.map((v) => [v.optionValues, v.sku, v.price, v.selected])).toEqual([
      [["S", "Red"], "RS", "1", false],
      [["M", "Red"], "RM", "2", false],
    ]);
  });

  it("keeps the first of several rows when an option is removed", () => {
    const result = regenerateVariants(
      draft({
        options: [{ name: "Colour", values: "Red" }],
        builtFrom: [
          { name: "Colour", values: ["Red"] },
          { name: "Size", values: ["S", "M"] },
        ],
        variants: [row(["Red", "S"], "RS", "1"), row(["Red", "M"], "RM", "2")],
      }),
    );
    expect(result.draft.variants.map((v) => [v.optionValues, v.sku])).toEqual([[["Red"], "RS"]]);
  });

  it("explains incomplete options instead of building nothing", () => {
    expect(regenerateVariants(draft({ options: [{ name: "Size", values: " , " }] })).error).toBe(
      "Give every option a distinct name and at least one value first.",
    );
    expect(
      regenerateVariants(
        draft({
          options: [
            { name: "Size", values: "S" },
            { name: "size", values: "M" },
          ],
        }),
      ).error,
    ).toMatch(/distinct name/);
  });
});

describe("product list", () => {
  beforeAll(async () => {
    for (let i = 1; i <= 55; i++) {
      const n = String(i).padStart(2, "0");
      await saveProduct(
        alphaDb,
        SEED,
        product({
          title: `Bulk item ${n}`,
          vendor: i % 2 ? "Odd Works" : "Even Co",
          productType: i % 5 ? "Filler" : "Special",
          tags: i % 3 ? [] : ["Third"],
          status: i % 4 ? "active" : "draft",
          variants: [variant({ sku: `SKU-ALPHA-${n}`, inventoryQuantity: i * 10, price: 100 * i })],
        }),
      );
    }
    await saveProduct(alphaDb, SEED, product({ title: "100% Linen Towel", handle: "linen-towel", variants: [variant({ inventoryQuantity: 1000 })] }));
  });

  const titles = (html: string) => [...html.matchAll(/<td class="title-cell"><a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);

  it("pages through search results 50 at a time", async () => {
    const first = await adminGet(app, alice, "/admin/alpha/products?q=BULK+ITEM&sort=title-asc");
    expect(first.status).toBe(200);
    expect(titles(first.body)).toHaveLength(50);
    expect(titles(first.body)[0]).toBe("Bulk item 01");
    expect(first.body).toMatch(/55 products · page 1 of 2/);
    const second = await adminGet(app, alice, "/admin/alpha/products?q=BULK+ITEM&sort=title-asc&page=2");
    expect(titles(second.body)).toEqual(["Bulk item 51", "Bulk item 52", "Bulk item 53", "Bulk item 54", "Bulk item 55"]);
    expect(second.body).toContain('href="/admin/alpha/products?q=BULK+ITEM&amp;sort=title-asc&amp;page=1"');
  });

  it("searches title, handle, SKU and vendor without case, with wildcards taken literally", async () => {
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=sku-alpha-07")).body)).toEqual(["Bulk item 07"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=LINEN-TOW")).body)).toEqual(["100% Linen Towel"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=alpha+mills&sort=title-asc")).body)).toEqual(["Alpha Classic Tee", "Hoodie"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=%25")).body)).toEqual(["100% Linen Towel"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=item+0_")).body)).toEqual([]);
    // Beta's products are never found from alpha, even by their SKU.
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=scarf")).body)).toEqual([]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=BETA-TEE")).body)).toEqual([]);
  });

  it("filters by status, vendor, product type and tag", async () => {
    const list = (query: string) => adminGet(app, alice, `/admin/alpha/products?q=bulk&sort=title-asc&${query}`).then((r) => titles(r.body));
    expect(await list("status=draft")).toEqual(["04", "08", "12", "16", "20", "24", "28", "32", "36", "40", "44", "48", "52"].map((n) => `Bulk item ${n}`));
    expect(await list("type=Special&vendor=Odd+Works")).toEqual(["05", "15", "25", "35", "45", "55"].map((n) => `Bulk item ${n}`));
    expect(await list("tag=Third&status=draft")).toEqual(["12", "24", "36", "48"].map((n) => `Bulk item ${n}`));
    const page = await adminGet(app, alice, "/admin/alpha/products");
    expect(page.body).toContain("<option>Odd Works</option>");
    expect(page.body).not.toContain("Beta Works");
  });

  it("sorts by title, inventory, creation and update time", async () => {
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=bulk&sort=title-desc")).body)[0]).toBe("Bulk item 55");
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?sort=inventory-desc")).body).slice(0, 2)).toEqual(["100% Linen Towel", "Bulk item 55"]);
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?q=bulk&sort=inventory-asc")).body)[0]).toBe("Bulk item 01");
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?sort=created-asc")).body)[0]).toBe("Alpha Classic Tee");
    expect(titles((await adminGet(app, alice, "/admin/alpha/products?sort=updated-desc")).body)[0]).toBe("100% Linen Towel");
  });

  it("publishes, archives, tags, untags and deletes selected products, each in one go with an audit event per product", async () => {
    const betaBefore = await snapshot(betaDb);
    const picked = await alphaDb
      .selectFrom("products")
      .select("id")
      .where("title", "in", ["Bulk item 04", "Bulk item 08", "Bulk item 12"])
      .orderBy("id")
      .execute();
    const pickedIds = picked.map((p) => p.id);
    const post = (fields: [string, string][]) =>
      adminPost(app, alice, "/admin/alpha/products?index", [...pickedIds.map((id): [string, string] => ["ids", id]), ...fields]);
    const rows = () => alphaDb.selectFrom("products").select(["status", "tags", "published_at"]).where("id", "in", pickedIds).orderBy("id").execute();

    const published = await post([["bulkAction", "publish"]]);
    expect(published.status).toBe(200);
    expect(published.body).toContain("Published 3 products.");
    expect((await rows()).every((r) => r.status === "active" && r.published_at !== null)).toBe(true);
    expect(await auditCount(alphaDb, "product.published")).toBe(3);

    expect(
      (
        await post([
          ["bulkAction", "add_tag"],
          ["tag", "Sale"],
        ])
      ).body,
    ).toContain("Tagged 3 products.");
    expect((await rows()).map((r) => r.tags)).toEqual([["Sale"], ["Sale"], ["Third", "Sale"]]);
    expect(
      (
        await post([
          ["bulkAction", "add_tag"],
          ["tag", "sale"],
        ])
      ).body,
    ).toContain("Tagged 0 products.");
    expect(
      (
        await post([
          ["bulkAction", "remove_tag"],
          ["tag", "THIRD"],
        ])
      ).body,
    ).toContain("Untagged 1 product.");
    expect((await rows()).map((r) => r.tags)).toEqual([["Sale"], ["Sale"], ["Sale"]]);

    const auditsBefore = await auditCount(alphaDb);
    const noTag = await post([
      ["bulkAction", "add_tag"],
      ["tag", "  "],
    ]);
    expect(noTag.status).toBe(400);
    expect(noTag.body).toContain("Enter a tag.");
    const noneTicked = await adminPost(app, alice, "/admin/alpha/products?index", [["bulkAction", "archive"]]);
    expect(noneTicked.status).toBe(400);
    expect(noneTicked.body).toContain("Tick the products to change first.");
    expect(await auditCount(alphaDb)).toBe(auditsBefore);

    expect((await post([["bulkAction", "archive"]])).body).toContain("Archived 3 products.");
    expect((await rows()).map((r) => r.status)).toEqual(["archived", "archived", "archived"]);
    expect(await auditCount(alphaDb, "product.archived")).toBe(3);

    expect((await post([["bulkAction", "delete"]])).body).toContain("Deleted 3 products.");
    expect(await rows()).toEqual([]);
    // Beta has products with these very ids; none of them changed.
    expect(await snapshot(betaDb)).toEqual(betaBefore);
  });
});

describe("who may reach a shop's catalogue", () => {
  it("answers 404 when a member of one shop edits the URL to another shop's slug", async () => {
    const betaBefore = await snapshot(betaDb);
    for (const path of ["/admin/beta/products", "/admin/beta/products/new", `/admin/beta/products/${ids.betaTee}`, "/admin/beta/collections"]) {
      expect((await adminGet(app, alice, path)).status, path).toBe(404);
    }
    const save = await adminSave(app, alice, `/admin/beta/products/${ids.betaTee}`, productForm({ title: "Hijacked", variants: [{ price: "1" }] }));
    expect(save.status).toBe(404);
    const bulk = await adminPost(app, alice, "/admin/beta/products?index", [
      ["ids", ids.betaTee],
      ["bulkAction", "delete"],
    ]);
    expect(bulk.status).toBe(404);
    expect(await snapshot(betaDb)).toEqual(betaBefore);
  });

  it("looks ids up in the shop's own schema: another shop's id is not found or names this shop's own product", async () => {
    expect(await alphaDb.selectFrom("products").select("id").where("id", "=", ids.betaOnly).executeTakeFirst()).toBeUndefined();
    expect((await adminGet(app, alice, `/admin/alpha/products/${ids.betaOnly}`)).status).toBe(404);
    const save = await adminSave(app, alice, `/admin/alpha/products/${ids.betaOnly}`, productForm({ title: "Hijacked", variants: [{ price: "1" }] }));
    expect(save.status).toBe(404);
    expect((await getProduct(betaDb, ids.betaOnly))!.title).toBe("Beta Only Scarf");

    // Both shops have a product 1: alpha's URL shows alpha's, never beta's.
    expect(ids.alphaTee).toBe(ids.betaTee);
    const page = await adminGet(app, alice, `/admin/alpha/products/${ids.betaTee}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Alpha Classic Tee");
    expect(page.body).not.toContain("Beta Classic Tee");
    expect(page.body).not.toContain("BETA-TEE");

    for (const bad of ["abc", "0", "-1", "1.5", "99999999999999999999"]) {
      expect((await adminGet(app, alice, `/admin/alpha/products/${bad}`)).status, bad).toBe(404);
    }
  });

  it("lets a staff member edit the catalogue, hides it from non-members and sends visitors to log in", async () => {
    expect((await adminGet(app, stan, "/admin/alpha/products")).status).toBe(200);
    const created = await adminPost(app, stan, "/admin/alpha/products/new", productForm({ title: "Staff pick", variants: [{ price: "5" }] }));
    expect(created.status).toBe(302);
    const audit = await alphaDb
      .selectFrom("audit_events")
      .select(["actor_email", "action"])
      .where("action", "=", "product.created")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_email: "stan@example.com", action: "product.created" });

    const alphaBefore = await snapshot(alphaDb);
    expect((await adminGet(app, bob, "/admin/alpha/products")).status).toBe(404);
    expect((await adminGet(app, bob, `/admin/alpha/products/${ids.alphaTee}`)).status).toBe(404);
    expect((await adminPost(app, bob, "/admin/alpha/products/new", productForm({ title: "Intruder", variants: [{ price: "5" }] }))).status).toBe(404);
    expect(
      (
        await adminPost(app, bob, "/admin/alpha/products?index", [
          ["ids", ids.alphaTee],
          ["bulkAction", "delete"],
        ])
      ).status,
    ).toBe(404);
    expect(await snapshot(alphaDb)).toEqual(alphaBefore);

    const visitor = await app.request("bazaar.test", "/admin/alpha/products");
    expect(visitor.status).toBe(302);
    expect(visitor.headers.location).toBe("/login?redirectTo=%2Fadmin%2Falpha%2Fproducts");
  });
});

describe("two people editing one product", () => {
  it("refuses a save based on an older version, says what differs, keeps what was typed, and saves on a second, informed try", async () => {
    const created = await adminPost(
      app,
      alice,
      "/admin/alpha/products/new",
      productForm({ title: "Shared Lamp", variants: [{ price: "40", inventory: "5" }] }),
    );
    const path = created.headers.location!.replace(/\?.*$/, "");
    const id = path.split("/").at(-1)!;
    const opened = await adminGet(app, alice, path);
    const version = inputValue(opened.body, "version")!;
    expect(version).toMatch(/^\d+$/);
    const withVersion = (form: [string, string][], v: string): [string, string][] => [...form.filter(([name]) => name !== "version"), ["version", v]];

    // First editor renames it; the second, still on the old version, changes the price.
    const first = await adminSave(
      app,
      alice,
      path,
      withVersion(productForm({ title: "Shared Lamp, brass", variants: [{ price: "40", inventory: "5" }] }), version),
    );
    expect(first.status).toBe(302);
    const stale = await adminSave(app, alice, path, withVersion(productForm({ title: "Shared Lamp", variants: [{ price: "45", inventory: "5" }] }), version));
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("This product changed since you opened it");
    expect(stale.body).toContain("differs from yours in: title, handle, price of the variant.");
    expect(inputValue(stale.body, "variants.0.price")).toBe("45");
    const saved = await getProduct(alphaDb, id);
    expect([saved!.title, saved!.variants[0].price]).toEqual(["Shared Lamp, brass", 4000]);

    // Saving again from the refused page is a knowing choice: it goes through.
    const again = await adminSave(
      app,
      alice,
      path,
      withVersion(productForm({ title: "Shared Lamp", variants: [{ price: "45", inventory: "5" }] }), inputValue(stale.body, "version")!),
    );
    expect(again.status).toBe(302);
    expect((await getProduct(alphaDb, id))!.variants[0].price).toBe(4500);

    // A sale that changes stock also makes an open form stale, so the old stock can't be written back.
    const current = inputValue((await adminGet(app, alice, path)).body, "version")!;
    await alphaDb.updateTable("variants").set({ inventory_quantity: 4 }).where("product_id", "=", id).execute();
    await bumpProductVersions(alphaDb, [id]);
    const afterSale = await adminSave(
      app,
      alice,
      path,
      withVersion(productForm({ title: "Shared Lamp", variants: [{ price: "45", inventory: "5" }] }), current),
    );
    expect(afterSale.status).toBe(409);
    expect(afterSale.body).toContain("stock of the variant");
    expect((await getProduct(alphaDb, id))!.variants[0].inventoryQuantity).toBe(4);
  });
});

describe("option limits", () => {
  it("refuses an option name or value over 255 characters with a field message instead of a database error", async () => {
    const long = "o".repeat(256);
    const res = await adminPost(
      app,
      alice,
      "/admin/alpha/products/new",
      productForm({
        title: "Long options",
        options: [[long, "Red, Blue"]],
        variants: [
          { options: ["Red"], price: "5" },
          { options: ["Blue"], price: "5" },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain("Use at most 255 characters.");
    const values = await adminPost(
      app,
      alice,
      "/admin/alpha/products/new",
      productForm({
        title: "Long values",
        options: [["Colour", `Red, ${long}`]],
        variants: [
          { options: ["Red"], price: "5" },
          { options: [long], price: "5" },
        ],
      }),
    );
    expect(values.status).toBe(400);
    expect(values.body).toContain("Use at most 255 characters for each value.");
    expect(await alphaDb.selectFrom("products").select("id").where("title", "in", ["Long options", "Long values"]).execute()).toEqual([]);
  });
});
