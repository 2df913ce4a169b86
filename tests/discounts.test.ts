import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import {
  allocate,
  applyDiscount,
  deleteDiscount,
  discountAvailability,
  evaluateDiscountCode,
  getDiscountReport,
  percentageOf,
  saveDiscount,
  validateDiscountFields,
  type DiscountFields,
  type DiscountRule,
} from "../shop/discounts.server.ts";
import type { MoneyStyle } from "../shop/money.ts";
import { OrderValidationError, recordOrder } from "../shop/orders.server.ts";
import { saveProduct, type ProductInput } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { addMember, logIn, merchant, PASSWORD } from "./support/sales.ts";

const rule = (over: Partial<DiscountRule> = {}): DiscountRule => ({
  kind: "percentage",
  value: 1000,
  appliesTo: "order",
  collectionIds: [],
  productIds: [],
  minSubtotal: 0,
  ...over,
});
const cartOf = (lines: [productId: string | null, unitPrice: number, quantity: number, collectionIds?: string[]][], shipping = 0) => ({
  lines: lines.map(([productId, unitPrice, quantity, collectionIds]) => ({ productId, unitPrice, quantity, collectionIds })),
  shipping,
});

describe("discount arithmetic (pure)", () => {
  it("rounds percentages half up, once, on the eligible subtotal", () => {
    expect(percentageOf(1005n, 1000)).toBe(101n); // 100.5 → 101
    expect(percentageOf(1004n, 1000)).toBe(100n); // 100.4 → 100
    expect(percentageOf(999n, 1)).toBe(0n); // 0.0999 → 0
    expect(percentageOf(5000n, 1)).toBe(1n); // 0.5 → 1
    expect(percentageOf(10n ** 13n, 10_000)).toBe(10n ** 13n); // no float overflow
    // Three lines of 3.35 at 10 %: per line it would be 3 × 0.34 = 1.02; on the subtotal 10.05 × 10 % = 1.005 → 1.01.
    const applied = applyDiscount(
      rule(),
      cartOf([
        ["1", 335, 1],
        ["2", 335, 1],
        ["3", 335, 1],
      ]),
    );
    expect(applied).toMatchObject({ ok: true, application: { eligibleSubtotal: 1005, merchandiseDiscount: 101, shippingDiscount: 0, total: 101 } });
  });

  it("works in zero-decimal currencies, where the minor unit is the yen", () => {
    // ¥999 at 15 % is ¥149.85 → ¥150; at 12.5 % ¥124.875 → ¥125.
    expect(applyDiscount(rule({ value: 1500 }), cartOf([[null, 999, 1]]))).toMatchObject({ ok: true, application: { merchandiseDiscount: 150 } });
    expect(applyDiscount(rule({ value: 1250 }), cartOf([[null, 333, 3]]))).toMatchObject({ ok: true, application: { merchandiseDiscount: 125 } });
  });

  it("caps a fixed amount at what it applies to, and gives free shipping only off shipping", () => {
    expect(applyDiscount(rule({ kind: "fixed_amount", value: 500 }), cartOf([[null, 1200, 1]], 300))).toMatchObject({
      ok: true,
      application: { merchandiseDiscount: 500, shippingDiscount: 0, total: 500 },
    });
    expect(applyDiscount(rule({ kind: "fixed_amount", value: 5000 }), cartOf([[null, 1200, 1]], 300))).toMatchObject({
      ok: true,
      application: { merchandiseDiscount: 1200, total: 1200 },
    });
    expect(applyDiscount(rule({ kind: "free_shipping", value: 0 }), cartOf([[null, 1200, 1]], 450))).toMatchObject({
      ok: true,
      application: { merchandiseDiscount: 0, shippingDiscount: 450, total: 450 },
    });
  });

  it("applies to chosen products or collections only, and needs one of them in the cart", () => {
    const cart = cartOf([
      ["1", 1000, 2, ["10"]],
      ["2", 3000, 1, ["20"]],
      ["3", 500, 1, []],
    ]);
    const products = applyDiscount(rule({ appliesTo: "products", productIds: ["2"], value: 5000 }), cart);
    expect(products).toMatchObject({ ok: true, application: { eligibleSubtotal: 3000, merchandiseDiscount: 1500, lineAllocations: [0, 1500, 0] } });
    const collections = applyDiscount(rule({ appliesTo: "collections", collectionIds: ["10", "99"], kind: "fixed_amount", value: 700 }), cart);
    expect(collections).toMatchObject({ ok: true, application: { eligibleSubtotal: 2000, merchandiseDiscount: 700, lineAllocations: [700, 0, 0] } });
    expect(applyDiscount(rule({ appliesTo: "products", productIds: ["9"] }), cart)).toEqual({ ok: false, reason: "no_eligible_items" });
    expect(applyDiscount(rule({ appliesTo: "collections", collectionIds: ["30"] }), cart)).toEqual({ ok: false, reason: "no_eligible_items" });
  });

  it("checks the minimum against the subtotal of what the code applies to", () => {
    const cart = cartOf([
      ["1", 1000, 2],
      ["2", 3000, 1],
    ]);
    expect(applyDiscount(rule({ minSubtotal: 5000 }), cart).ok).toBe(true);
    expect(applyDiscount(rule({ minSubtotal: 5001 }), cart)).toEqual({ ok: false, reason: "minimum_subtotal" });
    expect(applyDiscount(rule({ minSubtotal: 3000, appliesTo: "products", productIds: ["2"] }), cart).ok).toBe(true);
    expect(applyDiscount(rule({ minSubtotal: 3001, appliesTo: "products", productIds: ["2"] }), cart)).toEqual({ ok: false, reason: "minimum_subtotal" });
  });

  it("allocates a discount over lines in whole units that add up exactly", () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(101n, [335n, 335n, 335n])).toEqual([34n, 34n, 33n]);
    expect(allocate(7n, [0n, 5n, 0n, 5n])).toEqual([0n, 4n, 0n, 3n]);
    expect(allocate(5n, [0n, 0n])).toEqual([0n, 0n]);
  });

  it("checks dates (start inclusive, end exclusive) and usage limits", () => {
    const window = { startsAt: new Date("2025-06-01T00:00:00Z"), endsAt: new Date("2025-07-01T00:00:00Z"), usageLimit: 10, perCustomerLimit: 1 };
    const unused = { total: 0, byCustomer: 0, customerKnown: true };
    expect(discountAvailability(window, new Date("2025-05-31T23:59:59.999Z"), unused)).toBe("not_started");
    expect(discountAvailability(window, new Date("2025-06-01T00:00:00Z"), unused)).toBeNull();
    expect(discountAvailability(window, new Date("2025-06-30T23:59:59.999Z"), unused)).toBeNull();
    expect(discountAvailability(window, new Date("2025-07-01T00:00:00Z"), unused)).toBe("expired");
    const now = new Date("2025-06-15T00:00:00Z");
    expect(discountAvailability(window, now, { total: 9, byCustomer: 0, customerKnown: true })).toBeNull();
    expect(discountAvailability(window, now, { total: 10, byCustomer: 0, customerKnown: true })).toBe("usage_limit");
    expect(discountAvailability(window, now, { total: 3, byCustomer: 1, customerKnown: true })).toBe("customer_limit");
    // Before checkout knows the email, only the total limit applies.
    expect(discountAvailability(window, now, { total: 3, byCustomer: 0, customerKnown: false })).toBeNull();
    expect(
      discountAvailability({ ...window, endsAt: null, usageLimit: null, perCustomerLimit: null }, new Date("2099-01-01T00:00:00Z"), {
        total: 10 ** 6,
        byCustomer: 10 ** 6,
        customerKnown: true,
      }),
    ).toBeNull();
  });
});

const FIELDS: DiscountFields = {
  code: "spring-10",
  kind: "percentage",
  value: "10",
  appliesTo: "order",
  collectionIds: [],
  productIds: [],
  minSubtotal: "",
  startsAt: "",
  endsAt: "",
  usageLimit: "",
  perCustomerLimit: "",
};
const NOW = new Date("2025-06-15T12:00:30Z");
const EUR: MoneyStyle = { currency: "EUR", locale: "en-IE" };
const JPY: MoneyStyle = { currency: "JPY", locale: "en-US" };
const EUR_DE: MoneyStyle = { currency: "EUR", locale: "de-DE" };

describe("discount validation (pure)", () => {
  const errorsFor = (over: Partial<DiscountFields>, style = EUR) => validateDiscountFields({ ...FIELDS, ...over }, style, NOW).errors;

  it("normalises the code and stores percentages in basis points and amounts in minor units", () => {
    const { discount } = validateDiscountFields({ ...FIELDS, code: "  spring-10 ", value: "12.5" }, EUR, NOW);
    expect(discount).toMatchObject({ code: "SPRING-10", value: 1250, starts_at: new Date("2025-06-15T12:00:00Z"), ends_at: null, usage_limit: null });
    expect(validateDiscountFields({ ...FIELDS, kind: "fixed_amount", value: "5.50", minSubtotal: "20" }, EUR, NOW).discount).toMatchObject({
      value: 550,
      min_subtotal: 2000,
    });
    expect(validateDiscountFields({ ...FIELDS, kind: "fixed_amount", value: "500" }, JPY, NOW).discount).toMatchObject({ value: 500 });
    expect(validateDiscountFields({ ...FIELDS, value: "0.01" }, EUR, NOW).discount?.value).toBe(1);
    expect(validateDiscountFields({ ...FIELDS, value: "100" }, EUR, NOW).discount?.value).toBe(10_000);
    expect(validateDiscountFields({ ...FIELDS, kind: "free_shipping", value: "whatever" }, EUR, NOW).discount?.value).toBe(0);
    // A scope's ids are dropped when the scope isn't chosen.
    expect(validateDiscountFields({ ...FIELDS, productIds: ["5"] }, EUR, NOW).discount?.product_ids).toEqual([]);
    expect(validateDiscountFields({ ...FIELDS, startsAt: "2025-07-01T09:30", endsAt: "2025-07-02T00:00" }, EUR, NOW).discount).toMatchObject({
      starts_at: new Date("2025-07-01T09:30:00Z"),
      ends_at: new Date("2025-07-02T00:00:00Z"),
    });
  });

  it("reads amounts and percentages in the shop's notation: 12,50 in a German shop, 12.50 in an English one", () => {
    const fixed = (value: string, style: MoneyStyle, minSubtotal = "") =>
      validateDiscountFields({ ...FIELDS, kind: "fixed_amount", value, minSubtotal }, style, NOW);
    expect(fixed("12,50", EUR_DE, "1.234,50").discount).toMatchObject({ value: 1250, min_subtotal: 123450 });
    expect(fixed("12.50", EUR, "1,234.50").discount).toMatchObject({ value: 1250, min_subtotal: 123450 });
    // The other mark before two digits can only be decimals: read as meant, never as 1250.00.
    expect(fixed("12,50", EUR).discount).toMatchObject({ value: 1250 });
    expect(fixed("12.50", EUR_DE).discount).toMatchObject({ value: 1250 });
    expect(fixed("1,500", EUR).errors.value).toBe('"1,500" could mean 1500 or 1.50. Type 1500 without a separator, or 1.50 with "." as the decimal mark.');
    expect(fixed("10", EUR_DE, "1.500").errors.minSubtotal).toBe(
      '"1.500" could mean 1500 or 1,50. Type 1500 without a separator, or 1,50 with "," as the decimal mark.',
    );
    expect(fixed("10", EUR, "1.500").errors.minSubtotal).toBe('EUR has at most 2 decimals; "1.500" has 3. Type at most 2, like 12.50.');
    const percent = (value: string, style: MoneyStyle) => validateDiscountFields({ ...FIELDS, value }, style, NOW).discount?.value;
    expect([percent("7,5", EUR_DE), percent("7.5", EUR), percent("7,5", EUR), percent("7,5 %", EUR_DE)]).toEqual([750, 750, 750, 750]);
    expect(validateDiscountFields({ ...FIELDS, value: "0" }, EUR_DE, NOW).errors.value).toBe("Enter a percentage from 0,01 to 100, with at most two decimals.");
  });

  it("names what is wrong with each field", () => {
    expect(errorsFor({ code: "" })).toEqual({ code: "Enter a code." });
    expect(errorsFor({ code: "ten off!" }).code).toMatch(/letters, digits/);
    expect(errorsFor({ code: "x" }).code).toBeDefined();
    expect(errorsFor({ kind: "bogo" }).kind).toBeDefined();
    for (const value of ["0", "0.00", "100.01", "150", "12.345", "-5", "", "ten", "1e2", "5\u0000"])
      expect(errorsFor({ value }).value, value).toMatch(/0\.01 to 100/);
    expect(errorsFor({ kind: "fixed_amount", value: "0" }).value).toBe("Enter an amount greater than zero.");
    expect(errorsFor({ kind: "fixed_amount", value: "ten" }, JPY).value).toBe("Enter an amount in JPY, like 5.");
    expect(errorsFor({ kind: "fixed_amount", value: "5.5" }, JPY).value).toBe("JPY has no decimals: type a whole number, like 1200.");
    expect(errorsFor({ kind: "fixed_amount", value: "ten" }).value).toBe("Enter an amount in EUR, like 5.00.");
    expect(errorsFor({ kind: "fixed_amount", value: "ten" }, EUR_DE).value).toBe("Enter an amount in EUR, like 5,00.");
    expect(errorsFor({ kind: "fixed_amount", value: "1.234" }).value).toBe('EUR has at most 2 decimals; "1.234" has 3. Type at most 2, like 12.50.');
    expect(errorsFor({ kind: "free_shipping", appliesTo: "products", productIds: ["1"] }).appliesTo).toBe("Free shipping applies to the whole order.");
    expect(errorsFor({ appliesTo: "collections" }).collectionIds).toBe("Choose at least one collection.");
    expect(errorsFor({ appliesTo: "products" }).productIds).toBe("Choose at least one product.");
    expect(errorsFor({ appliesTo: "products", productIds: ["1 or 1=1"] }).form).toBeDefined();
    expect(errorsFor({ appliesTo: "everything" }).appliesTo).toBeDefined();
    expect(errorsFor({ minSubtotal: "-1" }).minSubtotal).toBeDefined();
    expect(errorsFor({ startsAt: "2025-02-30T10:00" }).startsAt).toBe("Enter a date and time (UTC).");
    expect(errorsFor({ endsAt: "soon" }).endsAt).toBeDefined();
    expect(errorsFor({ startsAt: "2025-07-01T10:00", endsAt: "2025-07-01T10:00" }).endsAt).toBe("The end must come after the start.");
    for (const limit of ["0", "1.5", "-2", "abc", "3000000000"]) {
      expect(errorsFor({ usageLimit: limit }).usageLimit, limit).toBeDefined();
      expect(errorsFor({ perCustomerLimit: limit }).perCustomerLimit, limit).toBeDefined();
    }
  });
});

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: ReturnType<typeof merchant>;
let staff: ReturnType<typeof merchant>;
const actor: Actor = { userId: "test", email: "owner@north.test", ip: "" };
const ids: Record<string, string> = {};

function product(title: string, price: number): ProductInput {
  return {
    title,
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: [],
    variants: [{ optionValues: [], sku: "", price, compareAtPrice: null, inventoryQuantity: 10, continueSelling: false, weightGrams: 0 }],
  };
}

async function create(db: TenantDb, over: Partial<DiscountFields>, currency = "EUR"): Promise<string> {
  const style = { currency, locale: "en-US" };
  // Started well before NOW, the moment these tests evaluate codes at.
  const result = await saveDiscount(db, actor, { ...FIELDS, startsAt: "2025-01-01T00:00", ...over }, style);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.test", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.test", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  await addMember(t.db, "staff@north.test", north, "staff");
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await southDb.updateTable("settings").set({ currency: "JPY" }).execute();

  ids.mug = (await saveProduct(northDb, actor, product("Mug", 1_500))).id;
  ids.beans = (await saveProduct(northDb, actor, product("Beans", 2_000))).id;
  ids.poster = (await saveProduct(northDb, actor, product("Poster", 3_000))).id;
  const kitchen = await northDb
    .insertInto("collections")
    .values({ handle: "kitchen", title: "Kitchen", kind: "manual" })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids.kitchen = kitchen.id;
  await northDb.insertInto("collection_products").values({ collection_id: kitchen.id, product_id: ids.mug, position: 0 }).execute();
  // South's ids are numbers too: its first ids are also north's, its fourth is south's alone.
  ids.southProduct = (await saveProduct(southDb, actor, product("Matcha", 2_000))).id;
  await saveProduct(southDb, actor, product("Tea bowl", 4_000));
  await saveProduct(southDb, actor, product("Kettle", 6_000));
  ids.southOnly = (await saveProduct(southDb, actor, product("Whisk", 900))).id;
  app = await startTestApp(t.url);
  owner = merchant(app, await logIn(app, "owner@north.test"));
  staff = merchant(app, await logIn(app, "staff@north.test"));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("evaluateDiscountCode", () => {
  const cart = () => ({
    lines: [
      { productId: ids.mug, unitPrice: 1_500, quantity: 2 },
      { productId: ids.beans, unitPrice: 2_000, quantity: 1 },
    ],
    shipping: 490,
  });

  it("finds codes in any case and reads collection membership from the catalogue", async () => {
    await create(northDb, { code: "KITCHEN20", value: "20", appliesTo: "collections", collectionIds: [ids.kitchen] });
    const result = await evaluateDiscountCode(northDb, "  kitchen20 ", cart(), "ada@example.com", NOW);
    if (!result.ok) throw new Error(result.reason);
    expect(result).toMatchObject({
      ok: true,
      discount: { code: "KITCHEN20", kind: "percentage" },
      application: { eligibleSubtotal: 3_000, merchandiseDiscount: 600, lineAllocations: [600, 0] },
    });
    const noMugs = await evaluateDiscountCode(northDb, "KITCHEN20", { lines: [{ productId: ids.beans, unitPrice: 2_000, quantity: 1 }], shipping: 0 }, "", NOW);
    expect(noMugs).toMatchObject({ ok: false, reason: "no_eligible_items" });
    expect(await evaluateDiscountCode(northDb, "NOPE", cart(), "", NOW)).toEqual({ ok: false, reason: "not_found" });
    expect(await evaluateDiscountCode(northDb, "%", cart(), "", NOW)).toMatchObject({ ok: false, reason: "not_found" });
    // An automated collection's rules decide: "Cheap" is every product under €20, so the mug and not the beans.
    const cheap = await northDb
      .insertInto("collections")
      .values({
        handle: "cheap",
        title: "Cheap",
        kind: "automated",
        rules: JSON.stringify([{ field: "price", relation: "less_than", amount: "2000", currency: "EUR" }]),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await create(northDb, { code: "CHEAP10", value: "10", appliesTo: "collections", collectionIds: [cheap.id] });
    const byRules = await evaluateDiscountCode(northDb, "CHEAP10", cart(), "", NOW);
    expect(byRules).toMatchObject({ ok: true, application: { eligibleSubtotal: 3_000, merchandiseDiscount: 300, lineAllocations: [300, 0] } });
    // Codes are per shop: south has no KITCHEN20.
    expect(await evaluateDiscountCode(southDb, "KITCHEN20", cart(), "", NOW)).toMatchObject({ ok: false, reason: "not_found" });
  });

  it("honours start and end dates", async () => {
    await create(northDb, { code: "LATER", startsAt: "2025-07-01T00:00" });
    await create(northDb, { code: "GONE", startsAt: "2025-05-01T00:00", endsAt: "2025-06-01T00:00" });
    expect(await evaluateDiscountCode(northDb, "LATER", cart(), "", NOW)).toMatchObject({ ok: false, reason: "not_started" });
    expect(await evaluateDiscountCode(northDb, "LATER", cart(), "", new Date("2025-07-01T00:00:00Z"))).toMatchObject({ ok: true });
    expect(await evaluateDiscountCode(northDb, "GONE", cart(), "", NOW)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("checks the minimum subtotal and gives free shipping", async () => {
    await create(northDb, { code: "SHIPFREE", kind: "free_shipping", minSubtotal: "50.00", startsAt: "2025-01-01T00:00" });
    expect(await evaluateDiscountCode(northDb, "SHIPFREE", cart(), "", NOW)).toMatchObject({
      ok: true,
      application: { shippingDiscount: 490, merchandiseDiscount: 0, total: 490 },
    });
    expect(await evaluateDiscountCode(northDb, "SHIPFREE", { ...cart(), lines: cart().lines.slice(1) }, "", NOW)).toMatchObject({
      ok: false,
      reason: "minimum_subtotal",
    });
  });

  it("counts total and per-customer uses from redemptions, and recordOrder enforces them under a lock", async () => {
    const id = await create(northDb, { code: "TWICE", kind: "fixed_amount", value: "5", usageLimit: "2", perCustomerLimit: "1", startsAt: "2025-01-01T00:00" });
    const order = async (email: string) => {
      const evaluation = await evaluateDiscountCode(northDb, "twice", cart(), email, NOW);
      if (!evaluation.ok) return evaluation.reason;
      await recordOrder(northDb, {
        email,
        currency: "EUR",
        lines: [{ title: "Mug", productId: ids.mug, unitPrice: 1_500, quantity: 2 }],
        shippingTotal: 490,
        discount: { id: evaluation.discount.id, code: evaluation.discount.code, amount: evaluation.application.total },
        financialStatus: "paid",
        placedAt: NOW,
      });
      return "ok";
    };
    expect(await order("ada@example.com")).toBe("ok");
    expect(await order("ADA@example.com")).toBe("customer_limit");
    expect(await order("bo@example.com")).toBe("ok");
    expect(await order("cy@example.com")).toBe("usage_limit");

    // A checkout that evaluated before the last use was taken is refused when it writes, and writes nothing.
    const before = await northDb
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(
      recordOrder(northDb, {
        email: "dee@example.com",
        currency: "EUR",
        lines: [{ title: "Mug", unitPrice: 1_500, quantity: 1 }],
        discount: { id, code: "TWICE", amount: 500 },
      }),
    ).rejects.toBeInstanceOf(OrderValidationError);
    const after = await northDb
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const report = await getDiscountReport(northDb, id, "EUR");
    expect(report).toMatchObject({ timesUsed: 2, discounted: "1000", paidOrders: 2, revenue: String(2 * (3_000 + 490 - 500)) });
    const orders = await northDb.selectFrom("orders").select(["discount_code", "discount_total", "total"]).where("discount_code", "=", "TWICE").execute();
    expect(orders).toEqual([
      { discount_code: "TWICE", discount_total: "500", total: "2990" },
      { discount_code: "TWICE", discount_total: "500", total: "2990" },
    ]);
  });

  it("rounds yen discounts to whole yen", async () => {
    await create(southDb, { code: "MATCHA15", value: "15", appliesTo: "products", productIds: [ids.southProduct], startsAt: "2025-01-01T00:00" }, "JPY");
    const result = await evaluateDiscountCode(
      southDb,
      "MATCHA15",
      { lines: [{ productId: ids.southProduct, unitPrice: 999, quantity: 1 }], shipping: 0 },
      "",
      NOW,
    );
    expect(result).toMatchObject({ ok: true, application: { merchandiseDiscount: 150 } });
  });
});

describe("saving discounts", () => {
  it("keeps codes unique per shop, whatever their case", async () => {
    await create(northDb, { code: "WELCOME" });
    expect(await saveDiscount(northDb, actor, { ...FIELDS, code: "welcome" }, EUR)).toEqual({
      ok: false,
      errors: { code: "Another discount uses this code." },
    });
    // Another shop may use the same code.
    expect((await saveDiscount(southDb, actor, { ...FIELDS, code: "welcome" }, JPY)).ok).toBe(true);
  });

  it("accepts only this shop's products and collections", async () => {
    const tampered = await saveDiscount(northDb, actor, { ...FIELDS, code: "TAMPER", appliesTo: "products", productIds: [ids.mug, "987654"] }, EUR);
    expect(tampered).toEqual({ ok: false, errors: { productIds: "Choose products from the list." } });
    const collections = await saveDiscount(northDb, actor, { ...FIELDS, code: "TAMPER", appliesTo: "collections", collectionIds: ["987654"] }, EUR);
    expect(collections).toEqual({ ok: false, errors: { collectionIds: "Choose collections from the list." } });
    expect(await northDb.selectFrom("discounts").select("id").where("code", "=", "TAMPER").execute()).toEqual([]);
  });

  it("updates, records audit events, and deletes only unused codes", async () => {
    const id = await create(northDb, { code: "EDITME" });
    expect(await saveDiscount(northDb, actor, { ...FIELDS, code: "edited", kind: "fixed_amount", value: "2.50" }, EUR, id)).toEqual({ ok: true, id });
    expect(await northDb.selectFrom("discounts").select(["code", "kind", "value"]).where("id", "=", id).executeTakeFirst()).toEqual({
      code: "EDITED",
      kind: "fixed_amount",
      value: "250",
    });
    const audit = await northDb
      .selectFrom("audit_events")
      .select(["action", "summary"])
      .where("subject_id", "=", id)
      .where("subject_type", "=", "discount")
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "discount.created", summary: "EDITME: 10 % off" },
      { action: "discount.updated", summary: "EDITED: €2.50 off" },
    ]);
    expect(await deleteDiscount(northDb, actor, id)).toEqual({ ok: true });
    const used = (await northDb.selectFrom("discounts").select("id").where("code", "=", "TWICE").executeTakeFirstOrThrow()).id;
    expect(await deleteDiscount(northDb, actor, used)).toMatchObject({ ok: false });
    expect(await northDb.selectFrom("discounts").select("id").where("id", "=", used).execute()).toHaveLength(1);
  });
});

describe("discounts in the admin", () => {
  it("creates a code from the form and shows it in the list", async () => {
    const res = await owner.post("/admin/north/discounts/new", {
      code: "summer",
      kind: "percentage",
      value: "12.5",
      appliesTo: "products",
      productIds: ids.beans,
      minSubtotal: "",
      startsAt: "2025-06-01T00:00",
      endsAt: "",
      usageLimit: "100",
      perCustomerLimit: "",
    });
    expect(res.status).toBe(302);
    const id = /\/admin\/north\/discounts\/(\d+)\?saved=created$/.exec(res.headers.location ?? "")?.[1];
    expect(id).toBeDefined();
    expect(await northDb.selectFrom("discounts").select(["code", "value", "product_ids", "usage_limit"]).where("id", "=", id!).executeTakeFirst()).toEqual({
      code: "SUMMER",
      value: "1250",
      product_ids: [ids.beans],
      usage_limit: 100,
    });
    const list = await owner.get("/admin/north/discounts");
    expect(list.body).toContain("SUMMER");
    expect(list.body).toContain("12.5 % off");
    const detail = await owner.get(`/admin/north/discounts/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain("Nobody has used this code yet.");
  });

  it("answers 400 with the errors next to the fields and saves nothing", async () => {
    const res = await owner.post("/admin/north/discounts/new", {
      code: "bad code",
      kind: "percentage",
      value: "150",
      appliesTo: "order",
      minSubtotal: "",
      startsAt: "",
      endsAt: "",
      usageLimit: "0",
      perCustomerLimit: "",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('id="code-error"');
    expect(res.body).toContain("Enter a percentage from 0.01 to 100");
    expect(res.body).toContain('id="usageLimit-error"');
    expect(res.body).toContain('aria-describedby="value-error"');
    expect(await northDb.selectFrom("discounts").select("id").where("code", "=", "BAD CODE").execute()).toEqual([]);
  });

  it("shows the report of a used code and refuses to delete it", async () => {
    const id = (await northDb.selectFrom("discounts").select("id").where("code", "=", "TWICE").executeTakeFirstOrThrow()).id;
    const res = await owner.get(`/admin/north/discounts/${id}`);
    expect(res.body).toMatch(/Times used<\/h3><p class="figure">2</);
    expect(res.body).toContain("€10.00"); // discounted
    expect(res.body).toContain("€59.80"); // revenue
    const del = await owner.post(`/admin/north/discounts/${id}`, { intent: "delete" });
    expect(del.status).toBe(400);
    expect(del.body).toContain("report is kept");
  });

  it("edits and deletes through the form, and lets staff manage discounts", async () => {
    const id = await create(northDb, { code: "STAFFPICK" });
    const edit = await staff.post(`/admin/north/discounts/${id}`, {
      intent: "save",
      ...FIELDS,
      code: "staffpick",
      value: "15",
      collectionIds: "",
      productIds: "",
    });
    expect(edit.status).toBe(302);
    expect((await northDb.selectFrom("discounts").select("value").where("id", "=", id).executeTakeFirstOrThrow()).value).toBe("1500");
    const del = await staff.post(`/admin/north/discounts/${id}`, { intent: "delete" });
    expect(del.status).toBe(302);
    expect(del.headers.location).toBe("/admin/north/discounts?deleted=STAFFPICK");
    const audit = await northDb
      .selectFrom("audit_events")
      .select("actor_email")
      .where("action", "=", "discount.deleted")
      .where("subject_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_email).toBe("staff@north.test");
  });

  it("keeps other shops' discounts and products out of reach", async () => {
    // South's MATCHA15 has id 1, which in north is KITCHEN20: north's URL shows north's code.
    const southId = (await southDb.selectFrom("discounts").select("id").where("code", "=", "MATCHA15").executeTakeFirstOrThrow()).id;
    const sameId = await owner.get(`/admin/north/discounts/${southId}`);
    expect(sameId.status).toBe(200);
    expect(sameId.body).toContain("KITCHEN20");
    expect(sameId.body).not.toContain("MATCHA15");
    expect((await owner.get("/admin/north/discounts/999999")).status).toBe(404);
    expect((await owner.get("/admin/south/discounts")).status).toBe(404);
    expect((await owner.post("/admin/south/discounts/new", { ...FIELDS, code: "HIJACK", collectionIds: "", productIds: "" })).status).toBe(404);
    expect((await owner.post(`/admin/south/discounts/${southId}`, { intent: "delete" })).status).toBe(404);
    expect(await southDb.selectFrom("discounts").select("id").where("id", "=", southId).execute()).toHaveLength(1);
    expect(await southDb.selectFrom("discounts").select("id").where("code", "=", "HIJACK").execute()).toEqual([]);

    // A south product id typed into north's form is refused, and north's form lists no south product.
    expect(await northDb.selectFrom("products").select("id").where("id", "=", ids.southOnly).execute()).toEqual([]);
    const res = await owner.post("/admin/north/discounts/new", {
      ...FIELDS,
      code: "SNEAKY",
      appliesTo: "products",
      productIds: ids.southOnly,
      collectionIds: "",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Choose products from the list.");
    const form = await owner.get("/admin/north/discounts/new");
    expect(form.body).toContain(">Beans<");
    expect(form.body).not.toContain("Matcha");
    expect(form.body).not.toContain("Whisk");
  });
});
