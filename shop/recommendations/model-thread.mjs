// The recommendation model (compute.ts) on a worker thread, so a large shop's seconds of arithmetic don't hold up
// the job worker's event loop (see model.server.ts). Plain JavaScript: a thread starts without whatever TypeScript
// loader its parent runs under (tsx, vitest), so it registers tsx itself before loading the model.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { buildModel } = await import("./compute.ts");
const { columns, options } = workerData;
const signals = columns.productId.map((productId, i) => ({
  basket: columns.basket[i],
  user: columns.user[i],
  productId,
  kind: columns.kind[i],
  at: new Date(columns.at[i]),
}));
parentPort.postMessage(buildModel(signals, { ...options, now: new Date(options.now) }));
