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
