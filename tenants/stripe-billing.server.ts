import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { PlatformDb } from "../db/database.server.ts";
import type { Plan, Shop } from "../db/types.ts";
import type { BillingEvent } from "./billing.server.ts";
import { payoutState } from "./stripe-accounts.server.ts";

/**
 * Merchants paying the platform through Stripe Billing (docs/decisions/020-billing-events.md, 024). The shop's
 * connected account has the `customer` configuration, so the subscription belongs to that account
 * (`customer_account`), not to a separate Customer. Subscribing goes through Checkout in subscription mode; a plan
 * change updates the subscription with proration; the card and invoices are in the customer portal. What happened
 * comes back as billing events on the platform webhook, applied by `applyBillingEvent`.
 */

export class BillingSetupError extends Error {}

const NEEDS_ACCOUNT = "Connect the shop to Stripe under Payments first: the same account pays for the plan.";

async function accountOf(db: PlatformDb, shopId: string): Promise<string> {
  const state = await payoutState(db, shopId);
  if (!state) throw new BillingSetupError(NEEDS_ACCOUNT);
  return state.accountId;
}

function monthlyPrice(plan: Pick<Plan, "currency" | "monthly_price">) {
  return { currency: plan.currency.toLowerCase(), unit_amount: Number(plan.monthly_price), recurring: { interval: "month" as const } };
}

/**
 * Where to send the owner to pay for `plan`: Stripe Checkout for a first subscription; for a shop that already
 * pays, the subscription is moved to the new plan (prorated) and the owner comes straight back.
 */
export async function startPlanCheckout(
  db: PlatformDb,
  stripe: Stripe,
  shop: Pick<Shop, "id" | "subscription_id">,
  plan: Pick<Plan, "id" | "name" | "currency" | "monthly_price">,
  urls: { success: string; cancel: string },
): Promise<string> {
  const account = await accountOf(db, shop.id);
  const metadata = { bazaar_shop_id: shop.id, bazaar_plan_id: plan.id };
  if (shop.subscription_id?.startsWith("sub_")) {
    const subscription = await stripe.subscriptions.retrieve(shop.subscription_id);
    const item = subscription.items.data[0];
    const product = typeof item.price.product === "string" ? item.price.product : item.price.product.id;
    await stripe.subscriptions.update(
      subscription.id,
      { items: [{ id: item.id, price_data: { ...monthlyPrice(plan), product } }], proration_behavior: "create_prorations", metadata },
      { idempotencyKey: `bazaar-plan-change-${shop.id}-${subscription.id}-${plan.id}-${item.price.id}` },
    );
    return urls.success;
  }
  const session = await stripe.checkout.sessions.create(
    {
      mode: "subscription",
      customer_account: account,
      line_items: [{ price_data: { ...monthlyPrice(plan), product_data: { name: `Bazaar ${plan.name} plan` } }, quantity: 1 }],
      subscription_data: { metadata },
      metadata,
      success_url: urls.success,
      cancel_url: urls.cancel,
    },
    // One Checkout per shop, plan and minute: a double click opens the same one.
    { idempotencyKey: `bazaar-plan-checkout-${shop.id}-${plan.id}-${Math.floor(Date.now() / 60_000)}` },
  );
  if (!session.url) throw new Error("Stripe Checkout answered without a URL");
  return session.url;
}

/** The customer portal: card, invoices, cancelling. */
export async function openBillingPortal(db: PlatformDb, stripe: Stripe, shopId: string, returnUrl: string): Promise<string> {
  const session = await stripe.billingPortal.sessions.create(
    { customer_account: await accountOf(db, shopId), return_url: returnUrl },
    // A portal session is single-use: one per click, the key only covers this request's retries.
    { idempotencyKey: `bazaar-billing-portal-${shopId}-${randomUUID()}` },
  );
  return session.url;
}

/** The connected account a billing object (an invoice, a subscription) belongs to. */
export function billingAccountOf(object: { customer_account?: string | null }): string | null {
  return object.customer_account ?? null;
}

/** Stripe's billing event as ours (tenants/billing.server.ts); null for a type that changes nothing here. */
export function billingEventFromStripe(event: Stripe.Event, shopId: string): BillingEvent | null {
  const at = new Date(event.created * 1000);
  if (event.type === "invoice.paid" || event.type === "invoice.payment_failed") {
    const invoice = event.data.object;
    const details = invoice.parent?.subscription_details;
    const subscription = typeof details?.subscription === "string" ? details.subscription : details?.subscription?.id;
    if (!subscription) return null;
    const line = invoice.lines.data[0];
    return {
      id: event.id,
      type: event.type,
      shopId,
      subscriptionId: subscription,
      planId: details?.metadata?.bazaar_plan_id,
      periodEnd: line ? new Date(line.period.end * 1000) : undefined,
      amount: BigInt(event.type === "invoice.paid" ? invoice.amount_paid : invoice.amount_due),
      currency: invoice.currency.toUpperCase(),
      at,
    };
  }
  if (event.type === "customer.subscription.deleted") return { id: event.id, type: "subscription.canceled", shopId, subscriptionId: event.data.object.id, at };
  return null;
}
