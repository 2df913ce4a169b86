import { Worker } from "node:worker_threads";
import { buildModel, type Model, type ModelOptions, type Signal } from "./compute.ts";

/**
 * Signals from which the model is computed on a worker thread. Below it the model takes well under a second and a
 * thread's start-up (loading TypeScript, about 300 ms) would cost more than it frees; above it, computing inline
 * would block the job worker's event loop for seconds, and with it every other shop's job (bench/recs-queue.ts).
 */
export const THREAD_THRESHOLD = 50_000;

/**
 * `buildModel`, run where it doesn't hold up other shops' jobs: inline for a small shop, on its own worker thread
 * for a large one. Same inputs, same model.
 *
 * @example
 *   const model = await computeModel(signals, { now, recommendable });
 */
export function computeModel(signals: readonly Signal[], options: ModelOptions, threadThreshold = THREAD_THRESHOLD): Promise<Model> {
  if (signals.length < threadThreshold) return Promise.resolve(buildModel(signals, options));
  // Columns rather than objects: far cheaper to copy to the thread, and the timestamps move without a copy.
  const at = new Float64Array(signals.length);
  const columns = { basket: [] as string[], user: [] as (string | null)[], productId: [] as string[], kind: [] as string[], at };
  signals.forEach((s, i) => {
    columns.basket.push(s.basket);
    columns.user.push(s.user);
    columns.productId.push(s.productId);
    columns.kind.push(s.kind);
    at[i] = s.at.getTime();
  });
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./model-thread.mjs", import.meta.url), {
      workerData: { columns, options: { ...options, now: options.now.getTime() } },
      transferList: [at.buffer],
    });
    worker.once("message", (model: Model) => resolve(model));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the recommendation model's thread exited with code ${code}`)));
  });
}
