import type { Job, Queue } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import { purgeExpiredAuthRecords } from "../../server/auth.server.ts";
import { platformOrigin, readConfig } from "../../server/config.ts";
import { purgeExpiredOperatorSessions } from "../../server/operator-auth.server.ts";
import { purgeOldStripeEvents } from "../../server/stripe-webhooks.server.ts";
import { freezeLapsedShops, purgeClosedShops } from "../../tenants/lifecycle.server.ts";
import { refreshAllShopCounts, takePlatformSnapshot } from "../../tenants/metering.server.ts";
import { purgeExpiredReservations } from "../../shop/checkout.server.ts";
import type { DeliverMail } from "../../shop/mail.server.ts";
import { purgeExpiredShopperRecords } from "../../shop/shopper-accounts.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { forEachShop } from "../../tenants/sweep.server.ts";
import { purgeStaleInvitations } from "../../tenants/staff.server.ts";
import { purgeOldSignals } from "../../shop/recommendations/signals.server.ts";
import { openQueue, startWorker, type JobStore } from "../queues.server.ts";
import { createMailer } from "./mail.server.ts";
import { RECOMMENDATIONS_QUEUE, syncRecommendationSchedulers, type RecommendationJob } from "./recommendations.server.ts";
import { requeueUnprocessedStripeEvents, STRIPE_EVENTS_QUEUE, type StripeEventJob } from "./stripe-events.server.ts";

export const MAINTENANCE_QUEUE = "maintenance";
export type MaintenanceTask =
  | "purge-expired-auth"
  | "purge-expired-shopper-records"
  | "purge-stale-invitations"
  | "freeze-lapsed-shops"
  | "purge-closed-shops"
  | "meter-shops"
  | "purge-stripe-events"
  | "requeue-stripe-events"
  | "sync-recommendation-schedulers"
  | "purge-old-signals";
export type MaintenanceJob = { task: MaintenanceTask };

const HOURLY = 60 * 60 * 1000;
const SCHEDULES: Record<MaintenanceTask, number> = {
  "purge-expired-auth": HOURLY,
  "purge-expired-shopper-records": HOURLY,
  "purge-stale-invitations": 24 * HOURLY,
  // Trials that ended and invoices unpaid past the grace period (tenants/lifecycle.server.ts).
  "freeze-lapsed-shops": HOURLY,
  // Closed shops whose retention period is over lose their schema.
  "purge-closed-shops": 24 * HOURLY,
  // Products and storage per shop, and the platform's daily snapshot for the console's charts.
  "meter-shops": HOURLY,
  // Stripe webhook events processed more than a month ago (server/stripe-webhooks.server.ts).
  "purge-stripe-events": 24 * HOURLY,
  // Stripe events stored but never processed get their job again (jobs/processors/stripe-events.server.ts).
  "requeue-stripe-events": HOURLY / 4,
  // Each open shop has its recommendations scheduler and no closed one has (jobs/processors/recommendations.server.ts).
  "sync-recommendation-schedulers": HOURLY,
  // Shoppers' views and add-to-carts older than each shop's retention period (180 days unless set).
  "purge-old-signals": 24 * HOURLY,
};

/** Expired carts, shopper sessions and stock reservations, one shop at a time (never a cross-shop query). */
async function purgeShopperRecordsInEveryShop(db: PlatformDb) {
  const shops = await db.selectFrom("platform.shops").select(["id", "schema_name"]).where("status", "<>", "closed").orderBy("id").execute();
  const totals = { shops: 0, sessions: 0, carts: 0, reservations: 0 };
  await forEachShop("purge-expired-shopper-records", shops, async (shop) => {
    const shopDb = tenantDb(db, shop.schema_name);
    const purged = await purgeExpiredShopperRecords(shopDb);
    totals.reservations += await purgeExpiredReservations(shopDb);
    totals.shops++;
    totals.sessions += purged.sessions;
    totals.carts += purged.carts;
  });
  return totals;
}

async function purgeOldSignalsInEveryShop(db: PlatformDb) {
  const shops = await db.selectFrom("platform.shops").select(["id", "schema_name"]).where("purged_at", "is", null).orderBy("id").execute();
  let purged = 0;
  await forEachShop("purge-old-signals", shops, async (shop) => {
    purged += await purgeOldSignals(tenantDb(db, shop.schema_name));
  });
  return { shops: shops.length, purged };
}

/** A task that works on another queue: opened on the job store for the task, closed after it. */
async function withQueue<Data, Result>(
  store: JobStore | undefined,
  task: MaintenanceTask,
  name: string,
  work: (queue: Queue<Data>) => Promise<Result>,
): Promise<Result> {
  if (!store) throw new Error(`${task} needs the job store`);
  const queue = openQueue<Data>(store, name);
  try {
    return await work(queue);
  } finally {
    await queue.close();
  }
}

async function withMailer<Result>(store: JobStore | undefined, task: MaintenanceTask, work: (send: DeliverMail) => Promise<Result>): Promise<Result> {
  if (!store) throw new Error(`${task} needs the job store`);
  const mailer = createMailer(store);
  try {
    return await work(mailer.deliver);
  } finally {
    await mailer.close();
  }
}

/** Plain function so the worker and tests run the same thing. */
export async function runMaintenance(db: PlatformDb, job: Pick<Job<MaintenanceJob>, "data">, store?: JobStore) {
  switch (job.data.task) {
    case "purge-expired-auth":
      return { ...(await purgeExpiredAuthRecords(db)), operatorSessions: await purgeExpiredOperatorSessions(db) };
    case "purge-expired-shopper-records":
      return purgeShopperRecordsInEveryShop(db);
    case "purge-stale-invitations":
      return purgeStaleInvitations(db);
    case "freeze-lapsed-shops":
      return { frozen: await withMailer(store, job.data.task, (send) => freezeLapsedShops(db, { platformOrigin: platformOrigin(readConfig()), send })) };
    case "purge-closed-shops":
      return { purged: await purgeClosedShops(db) };
    case "purge-stripe-events":
      return { purged: await purgeOldStripeEvents(db) };
    case "purge-old-signals":
      return purgeOldSignalsInEveryShop(db);
    case "requeue-stripe-events":
      return withQueue<StripeEventJob, Awaited<ReturnType<typeof requeueUnprocessedStripeEvents>>>(store, job.data.task, STRIPE_EVENTS_QUEUE, (queue) =>
        requeueUnprocessedStripeEvents(db, queue),
      );
    case "sync-recommendation-schedulers":
      return withQueue<RecommendationJob, Awaited<ReturnType<typeof syncRecommendationSchedulers>>>(store, job.data.task, RECOMMENDATIONS_QUEUE, (queue) =>
        syncRecommendationSchedulers(db, queue),
      );
    case "meter-shops": {
      const shops = await refreshAllShopCounts(db);
      await takePlatformSnapshot(db);
      return { shops };
    }
    default:
      throw new Error(`unknown maintenance task: ${String((job.data as { task: unknown }).task)}`);
  }
}

/**
 * Registers the recurring maintenance schedules (idempotent: upsert by id) and
 * drops schedules for tasks this version no longer has.
 */
export async function scheduleMaintenance(store: JobStore): Promise<void> {
  const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
  try {
    for (const [task, every] of Object.entries(SCHEDULES) as [MaintenanceTask, number][]) {
      await queue.upsertJobScheduler(task, { every }, { name: task, data: { task }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    }
    for (const scheduler of await queue.getJobSchedulers()) {
      if (!(scheduler.key in SCHEDULES)) await queue.removeJobScheduler(scheduler.key);
    }
  } finally {
    await queue.close();
  }
}

export function startMaintenanceWorker(store: JobStore, db: PlatformDb) {
  return startWorker<MaintenanceJob>(store, MAINTENANCE_QUEUE, (job) => runMaintenance(db, job, store), { concurrency: 1 });
}
