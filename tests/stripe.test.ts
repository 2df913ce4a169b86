import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { runMaintenance } from "../jobs/processors/maintenance.server.ts";
import {
  processStripeEvent,
  startStripeEventWorker,
  STRIPE_EVENTS_QUEUE,
  type StripeEventDeps,
  type StripeEventJob,
} from "../jobs/processors/stripe-events.server.ts";
import { jobStore, openQueue } from "../jobs/queues.server.ts";
import { readConfig } from "../server/config.ts";
import { stripeFromEnv } from "../server/stripe.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { createShippingRate, createShippingZone } from "../shop/settings.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { changeShopStatus } from "../tenants/lifecycle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, inputValue, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { waitFor } from "./support/wait.ts";
import { FakeStripe, stripeError } from "./support/fake-stripe.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { deliverWebhook, type WebhookEndpoint } from "./support/stripe-webhooks.ts";
import { addMember, PASSWORD } from "./support/sales.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

// Two shops paid into two different connected accounts, against the fake Stripe server through the real SDK.
const SECRETS = { platform: "whsec_platform_test", connect: "whsec_connect_test", thin: "whsec_thin_test" };
let t: TestDatabase;
let app: TestApp;
let fake: FakeStripe;
let deps: StripeEventDeps;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: string;
const accountOf: Record<string, string> = {};
const variants: Record<string, string> = {};
const rates: Record<string, string> = {};
const ADDRESS = { name: "Ada Lovelace", line1: "1 Analytical Way", line2: "", city: "London", region: "", postalCode: "N1 1AA", country: "GB", phone: "" };

beforeAll(async () => {
  process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "bazaar-stripe-mail-"));
  fake = await new FakeStripe().start();
  t = await createTestDatabase();
  const user = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North Goods", ownerId: user.id });
  south = await provisionShop(t.db, { slug: "south", name: "South Goods", ownerId: user.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  for (const [shop, db, currency, price] of [
    [north, northDb, "EUR", 2000],
    [south, southDb, "GBP", 3000],
  ] as const) {
    await db.updateTable("settings").set({ currency }).execute();
    const product = await createProduct(db, { title: "Lamp", handle: "lamp", variants: [variant([], price, { inventoryQuantity: 20 })] });
    variants[shop.slug] = (await db.selectFrom("variants").select("id").where("product_id", "=", product.id).executeTakeFirstOrThrow()).id;
    const zone = await createShippingZone(db, SYSTEM_ACTOR, { name: "UK", countries: "GB" });
    rates[shop.slug] = await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Post", price: "5", minSubtotal: "" });
    await launch(db);
  }
  app = await startTestApp(t.url, fake.env(SECRETS));
  deps = {
    db: t.db,
    stripe: stripeFromEnv(fake.env(SECRETS))!,
    config: readConfig({ PLATFORM_HOST: "bazaar.test", STORE_DOMAIN: "shops.test" }),
    deliverMail: app.services.deliverMail,
  };
  owner = await logIn(app, "owner@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
  await t?.drop();
});

function deliver(endpoint: WebhookEndpoint, delivery: { payload: string; signature?: string }) {
  return deliverWebhook(app, endpoint, delivery);
}

/** Delivers a signed event, then runs the job the endpoint queued (the worker's own function). */
async function deliverAndProcess(endpoint: WebhookEndpoint, delivery: { payload: string; signature: string }): Promise<string> {
  const res = await deliver(endpoint, delivery);
  expect(res.status).toBe(200);
  return processStripeEvent(deps, (JSON.parse(delivery.payload) as { id: string }).id);
}

async function connect(shop: Shop) {
  const res = await adminPost(app, owner, `/admin/${shop.slug}/payments`, { intent: "connect", country: "GB" });
  expect(res.status).toBe(303);
  accountOf[shop.slug] = (
    await t.db.selectFrom("platform.stripe_accounts").select("account_id").where("shop_id", "=", shop.id).executeTakeFirstOrThrow()
  ).account_id;
}

/** A shopper with a filled-in checkout for one lamp; returns the client and the checkout's address. */
async function shopperAtPayment(shop: Shop) {
  const shopper = new ShopperClient(app, `${shop.slug}.shops.test`);
  await shopper.post("/cart", { variantId: variants[shop.slug], quantity: "1" });
  const checkoutPath = (await shopper.post("/cart", { intent: "checkout" })).headers.location!;
  const fields = { email: "ada@example.com", ...ADDRESS, shippingRateId: rates[shop.slug], discountCode: "" };
  expect((await shopper.post(checkoutPath, { ...fields, intent: "update" })).status).toBe(303);
  return { shopper, checkoutPath, fields };
}

describe("connecting a shop to Stripe (Accounts v2)", () => {
  it("creates one v2 account with the merchant and customer configurations, and opens onboarding", async () => {
    const page = await adminGet(app, owner, "/admin/north/payments");
    expect(page.body).toContain("Set up payments");
    await connect(north);
    await adminPost(app, owner, "/admin/north/payments", { intent: "connect", country: "GB" });
    const created = fake.sent("POST", "/v2/core/accounts");
    expect(created).toHaveLength(1);
    expect(created[0].idempotencyKey).toBe(`bazaar-shop-${north.id}-account`);
    expect(created[0].params).toMatchObject({
      display_name: "North Goods",
      contact_email: "owner@example.com",
      dashboard: "full",
      identity: { country: "gb" },
      defaults: { responsibilities: { fees_collector: "stripe", losses_collector: "stripe" } },
      configuration: { merchant: { capabilities: { card_payments: { requested: true } } }, customer: {} },
    });

    const state = await adminGet(app, owner, "/admin/north/payments");
    expect(state.body).toContain("Not accepting payments yet: checkout stays closed");
    expect(state.body).toContain("Bank account for payouts");

    const session = await adminPost(app, owner, "/admin/north/payments/session", {});
    expect(JSON.parse(session.body)).toEqual({ clientSecret: `accs_secret_${accountOf.north}` });
    expect(fake.sent("POST", "/v1/account_sessions").at(-1)!.params).toMatchObject({
      account: accountOf.north,
      components: {
        account_onboarding: { enabled: "true" },
        payments: { enabled: "true" },
        payouts: { enabled: "true" },
        notification_banner: { enabled: "true" },
      },
    });
    const link = await adminPost(app, owner, "/admin/north/payments", { intent: "link" });
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe(`https://connect.stripe.com/setup/${accountOf.north}`);
    expect(fake.sent("POST", "/v2/core/account_links").at(-1)!.params).toMatchObject({
      account: accountOf.north,
      use_case: { type: "account_onboarding", account_onboarding: { return_url: "http://bazaar.test/admin/north/payments?from-stripe=1" } },
    });
  });

  it("is the owner's alone", async () => {
    await addMember(t.db, "admin@example.com", north, "admin");
    const admin = await logIn(app, "admin@example.com", PASSWORD);
    expect((await adminGet(app, admin, "/admin/north/payments")).status).toBe(403);
    expect((await adminPost(app, admin, "/admin/north/payments", { intent: "link" })).status).toBe(403);
  });

  it("keeps checkout closed until Stripe says the account can take charges, learned from a thin event", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    const closed = await shopper.post(checkoutPath, { ...fields, intent: "pay" });
    expect(closed.status).toBe(400);
    expect(closed.body).toContain("This shop can&#x27;t take payments yet.");
    expect(fake.sent("POST", "/v1/payment_intents")).toHaveLength(0);

    fake.setAccountState(accountOf.north, { charges: true, payouts: true });
    const event = fake.signedThinEvent(SECRETS.thin, {
      id: "evt_thin_1",
      type: "v2.core.account[configuration.merchant].capability_status_updated",
      accountId: accountOf.north,
    });
    expect(await deliverAndProcess("/thin", event)).toBe("account_refreshed");
    const stored = await t.db.selectFrom("platform.stripe_accounts").selectAll().where("shop_id", "=", north.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true });
    // South has no account: its state is untouched.
    expect(await t.db.selectFrom("platform.stripe_accounts").select("shop_id").where("shop_id", "=", south.id).execute()).toEqual([]);
  });
});

describe("webhook endpoints", () => {
  it("refuse a missing or bad signature and another endpoint's secret, and store a duplicate once", async () => {
    const event = fake.signedEvent(SECRETS.connect, { id: "evt_dup_1", type: "charge.succeeded", account: "acct_unknown", data: { object: { id: "ch_1" } } });
    expect((await deliver("/connect", { payload: event.payload })).status).toBe(400);
    expect((await deliver("/connect", { payload: event.payload, signature: "t=1,v1=deadbeef" })).status).toBe(400);
    expect((await deliver("/thin", event)).status).toBe(400);
    expect((await deliver("", event)).status).toBe(400);
    expect((await deliver("/connect", event)).status).toBe(200);
    expect((await deliver("/connect", event)).status).toBe(200);
    expect(await t.db.selectFrom("platform.stripe_events").select("id").where("id", "=", "evt_dup_1").execute()).toHaveLength(1);
    expect(await processStripeEvent(deps, "evt_dup_1")).toBe("unknown_account");
    // Processing again (a redelivered job) changes nothing.
    expect(await processStripeEvent(deps, "evt_dup_1")).toBe("unknown_account");
  });

  it("drop a thin event for an account that isn't one of ours", async () => {
    const event = fake.signedThinEvent(SECRETS.thin, { id: "evt_thin_unknown", type: "v2.core.account.updated", accountId: "acct_someoneelse" });
    expect(await deliverAndProcess("/thin", event)).toBe("unknown_account");
  });
});

describe("events stored but never processed", () => {
  it("get their job again from the maintenance sweep: a lost job is added, a failed one retried, a young one left alone", async () => {
    // A job store of this test's own: what the endpoint queued elsewhere is as good as lost here.
    const store = jobStore({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/1", databaseUrl: t.url, prefix: `bazaar-stripe-test-${process.pid}` });
    const queue = openQueue<StripeEventJob>(store, STRIPE_EVENTS_QUEUE);
    await queue.obliterate({ force: true });
    const worker = startStripeEventWorker(store, t.db, deps.stripe)!;
    const refundedEvent = (id: string) =>
      fake.signedEvent(SECRETS.connect, {
        id,
        type: "charge.refunded",
        account: accountOf.north,
        data: { object: { id: "ch_x", object: "charge", payment_intent: "pi_nobody" } },
      });
    const processed = async (id: string) =>
      (await t.db.selectFrom("platform.stripe_events").select("outcome").where("id", "=", id).where("processed_at", "is not", null).executeTakeFirst())
        ?.outcome;
    const age = (id: string, minutes: number) =>
      t.db
        .updateTable("platform.stripe_events")
        .set({ received_at: new Date(Date.now() - minutes * 60_000) })
        .where("id", "=", id)
        .execute();
    // Stripe answers errors for a while: the failed event's one attempt gives up.
    const outage = fake.on("GET", "/v1/refunds", () => stripeError(500, "api_error", "Stripe is down"));
    try {
      // Stored, but their jobs were lost (a job-store outage when they arrived).
      for (const id of ["evt_lost_old", "evt_lost_young"]) expect((await deliver("/connect", refundedEvent(id))).status).toBe(200);
      await age("evt_lost_old", 30);
      // Stored, and its job failed for good.
      expect((await deliver("/connect", refundedEvent("evt_failed"))).status).toBe(200);
      await queue.add("process", { eventId: "evt_failed" }, { jobId: "stripe-evt_failed", attempts: 1 });
      await waitFor(async () => ((await (await queue.getJob("stripe-evt_failed"))?.getState()) === "failed" ? true : undefined));
      await age("evt_failed", 30);
    } finally {
      outage();
    }
    try {
      const swept = await runMaintenance(t.db, { data: { task: "requeue-stripe-events" } }, store);
      expect((swept as { requeued: string[] }).requeued.sort()).toEqual(["evt_failed", "evt_lost_old"]);
      expect(await waitFor(() => processed("evt_lost_old"))).toBe("refund_unknown_order");
      expect(await waitFor(() => processed("evt_failed"))).toBe("refund_unknown_order");
      expect(await processed("evt_lost_young")).toBeUndefined();
      // Processed events are never queued again.
      expect(await runMaintenance(t.db, { data: { task: "requeue-stripe-events" } }, store)).toEqual({ requeued: [] });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe("paying through Stripe", () => {
  it("creates a direct charge on the shop's account with the platform fee, completes one order on return and webhook alike", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    const started = await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "2500" });
    expect(started.status).toBe(200);
    const create = fake.sent("POST", "/v1/payment_intents").at(-1)!;
    expect(create.stripeAccount).toBe(accountOf.north);
    expect(create.idempotencyKey).toMatch(new RegExp(`^bazaar-checkout-${north.id}-\\d+-\\d+$`));
    const plan = await t.db.selectFrom("platform.plans").select("fee_bp").where("id", "=", north.plan).executeTakeFirstOrThrow();
    expect(create.params).toMatchObject({
      amount: "2500",
      currency: "eur",
      automatic_payment_methods: { enabled: "true" },
      application_fee_amount: String(Math.round((2500 * plan.fee_bp) / 10_000)),
    });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    expect(started.body).toContain(`${intentId}_secret_x`);

    fake.setPaymentIntentStatus(intentId, "succeeded");
    const back = await shopper.get(`${checkoutPath}/return?payment_intent=${intentId}`);
    expect(back.status).toBe(302);
    expect(back.headers.location).toMatch(/^\/orders\//);
    const event = fake.signedEvent(SECRETS.connect, {
      id: "evt_pi_ok",
      type: "payment_intent.succeeded",
      account: accountOf.north,
      data: { object: { id: intentId } },
    });
    expect(await deliverAndProcess("/connect", event)).toBe("payment_paid");
    const orders = await northDb.selectFrom("order_transactions").select(["reference", "gateway", "amount"]).where("reference", "=", intentId).execute();
    expect(orders).toEqual([{ reference: intentId, gateway: "stripe", amount: "2500" }]);
    expect(await t.db.selectFrom("platform.fee_ledger").select("id").where("source_id", "=", intentId).execute()).toHaveLength(1);
  });

  it("ignores an older event that arrives after a newer one: a late failure can't reopen a paid checkout", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "2500" });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    fake.setPaymentIntentStatus(intentId, "succeeded");
    const succeeded = fake.signedEvent(SECRETS.connect, {
      id: "evt_order_2",
      type: "payment_intent.succeeded",
      account: accountOf.north,
      data: { object: { id: intentId } },
    });
    expect(await deliverAndProcess("/connect", succeeded)).toBe("payment_paid");
    // An earlier attempt's failure, delivered late: Stripe says the intent succeeded, so nothing changes.
    const lateFailure = fake.signedEvent(SECRETS.connect, {
      id: "evt_order_1",
      type: "payment_intent.payment_failed",
      account: accountOf.north,
      data: { object: { id: intentId, status: "requires_payment_method" } },
    });
    expect(await deliverAndProcess("/connect", lateFailure)).toBe("payment_paid");
    const checkout = await northDb.selectFrom("checkouts").select(["status", "order_id"]).where("payment_id", "=", intentId).executeTakeFirstOrThrow();
    expect(checkout.status).toBe("completed");
    expect(await northDb.selectFrom("order_transactions").select("id").where("reference", "=", intentId).execute()).toHaveLength(1);
    // The paid order's status page answers.
    const account = await shopper.get(
      `/orders/${(await northDb.selectFrom("orders").select("status_token").where("id", "=", checkout.order_id!).executeTakeFirstOrThrow()).status_token}`,
    );
    expect(account.status).toBe(200);
  });

  it("reopens the checkout and frees the stock when the payment fails", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "2500" });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    fake.setPaymentIntentStatus(intentId, "requires_payment_method", "Your card was declined.");
    const event = fake.signedEvent(SECRETS.connect, {
      id: "evt_pi_failed",
      type: "payment_intent.payment_failed",
      account: accountOf.north,
      data: { object: { id: intentId } },
    });
    expect(await deliverAndProcess("/connect", event)).toBe("payment_failed");
    const checkout = await northDb
      .selectFrom("checkouts")
      .select(["id", "status"])
      .where("payment_id", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(checkout.status).toBe("open");
    expect(await northDb.selectFrom("stock_reservations").select("variant_id").where("checkout_id", "=", checkout.id).execute()).toEqual([]);
  });

  it("pays two shops into two accounts, never crossing, and records a payment even for a shop suspended meanwhile", async () => {
    await connect(south);
    fake.setAccountState(accountOf.south, { charges: true, payouts: true });
    expect(
      await deliverAndProcess(
        "/thin",
        fake.signedThinEvent(SECRETS.thin, { id: "evt_thin_south", type: "v2.core.account.updated", accountId: accountOf.south }),
      ),
    ).toBe("account_refreshed");
    const { shopper, checkoutPath, fields } = await shopperAtPayment(south);
    await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "3500" });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    expect(fake.sent("POST", "/v1/payment_intents").at(-1)!.stripeAccount).toBe(accountOf.south);
    fake.setPaymentIntentStatus(intentId, "succeeded");
    // An event naming north's account for south's payment: Stripe doesn't know the intent there, so nothing happens.
    const crossed = fake.signedEvent(SECRETS.connect, {
      id: "evt_crossed",
      type: "payment_intent.succeeded",
      account: accountOf.north,
      data: { object: { id: intentId } },
    });
    await expect(deliverAndProcess("/connect", crossed)).rejects.toThrow(/No such payment_intent/);
    expect(await northDb.selectFrom("order_transactions").select("id").where("reference", "=", intentId).execute()).toEqual([]);

    const byOperator = {
      actor: { kind: "operator" as const, email: "ops@example.com" },
      reason: "Review",
      platformOrigin: "http://bazaar.test",
      send: async () => "sent" as const,
    };
    await changeShopStatus(t.db, south.id, "suspend", byOperator);
    try {
      const paid = fake.signedEvent(SECRETS.connect, {
        id: "evt_south_paid",
        type: "payment_intent.succeeded",
        account: accountOf.south,
        data: { object: { id: intentId } },
      });
      expect(await deliverAndProcess("/connect", paid)).toBe("payment_paid");
      expect(await southDb.selectFrom("order_transactions").select("amount").where("reference", "=", intentId).execute()).toEqual([{ amount: "3500" }]);
    } finally {
      await changeShopStatus(t.db, south.id, "reactivate", { ...byOperator, reason: "Cleared" });
    }
  });

  it("refunds through Stripe on the shop's account, and marks a disputed order", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "2500" });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    fake.setPaymentIntentStatus(intentId, "succeeded");
    await shopper.get(`${checkoutPath}/return?payment_intent=${intentId}`);
    const order = await northDb
      .selectFrom("orders as o")
      .innerJoin("order_transactions as t", "t.order_id", "o.id")
      .select(["o.id", "o.number"])
      .where("t.reference", "=", intentId)
      .executeTakeFirstOrThrow();
    const page = await adminGet(app, owner, `/admin/north/orders/${order.number}`);
    const refunded = await adminPost(app, owner, `/admin/north/orders/${order.number}`, {
      intent: "refund",
      requestKey: inputValue(page.body, "requestKey")!,
      amount: "10.00",
    });
    expect(refunded.status, refunded.body.match(/role="alert">([^<]*)/)?.[1]).toBe(200);
    const refund = fake.sent("POST", "/v1/refunds").at(-1)!;
    expect(refund.stripeAccount).toBe(accountOf.north);
    expect(refund.idempotencyKey).toMatch(/^bazaar-refund-/);
    expect(refund.params).toEqual({ payment_intent: intentId, amount: "1000", refund_application_fee: "true" });

    const dispute = fake.signedEvent(SECRETS.connect, {
      id: "evt_dispute",
      type: "charge.dispute.created",
      account: accountOf.north,
      data: { object: { id: "dp_1", object: "dispute", payment_intent: intentId, status: "needs_response", reason: "fraudulent" } },
    });
    expect(await deliverAndProcess("/connect", dispute)).toBe("dispute_recorded");
    const disputed = await northDb.selectFrom("orders").select("dispute_status").where("id", "=", order.id).executeTakeFirstOrThrow();
    expect(disputed.dispute_status).toBe("needs_response");
    expect((await adminGet(app, owner, `/admin/north/orders/${order.number}`)).body).toContain("Disputed: needs response");
  });

  it("mirrors refunds made in Stripe's Dashboard onto the order: partial ones, each once, in any order, with the fee's share back", async () => {
    const { shopper, checkoutPath, fields } = await shopperAtPayment(north);
    await shopper.post(checkoutPath, { ...fields, intent: "pay", expectedTotal: "2500" });
    const intentId = [...fake.paymentIntents.keys()].at(-1)!;
    fake.setPaymentIntentStatus(intentId, "succeeded");
    await shopper.get(`${checkoutPath}/return?payment_intent=${intentId}`);
    const sale = await northDb
      .selectFrom("order_transactions")
      .select(["order_id", "platform_fee"])
      .where("reference", "=", intentId)
      .executeTakeFirstOrThrow();
    const { number } = await northDb.selectFrom("orders").select("number").where("id", "=", sale.order_id).executeTakeFirstOrThrow();
    const refundedEvent = (id: string, account = accountOf.north) =>
      fake.signedEvent(SECRETS.connect, {
        id,
        type: "charge.refunded",
        account,
        data: { object: { id: `ch_${intentId}`, object: "charge", payment_intent: intentId } },
      });
    const refunds = () =>
      northDb
        .selectFrom("order_transactions")
        .select(["reference", "amount", "platform_fee"])
        .where("order_id", "=", sale.order_id)
        .where("kind", "=", "refund")
        .orderBy("id")
        .execute();
    const status = async () =>
      (await northDb.selectFrom("orders").select("financial_status").where("id", "=", sale.order_id).executeTakeFirstOrThrow()).financial_status;

    // The merchant refunds 10.00 in the admin (recorded then), then 5.00 in Stripe's Dashboard.
    const page = await adminGet(app, owner, `/admin/north/orders/${number}`);
    await adminPost(app, owner, `/admin/north/orders/${number}`, { intent: "refund", requestKey: inputValue(page.body, "requestKey")!, amount: "10.00" });
    const inDashboard = fake.refundInDashboard(intentId, 500);
    expect(await deliverAndProcess("/connect", refundedEvent("evt_refund_a"))).toBe("refund_recorded");
    const fee = BigInt(sale.platform_fee);
    expect((await refunds()).map((r) => [r.amount, r.platform_fee])).toEqual([
      ["1000", String((fee * 1000n) / 2500n)],
      ["500", String((fee * 500n) / 2500n)],
    ]);
    expect(await status()).toBe("partially_refunded");
    const ledger = await t.db
      .selectFrom("platform.fee_ledger")
      .select(["amount", "fee"])
      .where("source_id", "=", inDashboard.id as string)
      .execute();
    expect(ledger).toEqual([{ amount: "500", fee: String((fee * 500n) / 2500n) }]);

    // A redelivery, and another event about the same refunds, add nothing.
    expect(await deliverAndProcess("/connect", refundedEvent("evt_refund_a"))).toBe("refund_recorded");
    expect(await deliverAndProcess("/connect", refundedEvent("evt_refund_a2"))).toBe("refund_unchanged");
    // A pending refund counts, a failed one doesn't; the newer event arriving first records both refunds it knows.
    fake.refundInDashboard(intentId, 300, "failed");
    fake.refundInDashboard(intentId, 1000, "pending");
    const newer = refundedEvent("evt_refund_c");
    const older = refundedEvent("evt_refund_b");
    expect(await deliverAndProcess("/connect", newer)).toBe("refund_recorded");
    expect(await deliverAndProcess("/connect", older)).toBe("refund_unchanged");
    expect((await refunds()).map((r) => r.amount)).toEqual(["1000", "500", "1000"]);
    expect(await status()).toBe("refunded");
    expect((await adminGet(app, owner, `/admin/north/orders/${number}`)).body).toContain("Refunded €10.00 in Stripe.");

    // The same event claimed by south's account: Stripe has no refunds there for it, and south has no such order.
    expect(await deliverAndProcess("/connect", refundedEvent("evt_refund_crossed", accountOf.south))).toBe("refund_unknown_order");
    expect(await southDb.selectFrom("order_transactions").select("id").where("kind", "=", "refund").execute()).toEqual([]);
  });
});
