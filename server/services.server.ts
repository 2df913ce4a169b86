import { createDatabase, type PlatformDb } from "../db/database.server.ts";
import type { Shop } from "../db/types.ts";
import type { Queue } from "bullmq";
import { CHECKOUT_REMINDERS_QUEUE, requestCheckoutReminder, type CheckoutReminderJob } from "../jobs/processors/checkout-reminders.server.ts";
import {
  RECOMMENDATIONS_QUEUE,
  requestRecommendations,
  scheduleRecommendations,
  unscheduleRecommendations,
  type RecommendationJob,
} from "../jobs/processors/recommendations.server.ts";
import { requestStripeEventProcessing, STRIPE_EVENTS_QUEUE, type StripeEventJob } from "../jobs/processors/stripe-events.server.ts";
import { requestSpareShopRefill, SPARE_SHOPS_QUEUE, type SpareShopsJob } from "../jobs/processors/spare-shops.server.ts";
import { createMailer } from "../jobs/processors/mail.server.ts";
import { jobStore, openQueue, type JobStore } from "../jobs/queues.server.ts";
import type { DeliverMail } from "../shop/mail.server.ts";
import { mediaStorageFromEnv, type MediaStorage } from "../shop/storage.server.ts";
import { cookieSecrets, createStorefrontAccess, type StorefrontAccess } from "../shop/storefront-access.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { ShopRegistry } from "../tenants/registry.server.ts";
import { Auth } from "./auth.server.ts";
import { createRateLimits, type RateLimits } from "./limits.server.ts";
import { stripeFromEnv, type StripeSetup } from "./stripe.server.ts";
import type { Config } from "./config.ts";

/** Long-lived, process-wide dependencies, built once and handed to every request. */
export interface Services {
  config: Config;
  db: PlatformDb;
  registry: ShopRegistry;
  auth: Auth;
  /** Signed storefront preview tokens and password cookies (PREVIEW_SECRET, rotating). */
  storefrontAccess: StorefrontAccess;
  /** Stripe Connect, or null when no STRIPE_SECRET_KEY is set (checkout then uses the test gateway). */
  stripe: StripeSetup | null;
  /** Every throttle: logins, signups, registrations, invitation mail, checkouts (server/limits.server.ts). */
  limits: RateLimits;
  jobs: JobStore;
  /** Sends a mail now, or queues it for the worker to retry; throws MailUnavailableError only if neither works. */
  deliverMail: DeliverMail;
  /** Product images and other files: local disk (MEDIA_DIR) or an S3-compatible bucket (S3_BUCKET). */
  media: MediaStorage;
  /** The shop's handle; `shop` must come from the registry. */
  tenantDb(shop: Shop): TenantDb;
  /**
   * Asks the worker to top up the spare-shop pool after a signup. Never fails
   * and never makes the caller wait on the job store: the signup has committed.
   */
  requestSpareShopRefill(): void;
  /** Hands a stored Stripe event to the worker (job id = event id, so a second delivery queues nothing). */
  requestStripeEvent(eventId: string): Promise<void>;
  /** Schedules an abandoned-checkout reminder; like the refill, never fails the request that asks. */
  requestCheckoutReminder(job: CheckoutReminderJob, delayMs: number): void;
  /** Each shop's recommendations scheduler (jobs/processors/recommendations.server.ts). */
  recommendations: {
    /**
     * After a lifecycle change (signup, restore, close, reopen): a closed shop has no scheduler, any other has one.
     * Never fails the request: the hourly maintenance task puts right what a job-store outage left undone.
     */
    follow(shop: Pick<Shop, "id" | "status">): Promise<void>;
    /** A paid order: run soon. Like the refill, never fails the request that asks. */
    request(shopId: string): void;
  };
  close(): Promise<void>;
}

/**
 * `env` holds the Stripe keys and PREVIEW_SECRET, which are secrets and not part of Config: process.env outside tests.
 * Throws MissingSecretError, before connecting anywhere, when PREVIEW_SECRET is unset outside development.
 */
export async function createServices(config: Config, databaseUrl: string, env: Record<string, string | undefined> = process.env): Promise<Services> {
  const storefrontAccess = createStorefrontAccess(cookieSecrets(env), { secure: config.production });
  const db = createDatabase({ url: databaseUrl, max: 20 });
  const media = mediaStorageFromEnv(process.env);
  const registry = new ShopRegistry(db);
  const limits = createRateLimits(databaseUrl);
  const handles = new Map<string, TenantDb>();
  const jobs = jobStore({ redisUrl: config.redisUrl, databaseUrl });
  const mailer = createMailer(jobs);
  // Opened on first use and kept: opening a queue per request costs a connection (and, on PostgreSQL, BullMQ's migration check).
  let spareShopsQueue: Queue<SpareShopsJob> | undefined;
  let remindersQueue: Queue<CheckoutReminderJob> | undefined;
  let stripeEventsQueue: Queue<StripeEventJob> | undefined;
  let recommendationsQueue: Queue<RecommendationJob> | undefined;
  const recommendations = () => (recommendationsQueue ??= openQueue<RecommendationJob>(jobs, RECOMMENDATIONS_QUEUE));
  await registry.listen(databaseUrl);
  return {
    config,
    db,
    registry,
    auth: new Auth(db, { secureCookies: config.production }),
    storefrontAccess,
    limits,
    stripe: stripeFromEnv(env),
    jobs,
    deliverMail: mailer.deliver,
    media,
    tenantDb: (shop) => {
      // One handle per schema, built once: withSchema creates a new Kysely instance each call.
      let handle = handles.get(shop.schema_name);
      if (!handle) handles.set(shop.schema_name, (handle = tenantDb(db, shop.schema_name)));
      return handle;
    },
    requestSpareShopRefill() {
      spareShopsQueue ??= openQueue<SpareShopsJob>(jobs, SPARE_SHOPS_QUEUE);
      requestSpareShopRefill(spareShopsQueue).catch((error) => console.error("could not request a spare-shop refill:", error));
    },
    async requestStripeEvent(eventId) {
      stripeEventsQueue ??= openQueue<StripeEventJob>(jobs, STRIPE_EVENTS_QUEUE);
      await requestStripeEventProcessing(stripeEventsQueue, eventId);
    },
    requestCheckoutReminder(job, delayMs) {
      remindersQueue ??= openQueue<CheckoutReminderJob>(jobs, CHECKOUT_REMINDERS_QUEUE);
      requestCheckoutReminder(remindersQueue, job, delayMs).catch((error) => console.error("could not schedule a checkout reminder:", error));
    },
    recommendations: {
      async follow(shop) {
        const change = shop.status === "closed" ? unscheduleRecommendations : scheduleRecommendations;
        await change(recommendations(), shop.id).catch((error) => console.error(`shop ${shop.id}: recommendations scheduler not updated:`, error));
      },
      request(shopId) {
        requestRecommendations(recommendations(), shopId).catch((error) => console.error("could not request recommendations:", error));
      },
    },
    async close() {
      await recommendationsQueue?.close();
      await mailer.close();
      await spareShopsQueue?.close();
      await remindersQueue?.close();
      await stripeEventsQueue?.close();
      await registry.close();
      await limits.close();
      await media.close();
      await db.destroy();
    },
  };
}
