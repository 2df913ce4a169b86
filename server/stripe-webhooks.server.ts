import { sql } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { StripeEndpoint } from "../db/types.ts";
import type { StripeSetup } from "./stripe.server.ts";

export type WebhookReceipt = { status: 200; eventId: string; pending: boolean } | { status: 400 | 404; message: string };

/**
 * Checks a Stripe webhook against its endpoint's own signing secret over the raw body, checks its mode, and stores it
 * by event id (docs/decisions/024-stripe-connect-accounts-v2.md). Nothing is processed here: the endpoint answers
 * at once and a job does the work. `pending`: the event still needs processing (new, or stored by an earlier
 * delivery whose job never ran); false for one already processed or from the other mode.
 *
 * Thin events (Accounts v2 changes) carry only ids: the job fetches what they point at.
 */
export async function receiveStripeWebhook(
  db: PlatformDb,
  stripe: StripeSetup,
  endpoint: StripeEndpoint,
  rawBody: string,
  signature: string | null,
): Promise<WebhookReceipt> {
  const secret = stripe.webhookSecrets[endpoint];
  if (!secret) return { status: 404, message: "This webhook endpoint isn't configured." };
  if (!signature) return { status: 400, message: "Missing Stripe-Signature header." };
  let event: { id: string; type: string; livemode: boolean; account: string | null };
  try {
    if (endpoint === "thin") {
      const notification = stripe.client.parseEventNotification(rawBody, signature, secret);
      const related = (notification as { related_object?: { id?: string } }).related_object;
      event = { id: notification.id, type: notification.type, livemode: notification.livemode, account: related?.id?.startsWith("acct_") ? related.id : null };
    } else {
      const parsed = stripe.client.webhooks.constructEvent(rawBody, signature, secret);
      event = { id: parsed.id, type: parsed.type, livemode: parsed.livemode, account: parsed.account ?? null };
    }
  } catch {
    return { status: 400, message: "Invalid signature." };
  }
  // An event from the other mode (a test event at a live endpoint) is kept for the record and never acted on.
  const wrongMode = event.livemode !== stripe.livemode;
  await db
    .insertInto("platform.stripe_events")
    .values({
      id: event.id,
      endpoint,
      type: event.type,
      account_id: event.account,
      livemode: event.livemode,
      payload: rawBody,
      ...(wrongMode ? { processed_at: new Date(), outcome: "wrong_mode" } : {}),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  const stored = await db.selectFrom("platform.stripe_events").select("processed_at").where("id", "=", event.id).executeTakeFirstOrThrow();
  return { status: 200, eventId: event.id, pending: stored.processed_at === null };
}

/** How long a processed event's id is kept: Stripe redelivers for up to three days, so a month is ample. */
export const STRIPE_EVENT_RETENTION_DAYS = 30;

/**
 * Forgets processed events older than the retention period (the daily maintenance task); one never processed is
 * kept, whatever its age, for someone to look at. Returns how many went.
 */
export async function purgeOldStripeEvents(db: PlatformDb, days = STRIPE_EVENT_RETENTION_DAYS): Promise<number> {
  const result = await db
    .deleteFrom("platform.stripe_events")
    .where("processed_at", "is not", null)
    .where("received_at", "<", sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
