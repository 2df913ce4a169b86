import type { Job } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import { purgeExpiredAuthRecords } from "../../server/auth.server.ts";
import { openQueue, startWorker, type JobStore } from "../queues.server.ts";

export const MAINTENANCE_QUEUE = "maintenance";
export type MaintenanceJob = { task: "purge-expired-auth" };

/** Plain function so the worker and tests run the same thing. */
export async function runMaintenance(db: PlatformDb, job: Pick<Job<MaintenanceJob>, "data">) {
  switch (job.data.task) {
    case "purge-expired-auth":
      return purgeExpiredAuthRecords(db);
    default:
      throw new Error(`unknown maintenance task: ${String((job.data as { task: unknown }).task)}`);
  }
}

/** Registers the recurring maintenance schedule (idempotent: upsert by id). */
export async function scheduleMaintenance(store: JobStore): Promise<void> {
  const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
  try {
    await queue.upsertJobScheduler("purge-expired-auth", { every: 60 * 60 * 1000 }, { name: "purge-expired-auth", data: { task: "purge-expired-auth" } });
  } finally {
    await queue.close();
  }
}

export function startMaintenanceWorker(store: JobStore, db: PlatformDb) {
  return startWorker<MaintenanceJob>(store, MAINTENANCE_QUEUE, (job) => runMaintenance(db, job), { concurrency: 1 });
}
