import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { addToCart } from "../shop/cart.server.ts";
import {
  beginPayment,
  completeCheckoutPayment,
  findCheckout,
  priceCheckout,
  RESERVATION_MINUTES,
  reminderDelay,
  sendCheckoutReminder,
  startCheckout,
  updateCheckout,
  type CheckoutDeps,
} from "../shop/checkout.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveDiscount } from "../shop/discounts.server.ts";
import { createShippingRate, createShippingZone } from "../shop/settings.server.ts";
import { payWithTestCard } from "../shop/test-gateway.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { changeShopStatus } from "../tenants/lifecycle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { CHECKOUT_REMINDERS_QUEUE, type CheckoutReminderJob } from "../jobs/processors/checkout-reminders.server.ts";
import { runMaintenance } from "../jobs/processors/maintenance.server.ts";
import { openQueue } from "../jobs/queues.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { adminGet, adminPost, inputValue, logIn } from "./support/admin-forms.ts";
import { readMailDir } from "./support/mail.ts";
import { addMember, PASSWORD } from "./support/sales.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";

const english = storefrontIntl("en");

// Two shops with different currencies, prices, tax and shipping, so nothing can pass by crossing them.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let mailDir: string;
const ADDRESS = { name: "Ada Lovelace", line1: "1 Analytical Way", line2: "", city: "London", region: "", postalCode: "N1 1AA", country: "GB", phone: "" };

async function variantOf(db: TenantDb, productId: string): Promise<string> {
  return (await db.selectFrom("variants").select("id").where("product_id", "=", productId).executeTakeFirstOrThrow()).id;
}

async function stockOf(db: TenantDb, variantId: string): Promise<number> {
  return (await db.selectFrom("variants").select("inventory_quantity").where("id", "=", variantId).executeTakeFirstOrThrow()).inventory_quantity;
}

function depsFor(shop: Shop, db: TenantDb): CheckoutDeps {
  return { db, platform: t.db, shop, origin: `http://${shop.slug}.shops.test`, adminOrigin: "http://bazaar.test", deliverMail: app.services.deliverMail };
}

/** A cart holding `quantity` of a variant, and a checkout for it with an email and address filled in. */
async function readyCheckout(db: TenantDb, variantId: string, quantity = 1, email = "shopper@example.com") {
  const added = await addToCart(db, { customerId: null, token: null }, { variantId, quantity: String(quantity) }, english);
  if (!added.ok) throw new Error(JSON.stringify(added.errors));
  const started = await startCheckout(db, { customerId: null, token: added.newToken }, english);
  if (!started.ok) throw new Error(started.error);
  const checkout = (await findCheckout(db, started.token))!;
  const { errors } = await updateCheckout(db, checkout, { email, address: ADDRESS });
  expect(errors).toEqual({});
  return started.token;
}

let ids: { northMug: string; northLamp: string; southMug: string; northRate: string; southRate: string };

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-checkout-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase({ poolSize: 20 });
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North Goods", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South Goods", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR", tax_rate_bp: 2000, prices_include_tax: false }).execute();
  await southDb.updateTable("settings").set({ currency: "JPY", tax_rate_bp: 1000, prices_include_tax: true }).execute();
  const northMug = await createProduct(northDb, { title: "Mug", handle: "mug", variants: [variant([], 1250, { inventoryQuantity: 50 })] });
  const northLamp = await createProduct(northDb, { title: "Lamp", handle: "lamp", variants: [variant([], 4000, { inventoryQuantity: 10 })] });
  const southMug = await createProduct(southDb, { title: "Mug", handle: "mug", variants: [variant([], 1800, { inventoryQuantity: 50 })] });
  const northZone = await createShippingZone(northDb, SYSTEM_ACTOR, { name: "UK", countries: "GB" });
  const southZone = await createShippingZone(southDb, SYSTEM_ACTOR, { name: "UK", countries: "GB" });
  ids = {
    northMug: await variantOf(northDb, northMug.id),
    northLamp: await variantOf(northDb, northLamp.id),
    southMug: await variantOf(southDb, southMug.id),
    northRate: await createShippingRate(northDb, SYSTEM_ACTOR, northZone, { name: "Standard", price: "4.50", minSubtotal: "" }),
    southRate: await createShippingRate(southDb, SYSTEM_ACTOR, southZone, { name: "Post", price: "700", minSubtotal: "" }),
  };
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

beforeEach(async () => {
  for (const db of [northDb, southDb]) {
    await db.deleteFrom("checkouts").execute();
    await db.deleteFrom("orders").execute();
    await db.deleteFrom("carts").execute();
  }
});

describe("pricing on the server", () => {
  it("adds shipping for the address's country and tax on goods and shipping when prices exclude it", async () => {
    const token = await readyCheckout(northDb, ids.northMug, 2);
    let checkout = (await findCheckout(northDb, token))!;
    let pricing = await priceCheckout(northDb, checkout);
    expect(pricing.shippingOptions).toEqual([{ id: ids.northRate, name: "Standard", price: "450" }]);
    expect(pricing.problems).toEqual(["Choose a shipping method."]);
    await updateCheckout(northDb, checkout, { shippingRateId: ids.northRate });
    checkout = (await findCheckout(northDb, token))!;
    pricing = await priceCheckout(northDb, checkout);
    // 2 × 12.50 + 4.50 = 29.50; 20 % tax = 5.90; total 35.40.
    expect([pricing.subtotal, pricing.shipping, pricing.tax, pricing.total]).toEqual([2500n, 450n, 590n, 3540n]);
    expect(pricing.problems).toEqual([]);
  });

  it("shows the tax inside prices that include it without adding it, in a zero-decimal currency", async () => {
    const token = await readyCheckout(southDb, ids.southMug, 1);
    await updateCheckout(southDb, (await findCheckout(southDb, token))!, { shippingRateId: ids.southRate });
    const pricing = await priceCheckout(southDb, (await findCheckout(southDb, token))!);
    // ¥1,800 + ¥700 = ¥2,500 with 10 % included: ¥2,500 − round(2,500 / 1.1) = ¥227.
    expect([pricing.subtotal, pricing.shipping, pricing.tax, pricing.total]).toEqual([1800n, 700n, 227n, 2500n]);
  });

  it("refuses a country the shop doesn't ship to, and applies a discount code with the admin's rules", async () => {
    const saved = await saveDiscount(
      northDb,
      SYSTEM_ACTOR,
      {
        code: "TENOFF",
        kind: "percentage",
        value: "10",
        appliesTo: "order",
        collectionIds: [],
        productIds: [],
        minSubtotal: "",
        usageLimit: "",
        perCustomerLimit: "",
        startsAt: "",
        endsAt: "",
      },
      { currency: "EUR", locale: "en-US" },
    );
    expect(saved.ok).toBe(true);
    const token = await readyCheckout(northDb, ids.northMug, 2);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { address: { ...ADDRESS, country: "FR" }, discountCode: "tenoff" });
    let pricing = await priceCheckout(northDb, (await findCheckout(northDb, token))!);
    expect(pricing.shippingProblem).toBe("This shop doesn't ship to France.");
    expect(pricing.discount?.amount).toBe(250n);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { discountCode: "NOPE" });
    pricing = await priceCheckout(northDb, (await findCheckout(northDb, token))!);
    expect(pricing.discount).toBeNull();
    expect(pricing.discountProblem).toMatch(/doesn't exist|not found|isn't valid/i);
    // The same code means nothing in the other shop.
    const southToken = await readyCheckout(southDb, ids.southMug, 1);
    await updateCheckout(southDb, (await findCheckout(southDb, southToken))!, { discountCode: "TENOFF" });
    expect((await priceCheckout(southDb, (await findCheckout(southDb, southToken))!)).discount).toBeNull();
  });
});

describe("paying through the test gateway", () => {
  it("a declined card and a processing error charge nothing, keep the cart and free the stock; a good card makes one paid order", async () => {
    const token = await readyCheckout(northDb, ids.northLamp, 2);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
    const before = await stockOf(northDb, ids.northLamp);
    const deps = depsFor(north, northDb);

    expect(await payWithTestCard(deps, token, "4000 0000 0000 0002")).toMatchObject({ kind: "declined" });
    expect(await payWithTestCard(deps, token, "4000000000000003")).toMatchObject({ kind: "failed" });
    expect(await payWithTestCard(deps, token, "12")).toMatchObject({ kind: "card" });
    expect(await northDb.selectFrom("orders").select("id").execute()).toEqual([]);
    expect(await northDb.selectFrom("stock_reservations").selectAll().execute()).toEqual([]);
    expect(await stockOf(northDb, ids.northLamp)).toBe(before);
    expect((await findCheckout(northDb, token))!.status).toBe("open");

    const paid = await payWithTestCard(deps, token, "4242424242424241");
    expect(paid.kind).toBe("paid");
    const order = await northDb.selectFrom("orders").selectAll().executeTakeFirstOrThrow();
    // 2 × 40.00 + 4.50 = 84.50, + 20 % = 16.90 → 101.40.
    expect(order).toMatchObject({ financial_status: "paid", currency: "EUR", subtotal: "8000", shipping_total: "450", tax_total: "1690", total: "10140" });
    expect(order.shipping_address).toMatchObject({ name: "Ada Lovelace", postal_code: "N1 1AA", country: "GB" });
    expect(await stockOf(northDb, ids.northLamp)).toBe(before - 2);
    expect(await northDb.selectFrom("cart_lines").select("id").execute()).toEqual([]);
    expect(await northDb.selectFrom("stock_reservations").selectAll().execute()).toEqual([]);
    const fee = await t.db.selectFrom("platform.fee_ledger").selectAll().where("shop_id", "=", north.id).executeTakeFirstOrThrow();
    const transaction = await northDb.selectFrom("order_transactions").selectAll().executeTakeFirstOrThrow();
    expect(fee).toMatchObject({ kind: "payment", source_id: transaction.reference, amount: "10140" });
    expect(transaction).toMatchObject({ kind: "sale", gateway: "test", amount: "10140", platform_fee: fee.fee });
    expect(BigInt(fee.fee)).toBeGreaterThan(0n);
    // Nothing reached the other shop.
    expect(await southDb.selectFrom("orders").select("id").execute()).toEqual([]);
    expect(await t.db.selectFrom("platform.fee_ledger").select("id").where("shop_id", "=", south.id).execute()).toEqual([]);
  });

  it("reopens a test-gateway checkout left processing by an interrupted request, so the shopper can go on", async () => {
    const shopper = new ShopperClient(app, "north.shops.test");
    await shopper.post("/cart", { variantId: ids.northMug, quantity: "1" });
    const checkoutPath = (await shopper.post("/cart", { intent: "checkout" })).headers.location!;
    const fields = { email: "ada@example.com", ...ADDRESS, shippingRateId: ids.northRate, discountCode: "" };
    await shopper.post(checkoutPath, { ...fields, intent: "update" });
    const token = checkoutPath.split("/").at(-1)!;
    // Payment started, then the request died before the card was charged.
    expect((await beginPayment(depsFor(north, northDb), token, "test")).kind).toBe("ready");
    const again = await shopper.post(checkoutPath, { ...fields, intent: "update" });
    expect(again.status).toBe(303);
    const checkout = (await findCheckout(northDb, token))!;
    expect(checkout.status).toBe("open");
    expect(await northDb.selectFrom("stock_reservations").select("variant_id").where("checkout_id", "=", checkout.id).execute()).toEqual([]);
    expect((await shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4242424242424241", expectedTotal: "2040" })).status).toBe(303);
  });

  it("refuses to charge a total the shopper didn't see", async () => {
    const token = await readyCheckout(northDb, ids.northMug, 1);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
    const result = await payWithTestCard(depsFor(north, northDb), token, "4242424242424241", { expectedTotal: "1500" });
    expect(result).toEqual({ kind: "invalid", problems: ["The total is now €20.40: check it, then pay."] });
    expect(await northDb.selectFrom("orders").select("id").execute()).toEqual([]);
  });
});

describe("stock reservations", () => {
  it("200 concurrent checkouts for the last 10 units make exactly 10 paid orders and 190 sold-out answers", async () => {
    const product = await createProduct(northDb, { title: "Last Ten", handle: "last-ten", variants: [variant([], 1000, { inventoryQuantity: 10 })] });
    const variantId = await variantOf(northDb, product.id);
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) {
      const token = await readyCheckout(northDb, variantId, 1, `buyer${i}@example.com`);
      await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
      tokens.push(token);
    }
    const deps = depsFor(north, northDb);
    const results = await Promise.all(tokens.map((token) => payWithTestCard(deps, token, "4242424242424241")));
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === "paid")).toHaveLength(10);
    expect(kinds.filter((k) => k === "sold_out")).toHaveLength(190);
    expect(results.find((r) => r.kind === "sold_out")).toEqual({ kind: "sold_out", titles: ["Last Ten"] });
    expect(await stockOf(northDb, variantId)).toBe(0);
    const orders = await northDb.selectFrom("order_lines").select("order_id").where("variant_id", "=", variantId).execute();
    expect(orders).toHaveLength(10);
  });

  it("holds stock while a payment is under way and lets it go when the reservation expires", async () => {
    const product = await createProduct(northDb, { title: "Only One", handle: "only-one", variants: [variant([], 1000, { inventoryQuantity: 1 })] });
    const variantId = await variantOf(northDb, product.id);
    const first = await readyCheckout(northDb, variantId, 1, "first@example.com");
    const second = await readyCheckout(northDb, variantId, 1, "second@example.com");
    for (const token of [first, second]) await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
    const deps = depsFor(north, northDb);
    const now = new Date();
    expect((await beginPayment(deps, first, "stripe", { now })).kind).toBe("ready");
    expect(await beginPayment(deps, second, "stripe", { now })).toEqual({ kind: "sold_out", titles: ["Only One"] });
    const later = new Date(now.getTime() + (RESERVATION_MINUTES + 1) * 60_000);
    expect((await beginPayment(deps, second, "stripe", { now: later })).kind).toBe("ready");
  });

  it("the maintenance sweep deletes expired reservation rows shop by shop, keeps live ones, and a late payment is still flagged", async () => {
    const expiredToken = await readyCheckout(northDb, ids.northMug, 2, "late@example.com");
    const liveToken = await readyCheckout(southDb, ids.southMug, 1, "live@example.com");
    await updateCheckout(northDb, (await findCheckout(northDb, expiredToken))!, { shippingRateId: ids.northRate });
    await updateCheckout(southDb, (await findCheckout(southDb, liveToken))!, { shippingRateId: ids.southRate });
    const longAgo = new Date(Date.now() - (RESERVATION_MINUTES + 5) * 60_000);
    const expired = await beginPayment(depsFor(north, northDb), expiredToken, "stripe", { now: longAgo });
    const live = await beginPayment(depsFor(south, southDb), liveToken, "stripe");
    if (expired.kind !== "ready" || live.kind !== "ready") throw new Error("payments didn't start");

    const swept = await runMaintenance(t.db, { data: { task: "purge-expired-shopper-records" } });
    expect((swept as { reservations: number }).reservations).toBeGreaterThanOrEqual(1);
    expect(await northDb.selectFrom("stock_reservations").select("checkout_id").where("checkout_id", "=", expired.checkoutId).execute()).toEqual([]);
    expect(await southDb.selectFrom("stock_reservations").select(["checkout_id", "quantity"]).where("checkout_id", "=", live.checkoutId).execute()).toEqual([
      { checkout_id: live.checkoutId, quantity: 1 },
    ]);

    const paid = await completeCheckoutPayment(depsFor(north, northDb), expired.checkoutId, {
      gateway: "stripe",
      paymentId: "pi_after_expiry",
      amount: expired.amount,
      currency: "eur",
    });
    const events = await northDb.selectFrom("order_events").select("kind").where("order_id", "=", paid.orderId).execute();
    expect(events.map((e) => e.kind)).toContain("stock");
  });
});

describe("completing a payment", () => {
  it("makes exactly one order when the webhook and the shopper's return race", async () => {
    const token = await readyCheckout(northDb, ids.northMug, 3);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
    const deps = depsFor(north, northDb);
    const started = await beginPayment(deps, token, "stripe");
    if (started.kind !== "ready") throw new Error(started.kind);
    const payment = { gateway: "stripe" as const, paymentId: "pi_race", amount: started.amount, currency: "eur" };
    const results = await Promise.all([1, 2, 3, 4].map(() => completeCheckoutPayment(deps, started.checkoutId, payment)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.number)).size).toBe(1);
    expect(await northDb.selectFrom("orders").select("id").execute()).toHaveLength(1);
    expect(await t.db.selectFrom("platform.fee_ledger").select("id").where("source_id", "=", "pi_race").execute()).toHaveLength(1);
    const mail = readMailDir(mailDir).filter((m) => m.subject.includes(`#${results[0].number}`));
    expect(mail.map((m) => m.to).sort()).toEqual(["owner@example.com", "shopper@example.com"]);
  });

  it("refuses a payment whose amount isn't the checkout's total", async () => {
    const token = await readyCheckout(northDb, ids.northMug, 1);
    await updateCheckout(northDb, (await findCheckout(northDb, token))!, { shippingRateId: ids.northRate });
    const deps = depsFor(north, northDb);
    const started = await beginPayment(deps, token, "stripe");
    if (started.kind !== "ready") throw new Error(started.kind);
    await expect(
      completeCheckoutPayment(deps, started.checkoutId, { gateway: "stripe", paymentId: "pi_short", amount: started.amount - 1n, currency: "EUR" }),
    ).rejects.toThrow(/expected/);
    expect(await northDb.selectFrom("orders").select("id").execute()).toEqual([]);
  });
});

describe("checkout in the browser's terms (HTTP)", () => {
  it("goes from the cart to a thank-you page with the order number; the token works on its own shop only", async () => {
    const shopper = new ShopperClient(app, "north.shops.test");
    await shopper.post("/cart", { variantId: ids.northMug, quantity: "1" });
    const opened = await shopper.post("/cart", { intent: "checkout" });
    expect(opened.status).toBe(303);
    const checkoutPath = opened.headers.location!;
    expect(checkoutPath).toMatch(/^\/checkouts\/[A-Za-z0-9_-]{20,}$/);
    expect((await new ShopperClient(app, "south.shops.test").get(checkoutPath)).status).toBe(404);

    const fields = { email: "ada@example.com", ...ADDRESS, shippingRateId: ids.northRate, discountCode: "" };
    const updated = await shopper.post(checkoutPath, { ...fields, intent: "update" });
    expect(updated.status).toBe(303);
    const page = await shopper.get(checkoutPath);
    expect(page.body).toContain("Pay €20.40");

    const declined = await shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4000000000000002", expectedTotal: "2040" });
    expect(declined.status).toBe(400);
    expect(declined.body).toContain("Your card was declined.");

    const paid = await shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4242424242424241", expectedTotal: "2040" });
    expect(paid.status).toBe(303);
    const status = await shopper.get(paid.headers.location!);
    expect(status.status).toBe(200);
    expect(status.body).toContain("Thank you, Ada!");
    const order = await northDb.selectFrom("orders").select(["number", "status_token"]).where("email", "=", "ada@example.com").executeTakeFirstOrThrow();
    expect(paid.headers.location).toBe(`/orders/${order.status_token}`);
    expect(status.body).toContain(`Order #${order.number}`);
    // The link works from anywhere on this shop, and nowhere else.
    expect((await new ShopperClient(app, "north.shops.test").get(paid.headers.location!)).status).toBe(200);
    expect((await new ShopperClient(app, "south.shops.test").get(paid.headers.location!)).status).toBe(404);
    // Going back to the paid checkout leads to the order.
    expect((await shopper.get(checkoutPath)).headers.location).toBe(paid.headers.location);
  });

  it("a paused shop keeps its cart but closes checkout with a friendly message", async () => {
    const byOwner = {
      actor: { kind: "merchant" as const, email: "owner@example.com" },
      platformOrigin: "http://bazaar.test",
      send: async () => "sent" as const,
      registry: app.services.registry,
    };
    await changeShopStatus(t.db, south.id, "pause", byOwner);
    try {
      const shopper = new ShopperClient(app, "south.shops.test");
      await shopper.post("/cart", { variantId: ids.southMug, quantity: "1" });
      const cart = await shopper.get("/cart");
      expect(cart.body).toContain("South Goods isn&#x27;t taking orders right now");
      expect(cart.body).not.toContain(">Check out<");
      const refused = await shopper.post("/cart", { intent: "checkout" });
      expect(refused.status).toBe(400);
      // An address saved before the pause is closed too.
      const token = await readyCheckout(southDb, ids.southMug);
      const page = await shopper.post(`/checkouts/${token}`, { intent: "pay", card: "4242424242424241" });
      expect(page.status).toBe(503);
      expect(page.body).toContain("South Goods is not taking orders right now.");
      expect(await southDb.selectFrom("orders").select("id").execute()).toEqual([]);
    } finally {
      await changeShopStatus(t.db, south.id, "resume", byOwner);
    }
  });
});

describe("after the sale: the merchant fulfils, refunds and cancels", () => {
  async function paidOrder(db: TenantDb, shop: Shop, variantId: string, rate: string, quantity: number) {
    const token = await readyCheckout(db, variantId, quantity);
    await updateCheckout(db, (await findCheckout(db, token))!, { shippingRateId: rate });
    const paid = await payWithTestCard(depsFor(shop, db), token, "4242424242424241");
    if (paid.kind !== "paid") throw new Error(paid.kind);
    return db.selectFrom("orders").selectAll().where("status_token", "=", paid.statusToken).executeTakeFirstOrThrow();
  }

  it("refunds part of an order once per form post, restocks what was chosen and gives back the same share of the fee", async () => {
    const cookie = await logIn(app, "owner@example.com", "correct horse");
    const order = await paidOrder(northDb, north, ids.northLamp, ids.northRate, 2);
    const stock = await stockOf(northDb, ids.northLamp);
    const line = await northDb.selectFrom("order_lines").select("id").where("order_id", "=", order.id).executeTakeFirstOrThrow();
    const page = await adminGet(app, cookie, `/admin/north/orders/${order.number}`);
    const requestKey = inputValue(page.body, "requestKey")!;
    const refund = { intent: "refund", requestKey, amount: "40.00", [`restock-${line.id}`]: "1" };

    const tooMuch = await adminPost(app, cookie, `/admin/north/orders/${order.number}`, { ...refund, amount: "500" });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toContain("At most €101.40 can still be refunded.");
    const done = await adminPost(app, cookie, `/admin/north/orders/${order.number}`, refund);
    expect(done.status).toBe(200);
    expect((await adminPost(app, cookie, `/admin/north/orders/${order.number}`, refund)).body).toContain("This was already done.");

    const after = await northDb.selectFrom("orders").select("financial_status").where("id", "=", order.id).executeTakeFirstOrThrow();
    expect(after.financial_status).toBe("partially_refunded");
    expect(await stockOf(northDb, ids.northLamp)).toBe(stock + 1);
    const refunds = await northDb.selectFrom("order_transactions").selectAll().where("order_id", "=", order.id).where("kind", "=", "refund").execute();
    expect(refunds).toHaveLength(1);
    const sale = await northDb
      .selectFrom("order_transactions")
      .selectAll()
      .where("order_id", "=", order.id)
      .where("kind", "=", "sale")
      .executeTakeFirstOrThrow();
    expect(refunds[0].amount).toBe("4000");
    expect(BigInt(refunds[0].platform_fee)).toBe((BigInt(sale.platform_fee) * 4000n) / 10140n);
    const ledger = await t.db.selectFrom("platform.fee_ledger").selectAll().where("source_id", "=", refunds[0].reference).executeTakeFirstOrThrow();
    expect(ledger).toMatchObject({ kind: "refund", shop_id: north.id, amount: "4000", fee: refunds[0].platform_fee });
    // The same order number in the other shop's admin is not this order.
    expect((await adminPost(app, cookie, `/admin/south/orders/${order.number}`, { ...refund, amount: "40" })).status).toBe(404);
  });

  it("ships with a tracking number and emails the shopper; cancelling refunds the rest and restocks everything", async () => {
    const cookie = await logIn(app, "owner@example.com", "correct horse");
    const order = await paidOrder(northDb, north, ids.northMug, ids.northRate, 3);
    const stock = await stockOf(northDb, ids.northMug);
    const shipped = await adminPost(app, cookie, `/admin/north/orders/${order.number}`, {
      intent: "fulfil",
      carrier: "Royal Mail",
      trackingNumber: "RM123456789GB",
      notify: "1",
    });
    expect(shipped.status).toBe(200);
    const mail = readMailDir(mailDir).filter((m) => m.subject === `Order #${order.number} is on its way`);
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain("Royal Mail tracking number: RM123456789GB");
    expect(mail[0].text).toContain(`http://north.shops.test/orders/${order.status_token}`);

    const page = await adminGet(app, cookie, `/admin/north/orders/${order.number}`);
    const cancelled = await adminPost(app, cookie, `/admin/north/orders/${order.number}`, {
      intent: "cancel",
      requestKey: inputValue(page.body, "requestKey")!,
    });
    expect(cancelled.status).toBe(200);
    const after = await northDb.selectFrom("orders").select(["financial_status", "cancelled_at"]).where("id", "=", order.id).executeTakeFirstOrThrow();
    expect(after.financial_status).toBe("refunded");
    expect(after.cancelled_at).not.toBeNull();
    expect(await stockOf(northDb, ids.northMug)).toBe(stock + 3);
    const refunded = await northDb.selectFrom("order_transactions").select("amount").where("order_id", "=", order.id).where("kind", "=", "refund").execute();
    expect(refunded.map((r) => r.amount)).toEqual([order.total]);
  });

  it("lets staff fulfil but not refund", async () => {
    await addMember(t.db, "staff@example.com", north, "staff");
    const cookie = await logIn(app, "staff@example.com", PASSWORD);
    const order = await paidOrder(northDb, north, ids.northMug, ids.northRate, 1);
    const page = await adminGet(app, cookie, `/admin/north/orders/${order.number}`);
    expect(page.body).not.toContain("Cancel order");
    expect((await adminPost(app, cookie, `/admin/north/orders/${order.number}`, { intent: "refund", requestKey: "abcdefghijkl", amount: "1" })).status).toBe(
      403,
    );
    expect((await adminPost(app, cookie, `/admin/north/orders/${order.number}`, { intent: "fulfil" })).status).toBe(200);
  });
});

describe("abandoned checkout reminders", () => {
  it("schedules one delayed reminder for a shopper who consented, sends it once, and never after they pay", async () => {
    await northDb.updateTable("settings").set({ abandoned_checkout_minutes: 60 }).execute();
    try {
      const shopper = new ShopperClient(app, "north.shops.test");
      await shopper.post("/cart", { variantId: ids.northMug, quantity: "1" });
      const checkoutPath = (await shopper.post("/cart", { intent: "checkout" })).headers.location!;
      await shopper.post(checkoutPath, { intent: "update", email: "later@example.com", marketingConsent: "1", ...ADDRESS });
      const checkout = (await findCheckout(northDb, checkoutPath.split("/").at(-1)))!;
      const queue = openQueue<CheckoutReminderJob>(app.services.jobs, CHECKOUT_REMINDERS_QUEUE);
      try {
        // The request schedules it without waiting for the job store.
        await expect.poll(async () => Boolean(await queue.getJob(`checkout-${north.id}-${checkout.id}`))).toBe(true);
        const scheduled = (await queue.getJob(`checkout-${north.id}-${checkout.id}`))!;
        expect(scheduled.data).toEqual({ shopId: north.id, checkoutId: checkout.id });
        expect(scheduled.opts.delay).toBe(60 * 60_000);
        await scheduled.remove();
      } finally {
        await queue.close();
      }

      const deps = depsFor(north, northDb);
      expect(await sendCheckoutReminder(deps, checkout.id)).toBe(true);
      expect(await sendCheckoutReminder(deps, checkout.id)).toBe(false);
      const reminder = readMailDir(mailDir).filter((m) => m.to === "later@example.com");
      expect(reminder).toHaveLength(1);
      expect(reminder[0].text).toContain(`http://north.shops.test${checkoutPath}`);

      // No consent, no reminder; a paid checkout, no reminder.
      const quiet = await readyCheckout(northDb, ids.northMug, 1, "quiet@example.com");
      expect(await reminderDelay(northDb, (await findCheckout(northDb, quiet))!)).toBeNull();
      await updateCheckout(northDb, (await findCheckout(northDb, quiet))!, { marketingConsent: true, shippingRateId: ids.northRate });
      expect(await reminderDelay(northDb, (await findCheckout(northDb, quiet))!)).toBe(60 * 60_000);
      expect((await payWithTestCard(deps, quiet, "4242424242424241")).kind).toBe("paid");
      expect(await sendCheckoutReminder(deps, (await findCheckout(northDb, quiet))!.id)).toBe(false);
      // The other shop has reminders off.
      expect(await reminderDelay(southDb, { email: "a@example.com", marketing_consent: true, status: "open" })).toBeNull();
    } finally {
      await northDb.updateTable("settings").set({ abandoned_checkout_minutes: null }).execute();
    }
  });
});
