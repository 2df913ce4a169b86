import type { Queue } from "bullmq";
import type Stripe from "stripe";
import type { PlatformDb } from "../../db/database.server.ts";
import type { Shop } from "../../db/types.ts";
import { platformOrigin, readConfig, shopOrigin, type Config } from "../../server/config.ts";
import { stripeFromEnv, type StripeSetup } from "../../server/stripe.server.ts";
import type { CheckoutDeps } from "../../shop/checkout.server.ts";
import { sendMail } from "../../shop/mail.server.ts";
import { merchantEmail } from "../../shop/order-mail.server.ts";
import { applyPaymentIntent } from "../../shop/stripe-gateway.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { applyBillingEvent } from "../../tenants/billing.server.ts";
import { billingAccountOf, billingEventFromStripe } from "../../tenants/stripe-billing.server.ts";
import { refreshPayoutState, shopForAccount } from "../../tenants/stripe-accounts.server.ts";
import { startWorker, type JobStore } from "../queues.server.ts";

/**
 * Stripe's webhook events, processed after the endpoint has stored them (server/stripe-webhooks.server.ts). A job
 * carries only the event id; the payload comes from `platform.stripe_events`, and whatever order matters for is
 * fetched from Stripe again, so duplicates and out-of-order deliveries change nothing.
 */
export const STRIPE_EVENTS_QUEUE = "stripe-events";
export type StripeEventJob = { eventId: string };

export async function requestStripeEventProcessing(queue: Queue<StripeEventJob>, eventId: string): Promise<void> {
  await queue.add(
    "process",
    { eventId },
    { jobId: `stripe-${eventId}`, attempts: 8, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  );
}

export interface StripeEventDeps {
  db: PlatformDb;
  stripe: StripeSetup;
  config: Config;
}

/** Processes one stored event once; returns what was done (also kept as the event's outcome). */
export async function processStripeEvent(deps: StripeEventDeps, eventId: string): Promise<string> {
  const row = await deps.db.selectFrom("platform.stripe_events").selectAll().where("id", "=", eventId).executeTakeFirst();
  if (!row) throw new Error(`stripe event ${eventId} is not stored`);
  if (row.processed_at) return row.outcome ?? "done";
  const outcome = await dispatch(deps, row.endpoint, row.type, row.account_id, row.payload as Record<string, unknown>);
  await deps.db.updateTable("platform.stripe_events").set({ processed_at: new Date(), outcome }).where("id", "=", eventId).execute();
  return outcome;
}

async function dispatch(deps: StripeEventDeps, endpoint: string, type: string, accountId: string | null, payload: Record<string, unknown>): Promise<string> {
  if (endpoint === "thin") {
    if (!type.startsWith("v2.core.account")) return "ignored";
    if (!accountId || !(await shopForAccount(deps.db, accountId))) return "unknown_account";
    await refreshPayoutState(deps.db, deps.stripe.client, accountId);
    return "account_refreshed";
  }
  if (endpoint === "platform") return applyPlatformEvent(deps, payload as unknown as Stripe.Event);

  if (!accountId) return "no_account";
  const shop = await shopForAccount(deps.db, accountId);
  if (!shop) return "unknown_account";
  const connected = { client: deps.stripe.client, accountId };
  const object = (payload.data as { object: Record<string, unknown> }).object;
  switch (type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.canceled": {
      // The event is a snapshot that may be older than another one already applied: ask Stripe for the intent now.
      const intent = await connected.client.paymentIntents.retrieve(String(object.id), {}, { stripeAccount: accountId });
      const checkoutId = intent.metadata?.bazaar_checkout_id;
      if (intent.metadata?.bazaar_shop_id !== shop.id || !checkoutId || !/^\d{1,18}$/.test(checkoutId)) return "not_a_checkout";
      const result = await applyPaymentIntent(checkoutDeps(deps, shop), checkoutId, intent);
      return `payment_${result.kind}`;
    }
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
      return recordDispute(deps, shop, object as unknown as Stripe.Dispute);
    default:
      return "ignored";
  }
}

/** The platform's own events are the merchants' plan billing: the connected account names the shop. */
async function applyPlatformEvent(deps: StripeEventDeps, event: Stripe.Event): Promise<string> {
  const account = billingAccountOf(event.data.object as { customer_account?: string | null });
  if (!account) return "ignored";
  const shop = await shopForAccount(deps.db, account);
  if (!shop) return "unknown_account";
  const billing = billingEventFromStripe(event, shop.id);
  if (!billing) return "ignored";
  return `billing_${await applyBillingEvent(deps.db, billing, { platformOrigin: platformOrigin(deps.config) })}`;
}

function checkoutDeps(deps: StripeEventDeps, shop: Shop): CheckoutDeps {
  return {
    db: tenantDb(deps.db, shop.schema_name),
    platform: deps.db,
    shop,
    origin: shopOrigin(deps.config, shop.slug),
    adminOrigin: platformOrigin(deps.config),
  };
}

/** Marks the disputed order, notes it in the timeline and tells the merchant what to do. */
async function recordDispute(deps: StripeEventDeps, shop: Shop, dispute: Stripe.Dispute): Promise<string> {
  const paymentIntent = typeof dispute.payment_intent === "string" ? dispute.payment_intent : dispute.payment_intent?.id;
  if (!paymentIntent) return "dispute_without_payment";
  const db = tenantDb(deps.db, shop.schema_name);
  const sale = await db
    .selectFrom("order_transactions as t")
    .innerJoin("orders as o", "o.id", "t.order_id")
    .select(["o.id", "o.number", "o.dispute_status"])
    .where("t.gateway", "=", "stripe")
    .where("t.kind", "=", "sale")
    .where("t.reference", "=", paymentIntent)
    .executeTakeFirst();
  if (!sale) return "dispute_unknown_order";
  if (sale.dispute_status === dispute.status) return "dispute_unchanged";
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("orders").set({ dispute_status: dispute.status }).where("id", "=", sale.id).execute();
    await trx
      .insertInto("order_events")
      .values({ order_id: sale.id, kind: "dispute", message: `Payment disputed (${dispute.reason.replace(/_/g, " ")}): ${dispute.status.replace(/_/g, " ")}.` })
      .execute();
  });
  const merchant = dispute.status === "needs_response" ? await merchantEmail(checkoutDeps(deps, shop)) : null;
  if (merchant)
    await sendMail({
      to: merchant,
      subject: `[${shop.name}] Order #${sale.number}: a payment is disputed`,
      text: `The customer's bank disputed the payment for order #${sale.number}. Answer it with evidence in your Stripe Dashboard before the deadline.\n\n${platformOrigin(deps.config)}/admin/${shop.slug}/orders/${sale.number}`,
    });
  return "dispute_recorded";
}

/** The worker for Stripe events; without Stripe configured there is nothing to process. */
export function startStripeEventWorker(store: JobStore, db: PlatformDb, stripe: StripeSetup | null = stripeFromEnv()) {
  if (!stripe) return null;
  const deps = { db, stripe, config: readConfig() };
  return startWorker<StripeEventJob>(store, STRIPE_EVENTS_QUEUE, (job) => processStripeEvent(deps, String(job.data.eventId)), { concurrency: 4 });
}
