import { readLines, splitAt } from "./recs-data.ts";
import { buildModel, type Signal } from "../shop/recommendations/compute.ts";
const cutoff = new Date("2011-10-10T00:00:00Z");
const lines = await readLines("/work/shared/data/online_retail/train.csv.gz");
const split = splitAt(lines, cutoff);
const signals: Signal[] = split.train.map((l) => ({ basket: l.invoice, user: l.customer ? `c${l.customer}` : null, productId: l.item, kind: "purchase", at: l.at, quantity: l.quantity }));
for (let k = 0; k < 2; k++) { const t = performance.now(); buildModel(signals, { now: cutoff }); console.log(Math.round(performance.now() - t)); }
