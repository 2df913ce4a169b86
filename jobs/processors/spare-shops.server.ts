import type { Queue } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import { replenishSpareShops } from "../../tenants/provision.server.ts";
import { openQueue, startWorker, type JobStore } from "../queues.server.ts";

// A queue of its own, so refills never wait behind a long maintenance sweep during a burst of signups.
export const SPARE_SHOPS_QUEUE = "spare-shops";
const REFILL = "replenish-spare-shops";
export type SpareShopsJob = Record<string, never>;

const KEEP = { removeOnComplete: 100, removeOnFail: 100 };

/**
 * One refill now (a scheduler that already exists, from an earlier start,
 * doesn't run right away) and one every minute, in case a signup's request
 * was lost. Idempotent: the scheduler is upserted by id.
 */
export async function scheduleSpareShopRefills(store: JobStore): Promise<void> {
  const queue = openQueue<SpareShopsJob>(store, SPARE_SHOPS_QUEUE);
  try {
    await queue.upsertJobScheduler(REFILL, { every: 60_000 }, { name: REFILL, data: {}, opts: KEEP });
    await requestSpareShopRefill(queue);
  } finally {
    await queue.close();
  }
}

/**
 * Asks the worker to top the pool up. However many signups ask at once, at
 * most one refill waits while another runs (and that one loops until full).
 */
export async function requestSpareShopRefill(queue: Queue<SpareShopsJob>): Promise<void> {
  await queue.add(REFILL, {}, { ...KEEP, deduplication: { id: REFILL, keepLastIfActive: true } });
}

/** Keeps `target` spare shops provisioned (SPARE_SHOPS). */
export function startSpareShopWorker(store: JobStore, db: PlatformDb, target: number) {
  return startWorker<SpareShopsJob>(store, SPARE_SHOPS_QUEUE, async () => ({ added: await replenishSpareShops(db, target) }), { concurrency: 1 });
}
