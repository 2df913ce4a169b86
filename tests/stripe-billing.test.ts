import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan, Shop } from "../db/types.ts";
import { processStripeEvent, type StripeEventDeps } from "../jobs/processors/stripe-events.server.ts";
import { readConfig } from "../server/config.ts";
import { stripeFromEnv } from "../server/stripe.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { connectShopAccount } from "../tenants/stripe-accounts.server.ts";
import { adminGet, adminPost, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { FakeStripe } from "./support/fake-stripe.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

// Merchants paying for their plan with Stripe Billing, on their shop's own connected account (customer_account).
const SECRETS = { platform: "whsec_platform_billing", connect: "whsec_connect_billing", thin: "whsec_thin_billing" };
let t: TestDatabase;
let app: TestApp;
let fake: FakeStripe;
let deps: StripeEventDeps;
let north: Shop;
let south: Shop;
let account: string;
let owner: string;
let plans: Plan[];

beforeAll(async () => {
  fake = await new FakeStripe().start();
  t = await createTestDatabase();
  const user = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: user.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: user.id });
  const stripe = stripeFromEnv(fake.env(SECRETS))!;
  account = await connectShopAccount(t.db, stripe.client, north, { email: "owner@example.com", country: "US" }, false);
  plans = await t.db.selectFrom("platform.plans").selectAll().orderBy("monthly_price").execute();
  app = await startTestApp(t.url, fake.env(SECRETS));
  deps = { db: t.db, stripe, config: readConfig({ PLATFORM_HOST: "bazaar.test", STORE_DOMAIN: "shops.test" }), deliverMail: app.services.deliverMail };
  owner = await logIn(app, "owner@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
  await t?.drop();
});

function deliver(payload: string, signature: string) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: app.port, path: "/webhooks/stripe", method: "POST", headers: { host: "bazaar.test", "stripe-signature": signature } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function billingEvent(id: string, type: string, object: Record<string, unknown>): Promise<string> {
  const event = fake.signedEvent(SECRETS.platform, { id, type, data: { object } });
  expect(await deliver(event.payload, event.signature)).toBe(200);
  return processStripeEvent(deps, id);
}

function invoice(plan: Plan, subscription: string, periodEnd: Date, customerAccount = account) {
  return {
    id: `in_${subscription}_${periodEnd.getTime()}`,
    object: "invoice",
    customer_account: customerAccount,
    amount_paid: Number(plan.monthly_price),
    amount_due: Number(plan.monthly_price),
    currency: plan.currency.toLowerCase(),
    parent: { type: "subscription_details", subscription_details: { subscription, metadata: { bazaar_shop_id: north.id, bazaar_plan_id: plan.id } } },
    lines: { object: "list", data: [{ period: { start: Math.floor(periodEnd.getTime() / 1000) - 30 * 86_400, end: Math.floor(periodEnd.getTime() / 1000) } }] },
  };
}

const shopRow = (shop: Shop) => t.db.selectFrom("platform.shops").selectAll().where("id", "=", shop.id).executeTakeFirstOrThrow();

describe("Stripe Billing for merchants", () => {
  it("subscribes through Checkout in subscription mode on the shop's own account; a shop without one is told what to do", async () => {
    const plan = plans.at(-1)!;
    const res = await adminPost(app, owner, "/admin/north/billing", { intent: "subscribe", plan: plan.id });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_/);
    const sent = fake.sent("POST", "/v1/checkout/sessions").at(-1)!;
    expect(sent.stripeAccount).toBeNull();
    expect(sent.idempotencyKey).toMatch(new RegExp(`^bazaar-plan-checkout-${north.id}-${plan.id}-`));
    expect(sent.params).toMatchObject({
      mode: "subscription",
      customer_account: account,
      line_items: {
        0: { quantity: "1", price_data: { currency: plan.currency.toLowerCase(), unit_amount: String(plan.monthly_price), recurring: { interval: "month" } } },
      },
      subscription_data: { metadata: { bazaar_shop_id: north.id, bazaar_plan_id: plan.id } },
      success_url: "http://bazaar.test/admin/north/billing?paid=1",
    });

    const south = await adminPost(app, owner, "/admin/south/billing", { intent: "subscribe", plan: plan.id });
    expect(south.status).toBe(400);
    expect(south.body).toContain("Connect the shop to Stripe under Payments first");
  });

  it("applies paid, stale, failed and cancelled invoices from the platform webhook, once each, to the right shop", async () => {
    const plan = plans.at(-1)!;
    const now = Date.now();
    expect(await billingEvent("evt_inv_paid_2", "invoice.paid", invoice(plan, "sub_live", new Date(now + 60 * 86_400_000)))).toBe("billing_applied");
    let row = await shopRow(north);
    expect(row).toMatchObject({ status: "active", plan: plan.id, subscription_id: "sub_live", payment_overdue_since: null });
    // The same event again, and an older invoice arriving late, change nothing.
    expect(await processStripeEvent(deps, "evt_inv_paid_2")).toBe("billing_applied");
    expect(await billingEvent("evt_inv_paid_1", "invoice.paid", invoice(plan, "sub_live", new Date(now + 30 * 86_400_000)))).toBe("billing_stale");
    expect((await shopRow(north)).current_period_end).toEqual(row.current_period_end);

    expect(await billingEvent("evt_inv_failed", "invoice.payment_failed", invoice(plan, "sub_live", new Date(now + 90 * 86_400_000)))).toBe("billing_applied");
    expect((await shopRow(north)).payment_overdue_since).not.toBeNull();
    expect(await billingEvent("evt_sub_deleted", "customer.subscription.deleted", { id: "sub_live", object: "subscription", customer_account: account })).toBe(
      "billing_applied",
    );
    row = await shopRow(north);
    expect(row.subscription_id).toBeNull();
    // An account that isn't a shop's, and the other shop, are untouched.
    expect(await billingEvent("evt_inv_stranger", "invoice.paid", invoice(plan, "sub_other", new Date(now), "acct_stranger"))).toBe("unknown_account");
    expect((await shopRow(south)).subscription_id).toBeNull();
    const page = await adminGet(app, owner, "/admin/north/billing");
    expect(page.body).toContain("Payment failed");
    expect(page.body).toContain("Card and invoices on Stripe");
  });

  it("moves a paying shop to another plan with proration, and opens the customer portal", async () => {
    const [, cheaper] = plans;
    const subscription = fake.addSubscription(account, Number(plans.at(-1)!.monthly_price), "usd", { bazaar_shop_id: north.id });
    await t.db.updateTable("platform.shops").set({ subscription_id: subscription }).where("id", "=", north.id).execute();
    const res = await adminPost(app, owner, "/admin/north/billing", { intent: "subscribe", plan: cheaper.id });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("http://bazaar.test/admin/north/billing?paid=1");
    const update = fake.sent("POST", `/v1/subscriptions/${subscription}`).at(-1)!;
    expect(update.idempotencyKey).toMatch(/^bazaar-plan-change-/);
    expect(update.params).toMatchObject({
      proration_behavior: "create_prorations",
      items: { 0: { price_data: { unit_amount: String(cheaper.monthly_price), recurring: { interval: "month" } } } },
      metadata: { bazaar_plan_id: cheaper.id },
    });

    const portal = await adminPost(app, owner, "/admin/north/billing", { intent: "portal" });
    expect(portal.status).toBe(303);
    expect(portal.headers.location).toBe(`https://billing.stripe.com/p/session/${account}`);
    expect(fake.sent("POST", "/v1/billing_portal/sessions").at(-1)!.idempotencyKey).toMatch(new RegExp(`^bazaar-billing-portal-${north.id}-`));
    expect(fake.sent("POST", "/v1/billing_portal/sessions").at(-1)!.params).toMatchObject({
      customer_account: account,
      return_url: "http://bazaar.test/admin/north/billing",
    });
  });
});
