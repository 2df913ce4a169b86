import { randomBytes } from "node:crypto";
import { beginPayment, completeCheckoutPayment, releaseCheckout, type BeginPaymentResult, type CheckoutDeps, type PaymentOptions } from "./checkout.server.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";

/**
 * The test gateway: Bazaar's stand-in for Stripe when no Stripe key is configured (the demo, local use, the
 * storefront's tests), like Shopify's "Bogus Gateway". No money moves. The card number's last digit decides:
 * 1 pays, 2 is declined, 3 fails with a processing error. It goes through the same checkout and order code as
 * Stripe does.
 */

export type TestPaymentResult =
  | { kind: "paid"; statusToken: string }
  | { kind: "card"; message: string }
  | { kind: "declined"; message: string }
  | { kind: "failed"; message: string }
  | Exclude<BeginPaymentResult, { kind: "ready" }>;

/** What the last digit of a well-formed test card number means; null when the number isn't one. */
export function testCardOutcome(cardNumber: string): "pay" | "decline" | "error" | null {
  const digits = cardNumber.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) return null;
  return ({ "1": "pay", "2": "decline", "3": "error" } as const)[digits.at(-1)!] ?? null;
}

/** Pays a checkout through the test gateway: reserve, charge the pretend card, then complete or release. */
export async function payWithTestCard(
  deps: CheckoutDeps,
  token: string,
  cardNumber: string,
  { expectedTotal, intl = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE) }: PaymentOptions = {},
): Promise<TestPaymentResult> {
  const say = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const outcome = testCardOutcome(cardNumber);
  if (!outcome) return { kind: "card", message: say("checkout.test.badCard", { hint: say("checkout.testCardHint") }) };
  const started = await beginPayment(deps, token, "test", { expectedTotal, intl });
  if (started.kind !== "ready") return started;
  if (outcome === "decline") {
    await releaseCheckout(deps.db, started.checkoutId);
    return { kind: "declined", message: say("checkout.test.declined") };
  }
  if (outcome === "error") {
    await releaseCheckout(deps.db, started.checkoutId);
    return { kind: "failed", message: say("checkout.test.failed") };
  }
  const paymentId = `test_${randomBytes(12).toString("hex")}`;
  const order = await completeCheckoutPayment(deps, started.checkoutId, { gateway: "test", paymentId, amount: started.amount, currency: started.currency });
  return { kind: "paid", statusToken: order.statusToken };
}
