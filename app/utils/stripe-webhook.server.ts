import type { ActionFunctionArgs } from "@remix-run/node";
import type { StripeEndpoint } from "../../db/types.ts";
import { receiveStripeWebhook } from "../../server/stripe-webhooks.server.ts";
import { requirePlatform } from "./guards.server.ts";

/** Stripe's events are a few kilobytes; a body past this is refused before it is read into memory. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** The raw body as sent (the signature covers these exact bytes), or null when it is larger than `limit`. */
async function readRawBody(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader!.cancel();
      return null;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The three Stripe webhook endpoints share this action: verify over the raw body, store, answer 200 at once, and
 * leave the work to the `stripe-events` job.
 */
export function stripeWebhookAction(endpoint: StripeEndpoint) {
  return async ({ request, context }: ActionFunctionArgs) => {
    requirePlatform(context);
    const { stripe, db } = context.services;
    if (!stripe) return new Response("Stripe isn't configured.", { status: 404 });
    const body = await readRawBody(request, MAX_WEBHOOK_BYTES);
    if (body === null) return new Response("Payload too large.", { status: 413 });
    const receipt = await receiveStripeWebhook(db, stripe, endpoint, body, request.headers.get("stripe-signature"));
    if (receipt.status !== 200) return new Response(receipt.message, { status: receipt.status });
    // Stored first, then queued (the job id is the event id, so queueing twice runs it once). If queueing fails the
    // answer is an error, Stripe delivers again, and the still-pending event is queued then.
    if (receipt.pending) await context.services.requestStripeEvent(receipt.eventId);
    return Response.json({ received: true });
  };
}

/** A webhook endpoint takes only Stripe's POSTs; anything else is told so (405), not sent a page. */
export function webhookOnlyPost(): Response {
  return new Response("Stripe webhook endpoint: POST only.", { status: 405, headers: { Allow: "POST" } });
}
