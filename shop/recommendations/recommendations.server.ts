import { sql } from "kysely";
import type { RecommendationList } from "../../db/types.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { recordAudit, type Actor } from "../audit.server.ts";
import { isHandle } from "../handles.ts";
import type { Model, Pick, Signal } from "./compute.ts";
import { computeModel } from "./model.server.ts";

/**
 * One shop's recommendations: the job that computes them (`runRecommendations`, called by the worker, the CLI and
 * the evaluation harness) and the reads the storefront and the admin make. Everything goes through the shop's
 * handle. See docs/decisions/027-recommendations.md.
 */

/** Orders older than this don't feed the model (signals are purged after the shop's retention period anyway). */
const ORDER_HISTORY_DAYS = 730;
const DAY = 86_400_000;
const PINNED_REASON = "Pinned by the shop";
/** Rows per INSERT … SELECT FROM unnest(…): one round trip each, well under PostgreSQL's parameter limit. */
const WRITE_CHUNK = 20_000;

export interface RunReport {
  generation: string;
  signals: number;
  products: number;
  users: number;
  rows: number;
  repeatBuyers: boolean;
  tookMs: number;
}

/** Everything the model reads: the shop's orders (not cancelled) and its shoppers' views, carts and purchases. */
export async function loadSignals(db: TenantDb, now: Date): Promise<Signal[]> {
  const since = new Date(now.getTime() - ORDER_HISTORY_DAYS * DAY);
  const [lines, events] = await Promise.all([
    db
      .selectFrom("order_lines as l")
      .innerJoin("orders as o", "o.id", "l.order_id")
      .leftJoin("customers as c", "c.id", "o.customer_id")
      .select(["o.id as order_id", "c.id as customer_id", "l.product_id", "o.created_at"])
      .where("o.cancelled_at", "is", null)
      .where("o.financial_status", "!=", "voided")
      .where("o.created_at", ">=", since)
      .where("l.product_id", "is not", null)
      // A deleted account's orders still say what went together, but nobody is recommended to from them.
      .where((eb) => eb.or([eb("c.id", "is", null), eb("c.deleted_at", "is", null)]))
      .execute(),
    db
      .selectFrom("shopper_signals")
      .select(["visitor_id", "customer_id", "product_id", "kind", "order_id", "at"])
      .where((eb) => eb.or([eb("customer_id", "is not", null), eb("visitor_id", "is not", null)]))
      .execute(),
  ]);
  const signals: Signal[] = lines.map((l) => ({
    basket: l.order_id,
    user: l.customer_id ? `c${l.customer_id}` : null,
    productId: l.product_id!,
    kind: "purchase",
    at: l.created_at,
  }));
  for (const e of events) {
    // A customer's purchases are already in the orders; a guest's are linked to their visitor id here.
    if (e.kind === "purchase" && (e.customer_id || !e.order_id)) continue;
    const user = e.customer_id ? `c${e.customer_id}` : `v${e.visitor_id}`;
    signals.push({ basket: e.kind === "purchase" ? e.order_id! : "", user, productId: e.product_id, kind: e.kind, at: e.at });
  }
  return signals;
}

/**
 * Computes the shop's recommendations and replaces the previous ones in one transaction, so a run that dies
 * half-way leaves the last good lists in place. Two runs over the same data give the same lists. Concurrent runs
 * for one shop take turns on the state row.
 *
 * @example
 *   const report = await runRecommendations(tenantDb(db, shop.schema_name));
 */
export async function runRecommendations(db: TenantDb, now = new Date()): Promise<RunReport> {
  const started = performance.now();
  const [signals, active] = await Promise.all([loadSignals(db, now), db.selectFrom("products").select("id").where("status", "=", "active").execute()]);
  const model = await computeModel(signals, { now, recommendable: active.map((p) => p.id) });
  const rows = await modelRows(db, model);
  return db.transaction().execute(async (trx) => {
    const state = await trx.selectFrom("recommendation_state").select("generation").forUpdate().executeTakeFirstOrThrow();
    await trx.deleteFrom("recommendations").execute();
    for (let start = 0; start < rows.list.length; start += WRITE_CHUNK) {
      const slice = <T>(values: T[]) => values.slice(start, start + WRITE_CHUNK);
      const unnest = sql`unnest(${slice(rows.list)}::text[], ${slice(rows.subject)}::text[], ${slice(rows.productId)}::bigint[], ${slice(rows.score)}::float8[], ${slice(rows.reason)}::text[])`;
      await trx
        .insertInto("recommendations")
        .columns(["list", "subject", "product_id", "score", "reason"])
        .expression((eb) => eb.selectFrom(unnest.as("u")).selectAll())
        .execute();
    }
    await applyRules(trx);
    const generation = String(BigInt(state.generation) + 1n);
    const tookMs = Math.round(performance.now() - started);
    await trx
      .updateTable("recommendation_state")
      .set({ generation, computed_at: now, took_ms: tookMs, signals: signals.length, repeat_buyers: model.repeatBuyers })
      .execute();
    return {
      generation,
      signals: signals.length,
      products: model.boughtTogether.size,
      users: model.forYou.size,
      rows: rows.list.length,
      repeatBuyers: model.repeatBuyers,
      tookMs,
    };
  });
}

/** The model as column arrays for the bulk insert; "for you" reasons name the product they come from. */
async function modelRows(db: TenantDb, model: Model) {
  const rows = { list: [] as RecommendationList[], subject: [] as string[], productId: [] as string[], score: [] as number[], reason: [] as string[] };
  const because = new Set<string>();
  for (const picks of model.forYou.values()) for (const p of picks) if (p.reason.startsWith("because:")) because.add(p.reason.slice(8));
  const titles = new Map<string, string>();
  const wanted = [...because];
  for (let start = 0; start < wanted.length; start += WRITE_CHUNK) {
    const found = await db
      .selectFrom("products")
      .select(["id", "title"])
      .where("id", "in", wanted.slice(start, start + WRITE_CHUNK))
      .execute();
    for (const p of found) titles.set(p.id, p.title);
  }
  const push = (list: RecommendationList, subject: string, picks: Pick[]) => {
    for (const p of picks) {
      rows.list.push(list);
      rows.subject.push(subject);
      rows.productId.push(p.productId);
      rows.score.push(p.score);
      const from = p.reason.startsWith("because:") ? titles.get(p.reason.slice(8)) : undefined;
      rows.reason.push(p.reason.startsWith("because:") ? (from ? `Goes with ${from}` : "") : p.reason);
    }
  };
  for (const [productId, picks] of model.boughtTogether) push("bought_together", productId, picks);
  for (const [user, picks] of model.forYou) push("for_you", user, picks);
  push("trending", "", model.trending);
  return rows;
}

/** The merchant's pins lead a product's "bought together" list and exclusions leave it, run or no run. */
export async function applyRules(db: TenantDb, productId?: string): Promise<void> {
  await db
    .deleteFrom("recommendations")
    .where("list", "=", "bought_together")
    .$if(productId !== undefined, (q) => q.where("subject", "=", productId!))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("recommendation_rules as r")
          .select("r.rule")
          .where("r.rule", "=", "exclude")
          .whereRef("r.other_product_id", "=", "recommendations.product_id")
          .where((eb) => eb(sql<string>`${eb.ref("r.product_id")}::text`, "=", eb.ref("recommendations.subject"))),
      ),
    )
    .execute();
  await db
    .insertInto("recommendations")
    .columns(["list", "subject", "product_id", "score", "reason"])
    .expression((eb) =>
      eb
        .selectFrom("recommendation_rules as r")
        .select(({ ref }) => [
          sql.lit("bought_together").as("list"),
          sql<string>`${ref("r.product_id")}::text`.as("subject"),
          "r.other_product_id",
          // Pins rank above every computed pick (those are at most 1), the newest pin first.
          sql<number>`2 + extract(epoch from ${ref("r.created_at")}) / 1e10`.as("score"),
          sql.lit(PINNED_REASON).as("reason"),
        ])
        .where("r.rule", "=", "pin")
        .$if(productId !== undefined, (q) => q.where("r.product_id", "=", productId!)),
    )
    .onConflict((oc) =>
      oc.columns(["list", "subject", "product_id"]).doUpdateSet((eb) => ({ score: eb.ref("excluded.score"), reason: eb.ref("excluded.reason") })),
    )
    .execute();
}

/** A recommended product as a block shows it: which product, and why (the admin shows the reason). */
export interface Recommended {
  productId: string;
  reason: string;
  list: RecommendationList;
}

interface BlockOptions {
  /** Never shown: the product on the page, what is already in the cart. */
  exclude?: readonly string[];
  limit: number;
}

/**
 * The picks of one list and subject, topped up from trending, in one indexed read: only active products in stock
 * (or selling when sold out), never one in `exclude`.
 */
async function readBlock(db: TenantDb, list: RecommendationList, subjects: readonly string[], { exclude = [], limit }: BlockOptions): Promise<Recommended[]> {
  const excluded = exclude.filter((id) => /^\d{1,18}$/.test(id));
  const rows = await db
    .selectFrom("recommendations as r")
    .innerJoin("products as p", "p.id", "r.product_id")
    .select(["r.product_id", "r.reason", "r.list"])
    .where((eb) =>
      eb.or([
        ...(subjects.length ? [eb.and([eb("r.list", "=", list), eb("r.subject", "in", subjects)])] : []),
        eb.and([eb("r.list", "=", "trending"), eb("r.subject", "=", "")]),
      ]),
    )
    .where("p.status", "=", "active")
    .where("p.available", "=", true)
    .$if(excluded.length > 0, (q) => q.where("r.product_id", "not in", excluded))
    .orderBy(sql`r.list = 'trending'`)
    .orderBy("r.score", "desc")
    .orderBy("r.product_id")
    .limit(2 * limit + excluded.length)
    .execute();
  const seen = new Set<string>();
  const picks: Recommended[] = [];
  for (const row of rows) {
    if (seen.has(row.product_id) || picks.length >= limit) continue;
    seen.add(row.product_id);
    picks.push({ productId: row.product_id, reason: row.reason, list: row.list });
  }
  return picks;
}

/**
 * "Frequently bought together" for a product page, trending where the shop knows too little yet.
 *
 * @example
 *   const picks = await boughtTogether(db, product.id, { exclude: cartProductIds, limit: 4 });
 */
export function boughtTogether(db: TenantDb, productId: string, options: BlockOptions): Promise<Recommended[]> {
  return readBlock(db, "bought_together", [productId], { ...options, exclude: [productId, ...(options.exclude ?? [])] });
}

/** "Recommended for you": the customer's list, else the visitor's, topped up from trending (new visitors get trending). */
export function recommendedFor(
  db: TenantDb,
  shopper: { customerId?: string | null; visitorId?: string | null },
  options: BlockOptions,
): Promise<Recommended[]> {
  const subjects = [shopper.customerId ? `c${shopper.customerId}` : null, shopper.visitorId ? `v${shopper.visitorId}` : null].filter(
    (s): s is string => s !== null,
  );
  return readBlock(db, "for_you", subjects, options);
}

/** What the admin shows on a product's recommendations page; null for a product that doesn't exist. */
export async function productRecommendationsForAdmin(db: TenantDb, productId: string) {
  if (!/^\d{1,18}$/.test(productId)) return null;
  const product = await db.selectFrom("products").select(["id", "title", "handle"]).where("id", "=", productId).executeTakeFirst();
  if (!product) return null;
  const [picks, rules, state] = await Promise.all([
    db
      .selectFrom("recommendations as r")
      .innerJoin("products as p", "p.id", "r.product_id")
      .select(["p.id", "p.title", "p.handle", "p.status", "p.available", "r.reason", "r.score"])
      .where("r.list", "=", "bought_together")
      .where("r.subject", "=", productId)
      .orderBy("r.score", "desc")
      .orderBy("p.id")
      .limit(20)
      .execute(),
    db
      .selectFrom("recommendation_rules as r")
      .innerJoin("products as p", "p.id", "r.other_product_id")
      .select(["p.id", "p.title", "r.rule"])
      .where("r.product_id", "=", productId)
      .orderBy("r.rule")
      .orderBy("p.title")
      .execute(),
    db.selectFrom("recommendation_state").select(["computed_at", "signals"]).executeTakeFirstOrThrow(),
  ]);
  return { product, picks, rules, computedAt: state.computed_at, signals: state.signals };
}

export type RuleChange = { ok: true; message: string } | { ok: false; error: string };

/**
 * Pins a product to another's "bought together" list, excludes it, or (rule null) lifts either; takes effect at
 * once (the next run applies it again). `other` is the handle the merchant typed.
 */
export async function setRecommendationRule(db: TenantDb, actor: Actor, productId: string, other: string, rule: "pin" | "exclude" | null): Promise<RuleChange> {
  if (!/^\d{1,18}$/.test(productId)) return { ok: false, error: "That product no longer exists." };
  return db.transaction().execute(async (trx) => {
    const product = await trx.selectFrom("products").select(["id", "title"]).where("id", "=", productId).executeTakeFirst();
    if (!product) return { ok: false, error: "That product no longer exists." };
    const target =
      isHandle(other) || /^\d{1,18}$/.test(other)
        ? await trx
            .selectFrom("products")
            .select(["id", "title"])
            .where((eb) => (/^\d{1,18}$/.test(other) ? eb("id", "=", other) : eb("handle", "=", other)))
            .executeTakeFirst()
        : undefined;
    if (!target) return { ok: false, error: "No product has that handle." };
    if (target.id === product.id) return { ok: false, error: "A product can't be recommended with itself." };
    if (rule) {
      await trx
        .insertInto("recommendation_rules")
        .values({ product_id: product.id, other_product_id: target.id, rule })
        .onConflict((oc) => oc.columns(["product_id", "other_product_id"]).doUpdateSet({ rule }))
        .execute();
    } else {
      await trx.deleteFrom("recommendation_rules").where("product_id", "=", product.id).where("other_product_id", "=", target.id).execute();
      // A lifted pin leaves at once; the next run ranks the product on its merits.
      await trx
        .deleteFrom("recommendations")
        .where("list", "=", "bought_together")
        .where("subject", "=", product.id)
        .where("product_id", "=", target.id)
        .where("reason", "=", PINNED_REASON)
        .execute();
    }
    await applyRules(trx, product.id);
    const what = rule === "pin" ? "pinned to" : rule === "exclude" ? "excluded from" : "back to normal in";
    const message = `${target.title} ${what} the recommendations of ${product.title}.`;
    await recordAudit(trx, actor, { action: "product.recommendations", subjectType: "product", subjectId: product.id, summary: message });
    return { ok: true, message };
  });
}

/** How the recommendation blocks did since `since`: views, add-to-carts and sales that came from a block. */
export async function recommendationPerformance(db: TenantDb, since: Date) {
  const [counts, sales] = await Promise.all([
    db
      .selectFrom("shopper_signals")
      .select(["kind", (eb) => eb.fn.countAll<string>().as("n")])
      .where("source", "is not", null)
      .where("at", ">=", since)
      .groupBy("kind")
      .execute(),
    db
      .selectFrom("shopper_signals as s")
      .innerJoin("order_lines as l", (join) => join.onRef("l.order_id", "=", "s.order_id").onRef("l.product_id", "=", "s.product_id"))
      .select((eb) => [eb.fn.count<string>("s.order_id").distinct().as("orders"), eb.fn.coalesce(eb.fn.sum<string>("l.total"), eb.val("0")).as("revenue")])
      .where("s.kind", "=", "purchase")
      .where("s.source", "is not", null)
      .where("s.at", ">=", since)
      .executeTakeFirstOrThrow(),
  ]);
  const count = (kind: string) => Number(counts.find((c) => c.kind === kind)?.n ?? 0);
  return { views: count("view"), addToCarts: count("cart"), orders: Number(sales.orders), revenue: String(sales.revenue) };
}
