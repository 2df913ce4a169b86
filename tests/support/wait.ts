import { Job, type Queue } from "bullmq";

/**
 * Polls `probe` until it returns something other than undefined: for outcomes that another process (a worker, a
 * job store, a server) brings about in its own time, without a sleep that races it.
 *
 * @example const done = await waitFor(async () => (await queue.getJobs(["completed"]))[0]);
 */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 40): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits for a job to fail, and for its failure to be written down: on the PostgreSQL job store the state can read
 * "failed" a moment before the job's `failedReason` does.
 */
export async function failedJob<Data>(queue: Queue<Data>, id: string): Promise<Job<Data>> {
  return waitFor(async () => {
    const job = await Job.fromId<Data>(queue, id);
    return job && (await job.getState()) === "failed" && job.failedReason ? job : undefined;
  });
}
