import { UnrecoverableError, Worker, type Job, type WorkerOptions } from "bullmq";
import type { PlatformDb } from "../db/database.server.ts";
import type { Shop, ShopStatus } from "../db/types.ts";
import { accessFor } from "../tenants/lifecycle.ts";
import { meterShopUsage } from "../tenants/metering.server.ts";
import type { JobStore } from "./queues.server.ts";

/** What every job about one shop carries: ids only; the shop (and so its schema) comes from the registry. */
export type ShopJobData = { shopId: string };

/** What a skipped job returns: the shop's lifecycle state stopped it (frozen, suspended, closed). */
export type SkippedShopJob = { skipped: ShopStatus };

const RECORD_ID = /^[1-9]\d{0,17}$/;

export interface ShopJobHandlers<Data extends ShopJobData, Result> {
  run(job: Job<Data>, shop: Shop): Promise<Result>;
  /** Called instead of `run` when the shop's lifecycle stops its jobs, e.g. to tell the merchant the import didn't run. */
  skipped?(job: Job<Data>, shop: Shop): Promise<void>;
}

/**
 * Runs one job about a shop, the one place that decides whether it may run at all: a malformed id or an unknown
 * shop fails the job for good (no retry can fix it); a shop whose lifecycle state stops jobs (tenants/lifecycle.ts)
 * skips it.
 */
export async function runShopJob<Data extends ShopJobData, Result>(
  db: PlatformDb,
  job: Job<Data>,
  handlers: ShopJobHandlers<Data, Result>,
): Promise<Result | SkippedShopJob> {
  const shopId = String(job.data.shopId);
  if (!RECORD_ID.test(shopId)) throw new UnrecoverableError(`job ${job.name}/${job.id}: malformed shop id`);
  const shop = await db.selectFrom("platform.shops").selectAll().where("id", "=", shopId).executeTakeFirst();
  if (!shop) throw new UnrecoverableError(`job ${job.name}/${job.id}: unknown shop ${shopId}`);
  if (!accessFor(shop.status).jobs) {
    await handlers.skipped?.(job, shop);
    return { skipped: shop.status };
  }
  const started = performance.now();
  try {
    return await handlers.run(job, shop);
  } finally {
    // Job time is part of a shop's usage, failed runs included.
    await meterShopUsage(db, shop.id, { jobMs: performance.now() - started });
  }
}

/**
 * The worker for a queue of per-shop jobs: every job goes through runShopJob, so a suspended, frozen or closed
 * shop's jobs are skipped without each processor having to remember to check.
 *
 * @example
 *   startShopWorker<ImportJob, Report>(store, db, "catalogue-transfers", { run: (job, shop) => importFor(shop, job.data) })
 */
export function startShopWorker<Data extends ShopJobData, Result>(
  store: JobStore,
  db: PlatformDb,
  name: string,
  handlers: ShopJobHandlers<Data, Result>,
  options: Omit<WorkerOptions, "connection"> = {},
): Worker<Data, Result | SkippedShopJob> {
  return new Worker<Data, Result | SkippedShopJob>(
    name,
    (job) => runShopJob(db, job, handlers),
    { ...options, connection: store.connection, prefix: store.prefix } as never,
    store.factory,
  );
}
