import type Stripe from "stripe";
import type { Shop } from "../../db/types.ts";
import { platformOrigin, shopOrigin } from "../../server/config.ts";
import type { CheckoutDeps } from "../../shop/checkout.server.ts";
import { mirrorProviderRefunds } from "../../shop/order-actions.server.ts";
import { merchantEmail } from "../../shop/order-mail.server.ts";
import { applyPaymentIntent } from "../../shop/stripe-gateway.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import type { StripeEventDeps } from "./stripe-events.server.ts";

/**
 * Payment events from a shop's connected account (the `/webhooks/stripe/connect` endpoint), after the event job has
 * found the shop the account belongs to. This is the one place such an event touches a shop's orders.
 */
export const CONNECTED_PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.canceled",
  "charge.refunded",
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.dispute.closed",
]);

/** Applies one connected account's payment event to `shop`; returns the outcome kept on the stored event. */
export async function applyConnectedPaymentEvent(deps: StripeEventDeps, shop: Shop, event: Stripe.Event): Promise<string> {
  const accountId = event.account;
  if (!accountId) return "no_account";
  switch (event.type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.canceled": {
      // The event is a snapshot that may be older than another one already applied: ask Stripe for the intent now,
      // on this account (which also proves the intent is this account's).
      const intent = await deps.stripe.client.paymentIntents.retrieve(event.data.object.id, {}, { stripeAccount: accountId });
      const checkoutId = intent.metadata?.bazaar_checkout_id;
      if (intent.metadata?.bazaar_shop_id !== shop.id || !checkoutId || !/^\d{1,18}$/.test(checkoutId)) return "not_a_checkout";
      const result = await applyPaymentIntent(checkoutDeps(deps, shop), checkoutId, intent);
      return `payment_${result.kind}`;
    }
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
      return recordDispute(deps, shop, event.data.object);
    case "charge.refunded":
      return mirrorChargeRefunds(deps, shop, accountId, event.data.object);
    default:
      return "ignored";
  }
}

function checkoutDeps(deps: StripeEventDeps, shop: Shop): CheckoutDeps {
  return {
    db: tenantDb(deps.db, shop.schema_name),
    platform: deps.db,
    shop,
    origin: shopOrigin(deps.config, shop.slug),
    adminOrigin: platformOrigin(deps.config),
    deliverMail: deps.deliverMail,
    requestRecommendations: () => deps.requestRecommendations?.(shop.id),
  };
}

/**
 * A refund made in Stripe (its Dashboard, or the embedded payments component) mirrored onto the order. Refunds made
 * in Bazaar were recorded when they were made and are recognised by their id. The event is a snapshot: Stripe is
 * asked for the payment's refunds as they are now, on this account, so events applied in any order agree.
 */
async function mirrorChargeRefunds(deps: StripeEventDeps, shop: Shop, accountId: string, charge: Stripe.Charge): Promise<string> {
  const paymentIntent = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!paymentIntent) return "refund_without_payment";
  const refunds = [];
  for await (const refund of deps.stripe.client.refunds.list({ payment_intent: paymentIntent, limit: 100 }, { stripeAccount: accountId })) {
    // A pending refund is on its way back to the shopper; a failed or cancelled one gave nothing back.
    if (refund.status === "succeeded" || refund.status === "pending") refunds.push({ reference: refund.id, amount: BigInt(refund.amount) });
  }
  const { order, recorded } = await mirrorProviderRefunds(checkoutDeps(deps, shop), "stripe", paymentIntent, refunds);
  if (!order) return "refund_unknown_order";
  return recorded.length ? "refund_recorded" : "refund_unchanged";
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
    await deps.deliverMail({
      to: merchant,
      subject: `[${shop.name}] Order #${sale.number}: a payment is disputed`,
      text: `The customer's bank disputed the payment for order #${sale.number}. Answer it with evidence in your Stripe Dashboard before the deadline.\n\n${platformOrigin(deps.config)}/admin/${shop.slug}/orders/${sale.number}`,
    });
  return "dispute_recorded";
}
