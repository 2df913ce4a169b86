import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { parseMoney } from "../shop/money.ts";

/**
 * The evaluation protocol of issue 11 for order-line files such as ../shared/data/online_retail/train.csv.gz:
 * cleaning, the split at a cutoff, the three baselines and the metrics. bench/recs-eval.ts runs our real job
 * against it; this module holds what does not touch the database.
 */

export interface Line {
  invoice: string;
  item: string;
  description: string;
  quantity: number;
  /** Pence, read by the money module; 1 for the file's sub-penny prices (0.001), which GBP can't hold. */
  unitPrice: number;
  at: Date;
  customer: string | null;
}

const STOCK_CODE = /^\d{5}[A-Za-z]{0,2}$/;
const GBP = { currency: "GBP", locale: "en-GB" };

/** The price only prices the throwaway shop's products (it never ranks anything), so a sub-penny one becomes 1p. */
function pence(text: string): number {
  const read = parseMoney(text, GBP, { extraZeros: true });
  return read.ok ? Number(read.value) : 1;
}

/** Reads and cleans the file: no cancellations, no returns or free lines, products only (upper-cased codes). */
export async function readLines(file: string): Promise<Line[]> {
  const lines: Line[] = [];
  const input = createReadStream(file);
  const rows = (file.endsWith(".gz") ? input.pipe(createGunzip()) : input).pipe(parse({ columns: true, relax_quotes: true }));
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    if (row.InvoiceNo.startsWith("C")) continue;
    const quantity = Number(row.Quantity);
    const price = Number(row.UnitPrice);
    const code = row.StockCode.trim();
    if (!(quantity > 0) || !(price > 0) || !STOCK_CODE.test(code)) continue;
    // "2011-01-31 13:05:00", UK local time; the hour doesn't matter at a day's cutoff.
    const at = new Date(`${row.InvoiceDate.replace(" ", "T")}Z`);
    lines.push({
      invoice: row.InvoiceNo,
      item: code.toUpperCase(),
      description: row.Description.trim(),
      quantity,
      unitPrice: pence(row.UnitPrice),
      at,
      customer: row.CustomerID ? String(Math.trunc(Number(row.CustomerID))) : null,
    });
  }
  return lines;
}

export interface Split {
  train: Line[];
  test: Line[];
  /** Every item known before the cutoff: the catalogue a ranking may use. */
  catalogue: Set<string>;
}

export function splitAt(lines: readonly Line[], cutoff: Date): Split {
  const train = lines.filter((l) => l.at < cutoff);
  const test = lines.filter((l) => l.at >= cutoff);
  return { train, test, catalogue: new Set(train.map((l) => l.item)) };
}

/** A ranking for a customer, or for a query item ("bought together"). */
export type Ranker = { forYou(customer: string): string[]; together(item: string): string[] };

export interface RankingMetrics {
  "hr@10": number;
  "p@10": number;
  "recall@20": number;
  "ndcg@10": number;
}
export interface TogetherMetrics {
  "hr@10": number;
  "p@10": number;
}
export interface Scores {
  for_you: { all: RankingMetrics; new: RankingMetrics };
  bought_together: TogetherMetrics;
}

/** Distinct items per customer, before and after the cutoff. */
function customerItems(lines: readonly Line[]): Map<string, Set<string>> {
  const items = new Map<string, Set<string>>();
  for (const l of lines) {
    if (!l.customer) continue;
    let set = items.get(l.customer);
    if (!set) items.set(l.customer, (set = new Set()));
    set.add(l.item);
  }
  return items;
}

function rankingMetrics(cases: { ranking: string[]; truth: Set<string> }[]): RankingMetrics {
  let hr = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  for (const { ranking, truth } of cases) {
    const top10 = ranking.slice(0, 10);
    const hits10 = top10.filter((item) => truth.has(item)).length;
    if (hits10) hr++;
    precision += hits10 / 10;
    recall += ranking.slice(0, 20).filter((item) => truth.has(item)).length / truth.size;
    let dcg = 0;
    top10.forEach((item, rank) => (dcg += truth.has(item) ? 1 / Math.log2(rank + 2) : 0));
    let ideal = 0;
    for (let rank = 0; rank < Math.min(truth.size, 10); rank++) ideal += 1 / Math.log2(rank + 2);
    ndcg += dcg / ideal;
  }
  const n = cases.length || 1;
  return { "hr@10": hr / n, "p@10": precision / n, "recall@20": recall / n, "ndcg@10": ndcg / n };
}

/** A small seeded generator (mulberry32), so the query items are the same on every run. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The "bought together" cases: per later order with two known items or more, up to three query items. */
export function togetherCases(split: Split, seed = 11): { query: string; others: Set<string> }[] {
  const orders = new Map<string, Set<string>>();
  for (const l of split.test) {
    if (!split.catalogue.has(l.item)) continue;
    let set = orders.get(l.invoice);
    if (!set) orders.set(l.invoice, (set = new Set()));
    set.add(l.item);
  }
  const random = seeded(seed);
  const cases: { query: string; others: Set<string> }[] = [];
  for (const invoice of [...orders.keys()].sort()) {
    const items = [...orders.get(invoice)!].sort();
    if (items.length < 2) continue;
    for (let k = 0; k < 3 && items.length; k++) {
      const query = items.splice(Math.floor(random() * items.length), 1)[0];
      cases.push({ query, others: new Set([...orders.get(invoice)!].filter((item) => item !== query)) });
    }
  }
  return cases;
}

/** Scores a ranker by the protocol: "for you" on all items and on new ones, and "bought together". */
export function score(split: Split, ranker: Ranker, together = togetherCases(split)): Scores {
  const before = customerItems(split.train);
  const after = customerItems(split.test);
  const all: { ranking: string[]; truth: Set<string> }[] = [];
  const fresh: { ranking: string[]; truth: Set<string> }[] = [];
  for (const [customer, truth] of [...after].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const had = before.get(customer);
    if (!had) continue;
    const ranking = ranker.forYou(customer).filter((item) => split.catalogue.has(item));
    all.push({ ranking, truth });
    const newTruth = new Set([...truth].filter((item) => !had.has(item)));
    if (newTruth.size) fresh.push({ ranking: ranking.filter((item) => !had.has(item)), truth: newTruth });
  }
  let hits = 0;
  let precision = 0;
  for (const { query, others } of together) {
    const top10 = ranker.together(query).slice(0, 10);
    const found = top10.filter((item) => others.has(item)).length;
    if (found) hits++;
    precision += found / 10;
  }
  const n = together.length || 1;
  return { for_you: { all: rankingMetrics(all), new: rankingMetrics(fresh) }, bought_together: { "hr@10": hits / n, "p@10": precision / n } };
}

/** Rankings deep enough for "new" after a customer's own items are removed. */
const DEPTH = 20;

/** The three baselines of the protocol, all over the lines before the cutoff. */
export function baselines(split: Split, cutoff: Date): Record<"popularity" | "buy_again" | "cooccurrence", Ranker> {
  const invoices = new Map<string, Set<string>>();
  for (const l of split.train) {
    let set = invoices.get(l.invoice);
    if (!set) invoices.set(l.invoice, (set = new Set()));
    set.add(l.item);
  }
  // Popularity: orders containing the item in the last 30 days; all-time orders break ties.
  const recentFrom = new Date(cutoff.getTime() - 30 * 86_400_000);
  const recentInvoices = new Set(split.train.filter((l) => l.at >= recentFrom).map((l) => l.invoice));
  const recent = new Map<string, number>();
  const allTime = new Map<string, number>();
  for (const [invoice, items] of invoices) {
    for (const item of items) {
      allTime.set(item, (allTime.get(item) ?? 0) + 1);
      if (recentInvoices.has(invoice)) recent.set(item, (recent.get(item) ?? 0) + 1);
    }
  }
  const popular = [...split.catalogue].sort(
    (a, b) => (recent.get(b) ?? 0) - (recent.get(a) ?? 0) || (allTime.get(b) ?? 0) - (allTime.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  const rank = new Map(popular.map((item, i) => [item, i]));
  const byScoreThenPopularity = (scores: Map<string, number>) =>
    [...scores].sort((a, b) => b[1] - a[1] || rank.get(a[0])! - rank.get(b[0])!).map(([item]) => item);
  const fill = (head: string[], exclude?: string) => {
    const seen = new Set(head);
    const out = [...head];
    for (const item of popular) {
      if (out.length >= DEPTH + 400) break;
      if (!seen.has(item) && item !== exclude) out.push(item);
    }
    return out;
  };

  // Buy it again: how many of the customer's orders had the item.
  const bought = new Map<string, Map<string, number>>();
  const invoiceCustomer = new Map(split.train.map((l) => [l.invoice, l.customer]));
  for (const [invoice, items] of invoices) {
    const customer = invoiceCustomer.get(invoice);
    if (!customer) continue;
    let counts = bought.get(customer);
    if (!counts) bought.set(customer, (counts = new Map()));
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  }

  // Raw co-occurrence: orders containing both.
  const co = new Map<string, Map<string, number>>();
  for (const items of invoices.values()) {
    const list = [...items];
    for (const a of list) {
      let row = co.get(a);
      if (!row) co.set(a, (row = new Map()));
      for (const b of list) if (b !== a) row.set(b, (row.get(b) ?? 0) + 1);
    }
  }
  const coTogether = new Map<string, string[]>();
  const together = (item: string) => {
    let ranked = coTogether.get(item);
    if (!ranked) coTogether.set(item, (ranked = fill(byScoreThenPopularity(co.get(item) ?? new Map()).slice(0, DEPTH), item).slice(0, DEPTH)));
    return ranked;
  };
  const popularTogether = (item: string) => popular.filter((other) => other !== item).slice(0, DEPTH);

  return {
    popularity: { forYou: () => popular.slice(0, DEPTH + 400), together: popularTogether },
    buy_again: { forYou: (customer) => fill(byScoreThenPopularity(bought.get(customer) ?? new Map())), together: popularTogether },
    cooccurrence: {
      forYou(customer) {
        const scores = new Map<string, number>();
        for (const item of bought.get(customer)?.keys() ?? []) {
          for (const [other, count] of co.get(item) ?? []) scores.set(other, (scores.get(other) ?? 0) + count);
        }
        return fill(byScoreThenPopularity(scores));
      },
      together,
    },
  };
}
