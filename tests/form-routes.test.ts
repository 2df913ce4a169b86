import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { createShippingZone } from "../shop/settings.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminPost, adminSave, logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { productForm, type ProductFormInput } from "./support/product-forms.ts";
import { createCollection, createProduct, variant } from "./support/storefront.ts";

// Converted routes answer a refused form with 400 and the field's message, and save nothing (decision 030).
// Two shops with different number formats: the same text means different amounts, or is refused, in each.

const PASSWORD = "a-long-password";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northCookie: string;
let southCookie: string;
const zones: Record<string, string> = {};

const db = (shop: Shop) => tenantDb(t.db, shop.schema_name);
const rates = (shop: Shop) => db(shop).selectFrom("shipping_rates").select(["name", "price"]).orderBy("id").execute();
const pages = (shop: Shop) => db(shop).selectFrom("pages").select(["title", "handle"]).orderBy("id").execute();
const discounts = (shop: Shop) => db(shop).selectFrom("discounts").select("code").execute();

beforeAll(async () => {
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.example", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  // North writes numbers the German way in euros; south the American way in dollars.
  await db(north).updateTable("settings").set({ currency: "EUR", locale: "de-DE" }).execute();
  await db(south).updateTable("settings").set({ currency: "USD", locale: "en-US" }).execute();
  zones.north = await createShippingZone(db(north), SYSTEM_ACTOR, { name: "Europe", countries: "DE, FR" });
  zones.south = await createShippingZone(db(south), SYSTEM_ACTOR, { name: "America", countries: "US" });
  app = await startTestApp(t.url);
  northCookie = await logIn(app, "owner@north.example", PASSWORD);
  southCookie = await logIn(app, "owner@south.example", PASSWORD);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("money fields read with the shop's notation", () => {
  it("reads 12,50 as 12.50 in each shop, and refuses 1,500 in the dollar shop as ambiguous", async () => {
    const rate = (zoneId: string, price: string) => ({ intent: "create-rate", zoneId, name: "Standard", price, minSubtotal: "" });
    expect((await adminPost(app, northCookie, "/admin/north/settings/shipping", rate(zones.north, "12,50"))).status).toBe(200);
    expect((await adminPost(app, southCookie, "/admin/south/settings/shipping", rate(zones.south, "12,50"))).status).toBe(200);
    expect(await rates(north)).toEqual([{ name: "Standard", price: "1250" }]);
    expect(await rates(south)).toEqual([{ name: "Standard", price: "1250" }]);

    const refused = await adminPost(app, southCookie, "/admin/south/settings/shipping", rate(zones.south, "1,500"));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("could mean 1500 or 1.50");
    // In the German shop the comma is the decimal mark: "1,500" has three decimals, which euros don't.
    expect((await adminPost(app, northCookie, "/admin/north/settings/shipping", rate(zones.north, "1,500"))).status).toBe(400);
    expect(await rates(south)).toHaveLength(1);
    expect(await rates(north)).toHaveLength(1);
  });

  it("refuses a rate name with a line break and an unknown action, saving nothing", async () => {
    const name = await adminPost(app, northCookie, "/admin/north/settings/shipping", {
      intent: "create-rate",
      zoneId: zones.north,
      name: "Two\nlines",
      price: "4,95",
    });
    expect(name.status).toBe(400);
    expect(name.body).toContain("Use a single line of text, without control characters.");
    const unknown = await adminPost(app, northCookie, "/admin/north/settings/shipping", { intent: "explode" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("Unknown action.");
    expect(await rates(north)).toHaveLength(1);
  });
});

describe("text, handles and ids", () => {
  it("names an over-long title and handle next to their fields, and stores no page in either shop", async () => {
    const res = await adminPost(app, northCookie, "/admin/north/pages/new", {
      title: "x".repeat(300),
      handle: "h".repeat(5_000),
      bodyHtml: "<p>Hi</p>",
      visibility: "visible",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Use at most 255 characters.");
    expect(res.body).toContain("Use at most 1,000 characters.");
    expect(await pages(north)).toEqual([]);
    expect(await pages(south)).toEqual([]);

    const saved = await adminPost(app, southCookie, "/admin/south/pages/new", { title: "About us", handle: "", bodyHtml: "", visibility: "visible" });
    expect(saved.status).toBe(302);
    expect(await pages(south)).toEqual([{ title: "About us", handle: "about-us" }]);
    expect(await pages(north)).toEqual([]);
  });

  it("refuses a product id past bigint with the field's message instead of reaching PostgreSQL", async () => {
    const res = await adminPost(app, northCookie, "/admin/north/discounts/new", [
      ["code", "SPRING"],
      ["kind", "percentage"],
      ["value", "10"],
      ["appliesTo", "products"],
      ["productIds", "9223372036854775808"],
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain("Choose products from the list.");
    expect(await discounts(north)).toEqual([]);

    const fine = await adminPost(app, southCookie, "/admin/south/discounts/new", { code: "SPRING", kind: "percentage", value: "10", appliesTo: "order" });
    expect(fine.status).toBe(302);
    expect(await discounts(south)).toEqual([{ code: "SPRING" }]);
    expect(await discounts(north)).toEqual([]);
  });

  it("refuses a field sent twice rather than picking one", async () => {
    const res = await adminPost(app, northCookie, "/admin/north/settings/taxes", [
      ["rate", "7"],
      ["rate", "19"],
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain("Enter a rate from 0 to 100 with at most two decimals");
    const settings = await db(north).selectFrom("settings").select("tax_rate_bp").executeTakeFirstOrThrow();
    expect(settings.tax_rate_bp).toBe(0);
  });
});

describe("the product editor", () => {
  // Each shop's catalogue as stored: a refused save changes neither.
  const catalogue = async (shop: Shop) => ({
    products: await db(shop).selectFrom("products").select(["id", "title", "version"]).orderBy("id").execute(),
    variants: await db(shop).selectFrom("variants").select(["option_values", "price", "sku"]).orderBy("id").execute(),
    options: await db(shop).selectFrom("product_options").select(["name", "option_values"]).orderBy("id").execute(),
  });
  const hat = (edit: Partial<ProductFormInput> = {}): ProductFormInput => ({
    title: "Wool hat",
    handle: "wool-hat",
    status: "active",
    options: [["Colour", "Red, Blue"]],
    variants: [
      { options: ["Red"], price: "12,50" },
      { options: ["Blue"], price: "12,50" },
    ],
    ...edit,
  });

  it("refuses an action sent twice, an over-long option name, a line break or NUL in a variant and a missing version, saving nothing in either shop", async () => {
    const northHat = await createProduct(db(north), {
      title: "Wool hat",
      handle: "wool-hat",
      options: [{ name: "Colour", values: ["Red", "Blue"] }],
      variants: [variant(["Red"], 1250), variant(["Blue"], 1250)],
    });
    await createProduct(db(south), { title: "Sun hat", handle: "sun-hat", variants: [variant([], 900)] });
    const path = `/admin/north/products/${northHat.id}`;
    const before = { north: await catalogue(north), south: await catalogue(south) };
    const refusals: [string, Awaited<ReturnType<typeof adminPost>>, string][] = [
      ["action twice", await adminSave(app, northCookie, path, [["intent", "save"], ...productForm(hat({ title: "Twice" }))]), "Unknown action."],
      [
        "long option name",
        await adminSave(app, northCookie, path, productForm(hat({ options: [["C".repeat(256), "Red, Blue"]] }))),
        "Use at most 255 characters.",
      ],
      [
        "line break in a variant",
        await adminSave(
          app,
          northCookie,
          path,
          productForm(
            hat({
              variants: [
                { options: ["Red\n"], price: "1" },
                { options: ["Blue"], price: "1" },
              ],
            }),
          ),
        ),
        "Use a single line of text, without control characters.",
      ],
      [
        "missing version",
        await adminPost(app, northCookie, path, productForm(hat({ title: "Unchecked" }))),
        "Reload the page: this form lost track of the version it was opened on.",
      ],
      ["price field twice", await adminSave(app, northCookie, path, [...productForm(hat()), ["variants.0.price", "99"]]), "Enter text."],
    ];
    for (const [what, res, message] of refusals) {
      expect(res.status, what).toBe(400);
      expect(res.body, what).toContain(message);
    }
    // A NUL (or any control character but tab and line breaks) never reaches the editor: the edge refuses the form.
    const nul = await adminSave(app, northCookie, path, productForm(hat({ variants: [{ options: ["Red\u0000"], price: "1" }] })));
    expect(nul.status).toBe(400);
    expect(nul.body).toContain("control characters (such as NUL)");
    // A product id past bigint is no product of this shop's.
    expect((await adminPost(app, northCookie, "/admin/north/products/9223372036854775808", productForm(hat()))).status).toBe(404);
    expect({ north: await catalogue(north), south: await catalogue(south) }).toEqual(before);

    // The same form with its version saves, amounts in the shop's notation; the other shop is untouched.
    const saved = await adminSave(app, northCookie, path, productForm(hat({ title: "Wool hat, felted" })));
    expect(saved.status).toBe(302);
    expect((await catalogue(north)).variants).toEqual([
      { option_values: ["Red"], price: "1250", sku: "" },
      { option_values: ["Blue"], price: "1250", sku: "" },
    ]);
    expect((await catalogue(north)).products[0]).toMatchObject({ title: "Wool hat, felted", version: 2 });
    expect(await catalogue(south)).toEqual(before.south);
  });
});

describe("the product images page", () => {
  it("refuses an action sent twice or unknown, a direction that isn't one and a variant's image sent twice, changing nothing", async () => {
    const scarf = await createProduct(db(north), { title: "Scarf", handle: "scarf", variants: [variant([], 2000)] });
    const [scarfVariant] = await db(north).selectFrom("variants").select("id").where("product_id", "=", scarf.id).execute();
    const path = `/admin/north/products/${scarf.id}/media`;
    const variants = async () => ({
      north: await db(north).selectFrom("variants").select(["id", "image_id"]).orderBy("id").execute(),
      south: await db(south).selectFrom("variants").select(["id", "image_id"]).orderBy("id").execute(),
    });
    const before = await variants();
    for (const [what, form] of [
      [
        "delete twice",
        [
          ["intent", "delete"],
          ["intent", "delete"],
          ["imageId", "1"],
        ],
      ],
      ["unknown", [["intent", "explode"]]],
      [
        "sideways",
        [
          ["intent", "move"],
          ["imageId", "1"],
          ["direction", "sideways"],
        ],
      ],
      [
        "variant twice",
        [
          ["intent", "variant-images"],
          [`variant-${scarfVariant.id}`, ""],
          [`variant-${scarfVariant.id}`, "1"],
        ],
      ],
    ] as [string, [string, string][]][]) {
      const res = await adminPost(app, northCookie, path, form);
      expect(res.status, what).toBe(400);
    }
    expect((await adminPost(app, northCookie, path, [["intent", "explode"]])).body).toContain("Unknown action.");
    expect(await variants()).toEqual(before);
  });
});

describe("the collection editor's rule rows", () => {
  it("refuses a rule value with a line break, a value sent twice and a count that isn't one, saving no collection in either shop", async () => {
    const collections = async (shop: Shop) => db(shop).selectFrom("collections").select(["handle", "rules"]).orderBy("id").execute();
    const before = { north: await collections(north), south: await collections(south) };
    const automated = (rules: [string, string][], ruleCount = "1"): [string, string][] => [
      ["intent", "save"],
      ["title", "Cheap hats"],
      ["handle", "cheap-hats"],
      ["kind", "automated"],
      ["rulesMatch", "all"],
      ["ruleCount", ruleCount],
      ["rules.0.field", "price"],
      ["rules.0.relation", "less_than"],
      ...rules,
    ];
    const refusals: [string, [string, string][], string][] = [
      ["line break", automated([["rules.0.value", "10\n"]]), "Use a single line of text, without control characters."],
      [
        "value twice",
        automated([
          ["rules.0.value", "10"],
          ["rules.0.value", "20"],
        ]),
        "Enter text.",
      ],
      ["count past the rows' limit", automated([["rules.0.value", "10"]], "99999999999"), "The form couldn&#x27;t be read. Reload the page and try again."],
    ];
    for (const [what, fields, message] of refusals) {
      const res = await adminPost(app, northCookie, "/admin/north/collections/new", fields);
      expect(res.status, what).toBe(400);
      expect(res.body, what).toContain(message);
    }
    expect({ north: await collections(north), south: await collections(south) }).toEqual(before);

    // The same rule, typed in the shop's notation, saves in minor units; the other shop has no new collection.
    expect((await adminPost(app, northCookie, "/admin/north/collections/new", automated([["rules.0.value", "10,50"]]))).status).toBe(302);
    expect((await collections(north)).at(-1)).toEqual({
      handle: "cheap-hats",
      rules: [{ field: "price", relation: "less_than", amount: "1050", currency: "EUR" }],
    });
    expect(await collections(south)).toEqual(before.south);
  });
});

describe("edit versions", () => {
  it("refuses a page, a collection or the taxes posted without the version they were opened on, and saves them with it", async () => {
    const lost = "Reload the page: this form lost track of the version it was opened on.";
    const page = await adminPost(app, northCookie, "/admin/north/pages/new", { title: "Returns", bodyHtml: "", visibility: "visible" });
    expect(page.status).toBe(302);
    const pagePath = page.headers.location!.replace(/\?.*$/, "");
    const collectionPath = `/admin/north/collections/${await createCollection(db(north), "hats", "Hats", [])}`;
    const forms: [string, Record<string, string>][] = [
      [pagePath, { title: "Returns and refunds", handle: "returns", bodyHtml: "", visibility: "visible" }],
      [collectionPath, { intent: "save", title: "All hats", handle: "hats", kind: "manual", rulesMatch: "all", ruleCount: "0" }],
      ["/admin/north/settings/taxes", { rate: "7" }],
    ];
    const stored = async () => ({
      page: await db(north).selectFrom("pages").select(["title", "version"]).where("handle", "=", "returns").executeTakeFirst(),
      collection: await db(north).selectFrom("collections").select(["title", "version"]).where("handle", "=", "hats").executeTakeFirst(),
      taxes: await db(north).selectFrom("settings").select(["tax_rate_bp", "version"]).executeTakeFirstOrThrow(),
      south: await db(south).selectFrom("settings").select(["tax_rate_bp", "version"]).executeTakeFirstOrThrow(),
    });
    const before = await stored();
    for (const [path, fields] of forms) {
      for (const version of [undefined, "", "x", "9999999999"]) {
        const res = await adminPost(app, northCookie, path, version === undefined ? fields : { ...fields, version });
        expect(res.status, `${path} with version ${version}`).toBe(400);
        expect(res.body).toContain(lost);
      }
    }
    expect(await stored()).toEqual(before);

    for (const [path, fields] of forms) expect((await adminSave(app, northCookie, path, fields)).status, path).toBeLessThan(400);
    const after = await stored();
    expect([after.page?.title, after.collection?.title, after.taxes.tax_rate_bp]).toEqual(["Returns and refunds", "All hats", 700]);
    expect(after.south).toEqual(before.south);
  });
});

describe("the discount editor", () => {
  it("refuses an action sent twice or unknown, and a value sent twice, changing neither shop's discount", async () => {
    const created = await adminPost(app, northCookie, "/admin/north/discounts/new", { code: "AUTUMN", kind: "percentage", value: "15", appliesTo: "order" });
    expect(created.status).toBe(302);
    const path = created.headers.location!.replace(/\?.*$/, "");
    const stored = async () => ({
      north: await db(north).selectFrom("discounts").select(["code", "value"]).orderBy("id").execute(),
      south: await db(south).selectFrom("discounts").select(["code", "value"]).orderBy("id").execute(),
    });
    const before = await stored();
    const fields: [string, string][] = [
      ["code", "AUTUMN"],
      ["kind", "percentage"],
      ["value", "20"],
      ["appliesTo", "order"],
    ];
    for (const [what, form, message] of [
      ["save twice", [["intent", "save"], ["intent", "save"], ...fields], "Unknown action."],
      ["save and delete", [["intent", "save"], ["intent", "delete"], ...fields], "Unknown action."],
      ["unknown", [["intent", "explode"], ...fields], "Unknown action."],
      ["value twice", [["intent", "save"], ...fields, ["value", "90"]], "Enter text."],
    ] as [string, [string, string][], string][]) {
      const res = await adminPost(app, northCookie, path, form);
      expect(res.status, what).toBe(400);
      expect(res.body, what).toContain(message);
    }
    expect(await stored()).toEqual(before);
    expect((await adminPost(app, northCookie, path, [["intent", "save"], ...fields])).status).toBe(302);
    expect((await stored()).south).toEqual(before.south);
  });
});

describe("the theme editor", () => {
  it("refuses a button sent twice or unknown and a save without its version, leaving both shops' drafts as they were", async () => {
    const path = "/admin/north/themes/editorial";
    const drafts = async () => ({
      north: await db(north).selectFrom("theme_settings").selectAll().execute(),
      south: await db(south).selectFrom("theme_settings").selectAll().execute(),
    });
    const before = await drafts();
    for (const [what, form, message] of [
      [
        "save twice",
        [
          ["intent", "save"],
          ["intent", "publish"],
          ["announcement.text", "Twice"],
        ],
        "Unknown action.",
      ],
      [
        "unknown",
        [
          ["intent", "explode"],
          ["announcement.text", "Explode"],
        ],
        "Unknown action.",
      ],
      [
        "no version",
        [
          ["intent", "publish"],
          ["announcement.text", "Unchecked"],
        ],
        "Reload the page: this form lost track of the version it was opened on.",
      ],
    ] as [string, [string, string][], string][]) {
      const res = await adminPost(app, northCookie, path, form);
      expect(res.status, what).toBe(400);
      expect(res.body, what).toContain(message);
    }
    expect(await drafts()).toEqual(before);
  });
});

describe("billing", () => {
  it("refuses an action sent twice and an over-long confirmation, changing nothing", async () => {
    const status = async () => (await t.db.selectFrom("platform.shops").select("status").where("id", "=", north.id).executeTakeFirstOrThrow()).status;
    const before = await status();
    const twice = await adminPost(app, northCookie, "/admin/north/billing", [
      ["intent", "pause"],
      ["intent", "close"],
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body).toContain("Unknown action.");
    const long = await adminPost(app, northCookie, "/admin/north/billing", { intent: "close", confirm: "north".repeat(60) });
    expect(long.status).toBe(400);
    expect(long.body).toContain("Use at most 255 characters.");
    expect(await status()).toBe(before);
  });
});

describe("recommendation rules", () => {
  it("refuses an unknown action, an action sent twice and an over-long handle, pinning nothing in either shop", async () => {
    const mug = (shop: Shop, handle: string) => createProduct(db(shop), { title: `Mug ${handle}`, handle, variants: [variant([], 1000)] });
    const [northMug, northCup] = [await mug(north, "mug"), await mug(north, "cup")];
    const southMug = await mug(south, "mug");
    const rules = (shop: Shop) => db(shop).selectFrom("recommendation_rules").select(["product_id", "other_product_id", "rule"]).execute();
    const post = (fields: Parameters<typeof adminPost>[3]) => adminPost(app, northCookie, `/admin/north/products/${northMug.id}/recommendations`, fields);

    const unknown = await post({ intent: "promote", product: "cup" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("Unknown action.");
    const twice = await post([
      ["intent", "pin"],
      ["intent", "exclude"],
      ["product", "cup"],
    ]);
    expect(twice.status).toBe(400);
    const long = await post({ intent: "pin", product: "c".repeat(300) });
    expect(long.status).toBe(400);
    expect(long.body).toContain("Use at most 255 characters.");
    expect(await rules(north)).toEqual([]);

    // A handle as typed, in capitals with spaces around it, pins this shop's product and leaves the other shop alone.
    expect((await post({ intent: "pin", product: " CUP " })).status).toBe(200);
    expect(await rules(north)).toEqual([{ product_id: northMug.id, other_product_id: northCup.id, rule: "pin" }]);
    expect(await rules(south)).toEqual([]);
    expect((await adminPost(app, southCookie, `/admin/south/products/${southMug.id}/recommendations`, { intent: "pin", product: "cup" })).body).toContain(
      "No product has that handle.",
    );
  });
});

describe("the product list's bulk bar", () => {
  it("refuses an unknown or repeated action, an over-long tag and ids that aren't ids, and changes another shop's products never", async () => {
    const northLamp = await createProduct(db(north), { title: "Lamp", handle: "lamp", variants: [variant([], 1000)] });
    const tags = async (shop: Shop) =>
      (await db(shop).selectFrom("products").select(["handle", "tags"]).orderBy("handle").execute()).map((p) => `${p.handle}:${p.tags.join("|")}`);
    const before = { north: await tags(north), south: await tags(south) };
    const post = (cookie: string, slug: string, fields: Parameters<typeof adminPost>[3]) => adminPost(app, cookie, `/admin/${slug}/products`, fields);

    const unknown = await post(northCookie, "north", { bulkAction: "explode", ids: northLamp.id });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("Choose what to do with the selected products.");
    const repeated = await post(northCookie, "north", [
      ["bulkAction", "add_tag"],
      ["bulkAction", "delete"],
      ["tag", "sale"],
      ["ids", northLamp.id],
    ]);
    expect(repeated.status).toBe(400);
    const longTag = await post(northCookie, "north", { bulkAction: "add_tag", tag: "t".repeat(300), ids: northLamp.id });
    expect(longTag.status).toBe(400);
    expect(longTag.body).toContain("Use at most 255 characters.");
    const pastBigint = await post(northCookie, "north", { bulkAction: "delete", ids: "99999999999999999999" });
    expect(pastBigint.status).toBe(400);
    expect(pastBigint.body).toContain("Tick the products to change first.");
    // North's product id sent to south's list: south has no such product, so nothing anywhere changes.
    expect((await post(southCookie, "south", { bulkAction: "add_tag", tag: "sale", ids: northLamp.id })).body).toContain("Tagged 0 products.");
    expect({ north: await tags(north), south: await tags(south) }).toEqual(before);

    expect((await post(northCookie, "north", { bulkAction: "add_tag", tag: "sale", ids: northLamp.id })).body).toContain("Tagged 1 product.");
    expect(await tags(north)).toContain("lamp:sale");
  });
});

describe("platform forms", () => {
  it("answers a malformed login and signup with 400 and the field's message", async () => {
    const login = await app.request(PLATFORM, "/login", { method: "POST", form: { email: "", password: "" }, headers: { origin: ORIGIN } });
    expect(login.status).toBe(400);
    expect(login.body).toContain("Enter your email and password.");

    const signup = await app.request(PLATFORM, "/signup", {
      method: "POST",
      form: { email: "not-an-email", password: "short", shopName: "x".repeat(81), slug: "ok-shop" },
      headers: { origin: ORIGIN },
    });
    expect(signup.status).toBe(400);
    expect(signup.body).toContain("Enter a valid email address.");
    expect(signup.body).toContain("Use at least 8 characters.");
    expect(signup.body).toContain("Use at most 80 characters.");
    expect(await t.db.selectFrom("platform.shops").select("slug").where("slug", "=", "ok-shop").execute()).toEqual([]);
  });
});
