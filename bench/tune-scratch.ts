import { readLines, splitAt, score } from "./recs-data.ts";
import type { Signal } from "../shop/recommendations/compute.ts";
const cutoff = new Date("2011-10-10T00:00:00Z");
const lines = await readLines("/work/shared/data/online_retail/train.csv.gz");
const split = splitAt(lines, cutoff);
const signals: Signal[] = split.train.map((l) => ({ basket: l.invoice, user: l.customer ? `c${l.customer}` : null, productId: l.item, kind: "purchase", at: l.at, quantity: l.quantity }));
for (const file of process.argv.slice(2)) {
  const { buildModel } = await import(file);
  const model = buildModel(signals, { now: cutoff, perUser: 20 });
  const trending = model.trending.map((p: any) => p.productId);
  const ours = {
    forYou: (c: string) => { const picks = (model.forYou.get(`c${c}`) ?? []).map((p: any) => p.productId); const s = new Set(picks); return [...picks, ...trending.filter((x: string) => !s.has(x))]; },
    together: (i: string) => { const picks = (model.boughtTogether.get(i) ?? []).map((p: any) => p.productId); const s = new Set(picks); return [...picks, ...trending.filter((x: string) => !s.has(x) && x !== i)]; },
  };
  const r = score(split, ours);
  console.log(file, "all", r.for_you.all["ndcg@10"].toFixed(4), "new", r.for_you.new["ndcg@10"].toFixed(4), "bt", r.bought_together["hr@10"].toFixed(4));
}
