import { Job, UnrecoverableError, type Queue, type WorkerOptions } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import { runRecommendations, type RunReport } from "../../shop/recommendations/recommendations.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import type { JobStore } from "../queues.server.ts";
import { startShopWorker, type ShopJobData } from "../shop-jobs.server.ts";

/**
 * Recommendations (docs/decisions/027-recommendations.md): one queue; each shop has one job scheduler, created when
 * the shop is provisioned and removed when it closes. Its single pending job is the shop's only one: asking for an
 * earlier run (a burst of orders) moves that job forward instead of adding another, so a busy shop can never queue a
 * backlog ahead of the others.
 */
export const RECOMMENDATIONS_QUEUE = "recommendations";
export type RecommendationJob = ShopJobData;

/** Runs per day per shop. */
const RUNS_PER_DAY = 4;
/** How soon a requested run starts: the orders of the next minute or so go into the same run. */
export const REQUESTED_RUN_DELAY_MS = 60_000;
/** Shops computed at once by one worker process; each run is a few seconds of CPU and one transaction. */
const CONCURRENCY = 2;

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential" as const, delay: 30_000 },
  removeOnComplete: 100,
  removeOnFail: 500,
};

const schedulerId = (shopId: string) => `recommendations-${shopId}`;

/**
 * The shop's cron pattern: every six hours, at a minute and hour offset taken from its id, so a thousand shops'
 * runs spread over the day instead of starting together.
 */
export function recommendationPattern(shopId: string): string {
  const slot = Number(BigInt(shopId) % BigInt((24 / RUNS_PER_DAY) * 60));
  return `${slot % 60} ${Math.floor(slot / 60)}/${24 / RUNS_PER_DAY} * * *`;
}

/** Creates (or updates, when the pattern changed) the shop's scheduler. Called when a shop is provisioned. */
export async function scheduleRecommendations(queue: Queue<RecommendationJob>, shopId: string): Promise<void> {
  // The first run straight away: a new shop has trending at once, a reopened one fresh lists.
  await queue.upsertJobScheduler(
    schedulerId(shopId),
    { pattern: recommendationPattern(shopId), tz: "UTC", immediately: true },
    { name: "compute", data: { shopId }, opts: JOB_OPTIONS },
  );
}

/**
 * Puts right what an outage of the job store left undone: an open shop without a scheduler gets one, a scheduler
 * whose shop closed or is gone is removed. Run hourly by the maintenance worker, never at boot.
 */
export async function syncRecommendationSchedulers(db: PlatformDb, queue: Queue<RecommendationJob>): Promise<{ created: number; removed: number }> {
  const shops = await db.selectFrom("platform.shops").select(["id", "status"]).where("purged_at", "is", null).execute();
  const open = new Set(shops.filter((s) => s.status !== "closed").map((s) => s.id));
  const existing = new Set<string>();
  let removed = 0;
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const shopId = /^recommendations-(\d+)$/.exec(scheduler.key)?.[1];
    if (!shopId) continue;
    if (open.has(shopId)) existing.add(shopId);
    else if (await queue.removeJobScheduler(scheduler.key)) removed++;
  }
  let created = 0;
  for (const shopId of open) {
    if (existing.has(shopId)) continue;
    await scheduleRecommendations(queue, shopId);
    created++;
  }
  return { created, removed };
}

/** Removes the shop's scheduler and its pending run. Called when a shop closes. */
export async function unscheduleRecommendations(queue: Queue<RecommendationJob>, shopId: string): Promise<void> {
  await queue.removeJobScheduler(schedulerId(shopId));
}

/**
 * Asks for a run soon (new orders came in). The shop's scheduled job is moved forward to `delayMs` from now when it
 * is further away than that; a job already waiting or running will read the new orders anyway. So however many
 * times a shop asks, it has one pending job. Returns whether the run was moved.
 */
export async function requestRecommendations(queue: Queue<RecommendationJob>, shopId: string, delayMs = REQUESTED_RUN_DELAY_MS): Promise<boolean> {
  const scheduler = await queue.getJobScheduler(schedulerId(shopId));
  if (!scheduler?.next || scheduler.next - Date.now() <= delayMs) return false;
  // BullMQ names a scheduler's pending job after the scheduler and its due time.
  const job = await Job.fromId<RecommendationJob>(queue, `repeat:${schedulerId(shopId)}:${scheduler.next}`);
  if (!job) return false;
  try {
    await job.changeDelay(delayMs);
    return true;
  } catch {
    // It left the delayed state in the meantime (it is starting): that run reads the new orders.
    return false;
  }
}

/**
 * The worker: bounded concurrency, retries with backoff; a job for a shop that is gone or closed is never retried.
 * A worker that dies mid-run leaves its job to be picked up again once its lock lapses (BullMQ's stalled jobs).
 */
export function startRecommendationsWorker(store: JobStore, db: PlatformDb, options: Omit<WorkerOptions, "connection"> = {}) {
  return startShopWorker<RecommendationJob, RunReport>(
    store,
    db,
    RECOMMENDATIONS_QUEUE,
    {
      run: (_job, shop) => runRecommendations(tenantDb(db, shop.schema_name)),
      async skipped(job, shop) {
        // A closed shop never comes back to this scheduler (reopening creates a new one): stop retrying it.
        if (shop.status === "closed") throw new UnrecoverableError(`job ${job.id}: shop ${shop.id} is closed`);
      },
    },
    { concurrency: CONCURRENCY, ...options },
  );
}
