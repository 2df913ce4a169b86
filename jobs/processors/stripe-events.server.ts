import type { Queue } from "bullmq";
import type Stripe from "stripe";
import type { PlatformDb } from "../../db/database.server.ts";
import { platformOrigin, readConfig, type Config } from "../../server/config.ts";
import type { StripeSetup } from "../../server/stripe.server.ts";
import type { DeliverMail } from "../../shop/mail.server.ts";
import { applyBillingEvent } from "../../tenants/billing.server.ts";
import { billingAccountOf, billingEventFromStripe } from "../../tenants/stripe-billing.server.ts";
import { refreshPayoutState, shopForAccount } from "../../tenants/stripe-accounts.server.ts";
import { openQueue, startWorker, type JobStore } from "../queues.server.ts";
import { createMailer } from "./mail.server.ts";
import { RECOMMENDATIONS_QUEUE, requestRecommendations, type RecommendationJob } from "./recommendations.server.ts";
import { applyConnectedPaymentEvent, CONNECTED_PAYMENT_EVENTS } from "./stripe-payment-events.server.ts";

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

/** An event still unprocessed this long after it arrived lost its job (the job store was down, or its job gave up). */
export const STRIPE_EVENT_REQUEUE_AFTER_MS = 10 * 60 * 1000;
/** Stripe itself stops redelivering after three days; an event older than that and still unprocessed waits for a person. */
const STRIPE_EVENT_REQUEUE_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The maintenance sweep's half of "stored, then processed": every event stored but not processed, between ten
 * minutes and three days old, gets its job again. A job still waiting, delayed or running is left to run; one that
 * failed for good is retried; one that is gone (or completed without marking the event) is added again.
 */
export async function requeueUnprocessedStripeEvents(db: PlatformDb, queue: Queue<StripeEventJob>, now = Date.now()): Promise<{ requeued: string[] }> {
  const stuck = await db
    .selectFrom("platform.stripe_events")
    .select("id")
    .where("processed_at", "is", null)
    .where("received_at", "<", new Date(now - STRIPE_EVENT_REQUEUE_AFTER_MS))
    .where("received_at", ">", new Date(now - STRIPE_EVENT_REQUEUE_WINDOW_MS))
    .orderBy("received_at")
    .limit(1000)
    .execute();
  const requeued: string[] = [];
  for (const { id } of stuck) {
    const job = await queue.getJob(`stripe-${id}`);
    const state = job ? await job.getState() : "unknown";
    if (job && state === "failed") await job.retry();
    else if (state === "completed" || state === "unknown") {
      await job?.remove();
      await requestStripeEventProcessing(queue, id);
    } else continue;
    requeued.push(id);
  }
  return { requeued };
}

export interface StripeEventDeps {
  db: PlatformDb;
  stripe: StripeSetup;
  config: Config;
  /** Mails the owners about a lifecycle change a billing event makes: now, or queued for retries. */
  deliverMail: DeliverMail;
  /** A paid order asks for an early recommendations run (jobs/processors/recommendations.server.ts). */
  requestRecommendations?: (shopId: string) => void;
}

/** Processes one stored event once; returns what was done (also kept as the event's outcome). */
export async function processStripeEvent(deps: StripeEventDeps, eventId: string): Promise<string> {
  const row = await deps.db.selectFrom("platform.stripe_events").selectAll().where("id", "=", eventId).executeTakeFirst();
  if (!row) throw new Error(`stripe event ${eventId} is not stored`);
  if (row.processed_at) return row.outcome ?? "done";
  const outcome = await dispatch(deps, row.id, row.endpoint, row.type, row.account_id, row.payload as Record<string, unknown>);
  await deps.db.updateTable("platform.stripe_events").set({ processed_at: new Date(), outcome }).where("id", "=", eventId).execute();
  return outcome;
}

async function dispatch(
  deps: StripeEventDeps,
  eventId: string,
  endpoint: string,
  type: string,
  accountId: string | null,
  payload: Record<string, unknown>,
): Promise<string> {
  if (endpoint === "thin") return applyAccountEvent(deps, eventId, type, accountId);
  if (endpoint === "platform") return applyPlatformEvent(deps, payload as unknown as Stripe.Event);

  if (!accountId) return "no_account";
  const shop = await shopForAccount(deps.db, accountId);
  if (!shop) return "unknown_account";
  const event = payload as unknown as Stripe.Event;
  return CONNECTED_PAYMENT_EVENTS.has(event.type) ? applyConnectedPaymentEvent(deps, shop, event) : "ignored";
}

/** Thin events about an account itself (`v2.core.account.updated`, `v2.core.account[requirements].updated`, …). */
const ACCOUNT_EVENT = /^v2\.core\.account(\.|\[)/;
/** Thin events about a part of an account: its people, or the merchant back from a hosted onboarding link. */
const ACCOUNT_PART_EVENT = /^v2\.core\.account_(person|link)\./;

/**
 * A thin event says only that an account changed: Stripe is asked for the account as it is now, so two events
 * applied in either order leave the newest state. An account that isn't one of ours is recorded and dropped.
 */
async function applyAccountEvent(deps: StripeEventDeps, eventId: string, type: string, accountId: string | null): Promise<string> {
  if (!ACCOUNT_EVENT.test(type) && !ACCOUNT_PART_EVENT.test(type)) return "ignored";
  // A person or an account link names its account only in the full event (`data.account_id`).
  const account = accountId ?? (await accountOfFullEvent(deps, eventId));
  if (!account || !(await shopForAccount(deps.db, account))) return "unknown_account";
  await refreshPayoutState(deps.db, deps.stripe.client, account);
  return "account_refreshed";
}

async function accountOfFullEvent(deps: StripeEventDeps, eventId: string): Promise<string | null> {
  const event = await deps.stripe.client.v2.core.events.retrieve(eventId);
  const account = (event as { data?: { account_id?: unknown } }).data?.account_id;
  if (typeof account !== "string" || !account.startsWith("acct_")) return null;
  await deps.db.updateTable("platform.stripe_events").set({ account_id: account }).where("id", "=", eventId).execute();
  return account;
}

/** The platform's own events are the merchants' plan billing: the connected account names the shop. */
async function applyPlatformEvent(deps: StripeEventDeps, event: Stripe.Event): Promise<string> {
  const account = billingAccountOf(event.data.object as { customer_account?: string | null });
  if (!account) return "ignored";
  const shop = await shopForAccount(deps.db, account);
  if (!shop) return "unknown_account";
  const billing = billingEventFromStripe(event, shop.id);
  if (!billing) return "ignored";
  return `billing_${await applyBillingEvent(deps.db, billing, { platformOrigin: platformOrigin(deps.config), send: deps.deliverMail })}`;
}

/** The worker for Stripe events; without Stripe configured there is nothing to process. */
export function startStripeEventWorker(store: JobStore, db: PlatformDb, stripe: StripeSetup | null) {
  if (!stripe) return null;
  const recommendations = openQueue<RecommendationJob>(store, RECOMMENDATIONS_QUEUE);
  const mailer = createMailer(store);
  const deps: StripeEventDeps = {
    db,
    stripe,
    config: readConfig(),
    deliverMail: mailer.deliver,
    requestRecommendations: (shopId) =>
      void requestRecommendations(recommendations, shopId).catch((error) => console.error("could not request recommendations:", error)),
  };
  const worker = startWorker<StripeEventJob>(store, STRIPE_EVENTS_QUEUE, (job) => processStripeEvent(deps, String(job.data.eventId)), { concurrency: 4 });
  // The queues' connections go with the worker, not left open after it.
  worker.on("closed", () => void Promise.all([recommendations.close(), mailer.close()]));
  return worker;
}
