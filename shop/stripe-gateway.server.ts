import type Stripe from "stripe";
import {
  attachPayment,
  beginPayment,
  completeCheckoutPayment,
  findCheckout,
  releaseCheckout,
  type BeginPaymentResult,
  type CheckoutDeps,
  type PaymentOptions,
} from "./checkout.server.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";
import type { RefundGateway } from "./order-actions.server.ts";

/**
 * Checkout payments through Stripe (docs/decisions/023-checkout-and-payments.md): one PaymentIntent per payment
 * attempt, a direct charge on the shop's connected account with the platform's fee as `application_fee_amount`,
 * confirmed in the browser by the Payment Element. Whether it succeeded is only ever learned from Stripe: a
 * server-side retrieve when the shopper comes back, or the signed webhook, whichever comes first; both end in
 * completeCheckoutPayment, which makes the order once.
 */

export interface ConnectedStripe {
  client: Stripe;
  /** The shop's connected account: every call below is made on it. */
  accountId: string;
}

export type StripeStart =
  { kind: "client"; clientSecret: string; paymentIntentId: string } | { kind: "failed"; message: string } | Exclude<BeginPaymentResult, { kind: "ready" }>;

/** Reserves the stock and creates the attempt's PaymentIntent; the browser confirms it with the client secret. */
export async function startStripePayment(
  deps: CheckoutDeps,
  stripe: ConnectedStripe,
  token: string,
  { expectedTotal, intl = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE) }: PaymentOptions = {},
): Promise<StripeStart> {
  const started = await beginPayment(deps, token, "stripe", { expectedTotal, intl });
  if (started.kind !== "ready") return started;
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.client.paymentIntents.create(
      {
        amount: Number(started.amount),
        currency: started.currency.toLowerCase(),
        application_fee_amount: Number(started.fee),
        // The methods the merchant turned on in their Stripe Dashboard (cards, wallets, Alipay, WeChat Pay…).
        automatic_payment_methods: { enabled: true },
        receipt_email: started.email || undefined,
        metadata: { bazaar_shop_id: deps.shop.id, bazaar_checkout_id: started.checkoutId },
      },
      { stripeAccount: stripe.accountId, idempotencyKey: `bazaar-checkout-${deps.shop.id}-${started.attempt}` },
    );
  } catch (error) {
    console.error(`checkout ${started.checkoutId}: PaymentIntent not created:`, error);
    await releaseCheckout(deps.db, started.checkoutId);
    return { kind: "failed", message: intl.formatMessage({ id: "checkout.stripe.notStarted" }) };
  }
  await attachPayment(deps.db, started.checkoutId, intent.id);
  return { kind: "client", clientSecret: intent.client_secret!, paymentIntentId: intent.id };
}

/** "failed": the checkout is open again; the checkout page says so in the shop's language (`?payment=failed`). */
export type StripeReturn = { kind: "paid"; statusToken: string } | { kind: "processing" } | { kind: "failed" } | { kind: "unknown" };

/**
 * Asks Stripe what happened to the checkout's own PaymentIntent (an id from the return address is only a hint and
 * must match), and completes, waits or reopens the checkout accordingly: the shopper is back from confirming, or
 * returns to change something while a payment is open.
 */
export async function settleStripeReturn(deps: CheckoutDeps, stripe: ConnectedStripe, token: string, paymentIntentId: string | null): Promise<StripeReturn> {
  const checkout = await findCheckout(deps.db, token);
  if (!checkout?.payment_id || (paymentIntentId !== null && checkout.payment_id !== paymentIntentId)) return { kind: "unknown" };
  const intent = await stripe.client.paymentIntents.retrieve(checkout.payment_id, {}, { stripeAccount: stripe.accountId });
  return applyPaymentIntent(deps, checkout.id, intent);
}

/** What a PaymentIntent's current state means for its checkout (the return page and the webhook job share it). */
export async function applyPaymentIntent(deps: CheckoutDeps, checkoutId: string, intent: Stripe.PaymentIntent): Promise<StripeReturn> {
  if (intent.status === "succeeded") {
    const order = await completeCheckoutPayment(deps, checkoutId, {
      gateway: "stripe",
      paymentId: intent.id,
      amount: BigInt(intent.amount_received || intent.amount),
      currency: intent.currency,
    });
    return { kind: "paid", statusToken: order.statusToken };
  }
  if (intent.status === "processing") return { kind: "processing" };
  if (intent.status === "requires_payment_method" || intent.status === "canceled") {
    await releaseCheckout(deps.db, checkoutId);
    return { kind: "failed" };
  }
  return { kind: "processing" };
}

/** Refunds on the connected account; the platform gives back the same share of its fee. */
export function stripeRefunds(stripe: ConnectedStripe): RefundGateway {
  return {
    async refund(sale, amount, key) {
      const refund = await stripe.client.refunds.create(
        { payment_intent: sale.reference, amount: Number(amount), refund_application_fee: true },
        { stripeAccount: stripe.accountId, idempotencyKey: `bazaar-refund-${key}` },
      );
      return { reference: refund.id };
    },
  };
}
