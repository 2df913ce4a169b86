import { randomBytes } from "node:crypto";
import { beginPayment, completeCheckoutPayment, releaseCheckout, type BeginPaymentResult, type CheckoutDeps } from "./checkout.server.ts";

/**
 * The test gateway: Bazaar's stand-in for Stripe when no Stripe key is configured (the demo, local use, the
 * storefront's tests), like Shopify's "Bogus Gateway". No money moves. The card number's last digit decides:
 * 1 pays, 2 is declined, 3 fails with a processing error. It goes through the same checkout and order code as
 * Stripe does.
 */

export const TEST_CARD_HINT = "Use a card number ending in 1 to pay, 2 for a declined card, 3 for a processing error.";

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
export async function payWithTestCard(deps: CheckoutDeps, token: string, cardNumber: string, expectedTotal?: string): Promise<TestPaymentResult> {
  const outcome = testCardOutcome(cardNumber);
  if (!outcome) return { kind: "card", message: `Enter a test card number of 12 to 19 digits. ${TEST_CARD_HINT}` };
  const started = await beginPayment(deps, token, "test", { expectedTotal });
  if (started.kind !== "ready") return started;
  if (outcome === "decline") {
    await releaseCheckout(deps.db, started.checkoutId);
    return { kind: "declined", message: "Your card was declined. Nothing was charged: try another card." };
  }
  if (outcome === "error") {
    await releaseCheckout(deps.db, started.checkoutId);
    return { kind: "failed", message: "The payment couldn't be processed. Nothing was charged: please try again." };
  }
  const paymentId = `test_${randomBytes(12).toString("hex")}`;
  const order = await completeCheckoutPayment(deps, started.checkoutId, { gateway: "test", paymentId, amount: started.amount, currency: started.currency });
  return { kind: "paid", statusToken: order.statusToken };
}
