import type { Queue } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import { readConfig, shopOrigin } from "../../server/config.ts";
import { sendCheckoutReminder } from "../../shop/checkout.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { startShopWorker, type ShopJobData } from "../shop-jobs.server.ts";
import type { JobStore } from "../queues.server.ts";

/** Abandoned-checkout reminders: one delayed job per checkout (the job id), which checks again before it sends. */
export const CHECKOUT_REMINDERS_QUEUE = "checkout-reminders";
export type CheckoutReminderJob = ShopJobData & { checkoutId: string };

const KEEP = { removeOnComplete: 1000, removeOnFail: 1000 };

/**
 * Asks for the reminder `delayMs` from now. The job id names the checkout, so asking again while one waits (the
 * shopper edits their address) changes nothing: the first request's delay holds.
 */
export async function requestCheckoutReminder(queue: Queue<CheckoutReminderJob>, job: CheckoutReminderJob, delayMs: number): Promise<void> {
  await queue.add("remind", job, {
    ...KEEP,
    jobId: `checkout-${job.shopId}-${job.checkoutId}`,
    delay: delayMs,
    attempts: 5,
    backoff: { type: "exponential", delay: 60_000 },
  });
}

export function startCheckoutReminderWorker(store: JobStore, db: PlatformDb) {
  const config = readConfig();
  return startShopWorker<CheckoutReminderJob, { sent: boolean }>(store, db, CHECKOUT_REMINDERS_QUEUE, {
    async run(job, shop) {
      if (!/^\d{1,18}$/.test(String(job.data.checkoutId))) throw new Error(`job ${job.id}: malformed checkout id`);
      const deps = { db: tenantDb(db, shop.schema_name), shop, origin: shopOrigin(config, shop.slug) };
      return { sent: await sendCheckoutReminder(deps, String(job.data.checkoutId)) };
    },
  });
}
