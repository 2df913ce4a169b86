/**
 * The recommendation model: plain arithmetic over one shop's signals, with no database and no clock of its own,
 * so the job, the evaluation harness (bench/recs-eval.ts) and the tests run the very same code.
 *
 * - Item to item ("bought together"): products that share a basket (an order; or one shopper's carts or views of
 *   a day) score together, each basket weighted by its signal (purchase > cart > view) and its age, with large
 *   baskets counting less per pair. A candidate's score is divided by its own popularity to a power, so that
 *   bestsellers, which co-occur with everything, don't crowd out what really goes together.
 * - "For you": the shopper's own history (recent and repeated purchases weigh most) spread over its items'
 *   neighbours; where the shop's customers buy the same products again, their own purchases rank too ("buy it
 *   again").
 * - Trending: recent popularity, the fallback for new visitors and new shops.
 *
 * Ties always fall back to popularity, then to the product id, so two runs over the same data give the same lists.
 */

export type SignalKind = "view" | "cart" | "purchase";

export interface Signal {
  /** An order id for purchases; signals of one user and one day form one basket for views and carts. */
  basket: string;
  /** `c<customer id>` or `v<visitor id>`; null: a guest purchase nobody can be recommended to later. */
  user: string | null;
  productId: string;
  kind: SignalKind;
  at: Date;
}

export interface Pick {
  productId: string;
  score: number;
  reason: string;
}

export interface ModelOptions {
  now: Date;
  /**
   * Products that may be recommended, newest first; the others still count as context (e.g. archived ones bought
   * before). Trending is topped up with the newest of them, so a shop without any signal yet still has a list.
   */
  recommendable?: readonly string[];
  /** Picks kept per product, per user and for trending. */
  perProduct?: number;
  perUser?: number;
  trending?: number;
}

export interface Model {
  boughtTogether: Map<string, Pick[]>;
  forYou: Map<string, Pick[]>;
  trending: Pick[];
  /** Whether customers buy the same product again often enough to show "buy it again". */
  repeatBuyers: boolean;
}

const DAY = 86_400_000;
/** How much one basket of each kind counts. */
const KIND_WEIGHT: Record<SignalKind, number> = { purchase: 1, cart: 0.5, view: 0.15 };
/** Age at which a signal counts half (item to item and "for you"). */
const HALF_LIFE_DAYS = 120;
/** Age of a shopper's last purchase of a product at which its recency bonus in "buy it again" is half. */
const LAST_PURCHASE_HALF_LIFE_DAYS = 60;
/** Trending looks at the last weeks, the most recent days most. */
const TRENDING_HALF_LIFE_DAYS = 10;
const TRENDING_WINDOW_DAYS = 30;
/** A trickle of all-time popularity under the recent one, so quiet weeks still rank something. */
const ALL_TIME_SHARE = 0.01;
/**
 * A candidate's co-occurrence is divided by its popularity to this power: 0 is raw co-occurrence (bestsellers
 * everywhere), 1 favours rarities. "Bought together" needs little of it; "for you" more, as the protocol's "new"
 * items are the ones a shopper wouldn't have found among the bestsellers anyway.
 */
const TOGETHER_DAMPING = 0.15;
const FOR_YOU_DAMPING = 0.7;
/** In "for you", the share of the score that is recent popularity rather than the shopper's neighbours. */
const POPULARITY_PRIOR = 0.5;
/** Neighbours of each history item that "for you" spreads over. */
const NEIGHBOURS = 60;
/** Popular products every shopper's "for you" also considers, beyond their neighbours. */
const POPULAR_CANDIDATES = 100;
/** The share of customers' product purchases that are repeats from which the shop counts as selling "again" products. */
const REPEAT_SHARE = 0.15;
/**
 * "Buy it again" scores a product the shopper bought by how many times they bought it, plus up to this much for
 * recent popularity (what is in season), plus up to 1 each for a recent last purchase and for its neighbours in
 * their history. Raw counts keep a product bought five times above one bought once; the bonuses order the rest.
 */
const OWN_POPULARITY_WEIGHT = 3;
/** Baskets bigger than this (wholesale orders of hundreds of lines) count for popularity but not for pairs. */
const MAX_PAIR_BASKET = 150;

function decay(ageMs: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageMs) / (halfLifeDays * DAY));
}

/** Builds every list from the shop's signals. */
export function buildModel(signals: readonly Signal[], options: ModelOptions): Model {
  const { now, perProduct = 20, perUser = 20, trending: trendingSize = 50 } = options;
  const nowMs = now.getTime();

  // Products become small integers; baskets and users are grouped by key.
  const index = new Map<string, number>();
  const ids: string[] = [];
  const idOf = (productId: string) => {
    let i = index.get(productId);
    if (i === undefined) {
      i = ids.length;
      index.set(productId, i);
      ids.push(productId);
    }
    return i;
  };
  const baskets = new Map<string, { weight: number; kind: SignalKind; items: Set<number> }>();
  const histories = new Map<string, Map<number, { weight: number; purchases: number; lastPurchase: number }>>();
  for (const s of signals) {
    const item = idOf(s.productId);
    const age = nowMs - s.at.getTime();
    const basketKey = s.kind === "purchase" ? `o${s.basket}` : `${s.kind}:${s.user}:${Math.floor(s.at.getTime() / DAY)}`;
    let basket = baskets.get(basketKey);
    if (!basket) baskets.set(basketKey, (basket = { weight: KIND_WEIGHT[s.kind] * decay(age, HALF_LIFE_DAYS), kind: s.kind, items: new Set() }));
    basket.items.add(item);
    if (s.user) {
      let history = histories.get(s.user);
      if (!history) histories.set(s.user, (history = new Map()));
      const entry = history.get(item) ?? { weight: 0, purchases: 0, lastPurchase: 0 };
      entry.weight += KIND_WEIGHT[s.kind] * decay(age, HALF_LIFE_DAYS);
      if (s.kind === "purchase") {
        entry.purchases++;
        entry.lastPurchase = Math.max(entry.lastPurchase, s.at.getTime());
      }
      history.set(item, entry);
    }
  }
  const n = ids.length;
  const allowed = options.recommendable ? new Set(options.recommendable) : null;
  const recommendable = (i: number) => !allowed || allowed.has(ids[i]);

  // Popularity: all-time weighted, and recent for trending.
  const popularity = new Float64Array(n);
  const recent = new Float64Array(n);
  const recentOrders = new Float64Array(n);
  const basketList = [...baskets.values()].map((b) => ({ weight: b.weight, purchase: b.kind === "purchase", items: Int32Array.from(b.items) }));
  for (const basket of basketList) for (const i of basket.items) popularity[i] += basket.weight;
  for (const s of signals) {
    const age = nowMs - s.at.getTime();
    if (age > TRENDING_WINDOW_DAYS * DAY) continue;
    const i = index.get(s.productId)!;
    recent[i] += KIND_WEIGHT[s.kind] * decay(age, TRENDING_HALF_LIFE_DAYS);
    if (s.kind === "purchase") recentOrders[i]++;
  }
  const byPopularity = (a: number, b: number) => popularity[b] - popularity[a] || (ids[a] < ids[b] ? -1 : 1);

  // Trending: recent popularity, then all-time popularity for shops (or weeks) with little recent activity.
  const trendingOrder = [...Array(n).keys()].filter(recommendable).sort((a, b) => recent[b] - recent[a] || byPopularity(a, b));
  const trending = trendingOrder.slice(0, trendingSize).map((i, rank) => ({
    productId: ids[i],
    score: trendingSize - rank,
    reason: recentOrders[i] ? `${plural(recentOrders[i], "order")} in the last ${TRENDING_WINDOW_DAYS} days` : "Popular in this shop",
  }));
  for (const productId of options.recommendable ?? []) {
    if (trending.length >= trendingSize) break;
    if (index.has(productId)) continue;
    trending.push({ productId, score: trendingSize - trending.length, reason: "New in the shop" });
  }

  // Item to item: each product's neighbours, scored and cut to the best few.
  const [neighbours, related] = itemNeighbours(basketList, popularity, [TOGETHER_DAMPING, FOR_YOU_DAMPING], Math.max(perProduct, NEIGHBOURS), byPopularity);
  const boughtTogether = new Map<string, Pick[]>();
  for (let i = 0; i < n; i++) {
    const picks: Pick[] = [];
    const { items, scores, orders, sessions } = neighbours[i];
    const top = scores[0] || 1;
    for (let k = 0; k < items.length && picks.length < perProduct; k++) {
      if (!recommendable(items[k])) continue;
      picks.push({ productId: ids[items[k]], score: scores[k] / top, reason: togetherReason(orders[k], sessions[k]) });
    }
    if (picks.length) boughtTogether.set(ids[i], picks);
  }

  // Do customers buy the same thing twice? Then their own purchases belong in "for you".
  let bought = 0;
  let repeated = 0;
  for (const history of histories.values()) {
    for (const entry of history.values()) {
      if (!entry.purchases) continue;
      bought++;
      if (entry.purchases > 1) repeated++;
    }
  }
  const repeatBuyers = bought > 0 && repeated / bought >= REPEAT_SHARE;

  // For you: the history spread over its neighbours; own purchases again where that is how the shop sells.
  const forYou = new Map<string, Pick[]>();
  const prior = Float64Array.from(recent, (r, i) => r + ALL_TIME_SHARE * popularity[i]);
  const maxPrior = prior.reduce((max, p) => Math.max(max, p), 1e-9);
  const priorTop = [...Array(n).keys()]
    .filter(recommendable)
    .sort((a, b) => prior[b] - prior[a] || byPopularity(a, b))
    .slice(0, POPULAR_CANDIDATES);
  const spread = new Float64Array(n);
  const because = new Int32Array(n);
  const strongest = new Float64Array(n);
  for (const [user, history] of histories) {
    const touched: number[] = [];
    for (const [i, entry] of history) {
      const { items, scores } = related[i];
      const top = scores[0] || 1;
      for (let k = 0; k < items.length; k++) {
        const j = items[k];
        const contribution = (entry.weight * scores[k]) / top;
        if (spread[j] === 0) touched.push(j);
        spread[j] += contribution;
        if (contribution > strongest[j]) {
          strongest[j] = contribution;
          because[j] = i;
        }
      }
    }
    let maxSpread = 0;
    for (const j of touched) maxSpread = Math.max(maxSpread, spread[j]);
    const freshScore = (j: number) => (1 - POPULARITY_PRIOR) * (spread[j] / (maxSpread || 1)) + POPULARITY_PRIOR * (prior[j] / maxPrior);
    const fresh = touched.filter((j) => recommendable(j) && !history.get(j)?.purchases);
    for (const j of priorTop) if (spread[j] === 0 && !history.has(j)) fresh.push(j);
    const freshScores = new Map(fresh.map((j) => [j, freshScore(j)]));
    const freshTop = best(fresh, 2 * perUser, (a, b) => freshScores.get(b)! - freshScores.get(a)! || byPopularity(a, b));
    const picks: Pick[] = freshTop.map((j) => ({
      productId: ids[j],
      score: freshScores.get(j)!,
      reason: spread[j] ? `because:${ids[because[j]]}` : "Popular right now",
    }));
    if (repeatBuyers) {
      for (const [i, entry] of history) {
        if (!entry.purchases || !recommendable(i)) continue;
        const score =
          entry.purchases +
          OWN_POPULARITY_WEIGHT * (prior[i] / maxPrior) +
          decay(nowMs - entry.lastPurchase, LAST_PURCHASE_HALF_LIFE_DAYS) +
          spread[i] / (maxSpread || 1);
        picks.push({ productId: ids[i], score, reason: `Bought ${plural(entry.purchases, "time")}` });
      }
    }
    for (const j of touched) {
      spread[j] = 0;
      strongest[j] = 0;
    }
    // The best of both first, then enough new products that "new to you" still has a full list.
    const order = (a: Pick, b: Pick) => b.score - a.score || byPopularity(index.get(a.productId)!, index.get(b.productId)!);
    const mixed = [...picks].sort(order).slice(0, perUser);
    const chosen = new Set(mixed.map((p) => p.productId));
    const kept = [
      ...mixed,
      ...picks
        .slice(0, freshTop.length)
        .filter((p) => !chosen.has(p.productId))
        .slice(0, perUser),
    ];
    if (kept.length) forYou.set(user, kept);
  }
  return { boughtTogether, forYou, trending, repeatBuyers };
}

interface Neighbours {
  items: Int32Array;
  scores: Float64Array;
  /** How many orders, and how many shoppers' days of carts or views, the pair shared. */
  orders: Uint32Array;
  sessions: Uint32Array;
}

/** Cells of the co-occurrence block: rows of products at a time, so memory stays bounded for any catalogue. */
const BLOCK_CELLS = 16_000_000;

/**
 * Every product's best `keep` neighbours. The co-occurrence matrix is dense (typed arrays, no per-pair objects),
 * built a block of rows at a time: one block for catalogues of up to 4,000 products, more for larger ones.
 */
function itemNeighbours(
  baskets: readonly { weight: number; purchase: boolean; items: Int32Array }[],
  popularity: Float64Array,
  dampings: readonly number[],
  keep: number,
  byPopularity: (a: number, b: number) => number,
): Neighbours[][] {
  const n = popularity.length;
  const damped = dampings.map((d) => Float64Array.from(popularity, (p) => Math.pow(Math.max(p, 1e-9), d)));
  const rows = Math.max(1, Math.min(n, Math.floor(BLOCK_CELLS / Math.max(n, 1))));
  const together = new Float32Array(rows * n);
  const orders = new Uint32Array(rows * n);
  const sessions = new Uint32Array(rows * n);
  const result: Neighbours[][] = dampings.map(() => new Array(n));
  const candidates: number[] = [];
  const scores = new Float64Array(n);
  for (let first = 0; first < n; first += rows) {
    const last = Math.min(n, first + rows);
    together.fill(0);
    orders.fill(0);
    sessions.fill(0);
    for (const { weight, purchase, items } of baskets) {
      if (items.length < 2 || items.length > MAX_PAIR_BASKET) continue;
      // A pair in a basket of 40 says less than a pair in a basket of 2.
      const pairWeight = weight / Math.log2(1 + items.length);
      for (const i of items) {
        if (i < first || i >= last) continue;
        const row = (i - first) * n;
        for (const j of items) {
          if (j === i) continue;
          together[row + j] += pairWeight;
          if (purchase) orders[row + j]++;
          else sessions[row + j]++;
        }
      }
    }
    for (let i = first; i < last; i++) {
      const row = (i - first) * n;
      candidates.length = 0;
      for (let j = 0; j < n; j++) if (together[row + j] > 0) candidates.push(j);
      damped.forEach((divisor, d) => {
        for (const j of candidates) scores[j] = together[row + j] / divisor[j];
        const top = best(candidates, keep, (a, b) => scores[b] - scores[a] || byPopularity(a, b));
        result[d][i] = {
          items: Int32Array.from(top),
          scores: Float64Array.from(top, (j) => scores[j]),
          orders: Uint32Array.from(top, (j) => orders[row + j]),
          sessions: Uint32Array.from(top, (j) => sessions[row + j]),
        };
      });
    }
  }
  return result;
}

/** The first `k` of `items` in `order`, without sorting them all (rows have thousands of candidates, we keep 60). */
function best(items: readonly number[], k: number, order: (a: number, b: number) => number): number[] {
  const kept: number[] = [];
  for (const item of items) {
    if (kept.length === k && order(item, kept[k - 1]) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (order(item, kept[mid]) < 0) high = mid;
      else low = mid + 1;
    }
    kept.splice(low, 0, item);
    if (kept.length > k) kept.pop();
  }
  return kept;
}

function togetherReason(orders: number, sessions: number): string {
  const parts = [orders ? `bought together in ${plural(orders, "order")}` : "", sessions ? `looked at together ${plural(sessions, "time")}` : ""];
  const text = parts.filter(Boolean).join(", ");
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

function plural(count: number, noun: string): string {
  // toLocaleString is slow, and this runs for every pick.
  return `${count < 1000 ? count : count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}
