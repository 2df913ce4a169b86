import type { ActionFunctionArgs } from "@remix-run/node";
import type { StripeEndpoint } from "../../db/types.ts";
import { receiveStripeWebhook } from "../../server/stripe-webhooks.server.ts";
import { requirePlatform } from "./guards.server.ts";

/**
 * The three Stripe webhook endpoints share this action: verify over the raw body, store, answer 200 at once, and
 * leave the work to the `stripe-events` job.
 */
export function stripeWebhookAction(endpoint: StripeEndpoint) {
  return async ({ request, context }: ActionFunctionArgs) => {
    requirePlatform(context);
    const { stripe, db } = context.services;
    if (!stripe) return new Response("Stripe isn't configured.", { status: 404 });
    const receipt = await receiveStripeWebhook(db, stripe, endpoint, await request.text(), request.headers.get("stripe-signature"));
    if (receipt.status !== 200) return new Response(receipt.message, { status: receipt.status });
    // Stored first, then queued (the job id is the event id, so queueing twice runs it once). If queueing fails the
    // answer is an error, Stripe delivers again, and the still-pending event is queued then.
    if (receipt.pending) await context.services.requestStripeEvent(receipt.eventId);
    return Response.json({ received: true });
  };
}
