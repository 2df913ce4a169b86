import { sql, type Kysely } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { PlatformDatabase, Shop } from "../db/types.ts";
import { tenantDb } from "./handle.server.ts";
import { forEachShop } from "./sweep.server.ts";

/**
 * Per-shop usage and the fee ledger (docs/decisions/019-metering-and-metrics.md). Shops report what happens to them
 * here, as it happens; the console reads only these platform tables, never the shops' schemas.
 */

export interface UsageDelta {
  orders?: number;
  /** Minor units of the shop's currency. */
  gmv?: bigint;
  refunds?: bigint;
  /** The platform's fees, net of refunded fees (may be negative). */
  fees?: bigint;
  emails?: number;
  jobMs?: number;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Adds to a shop's running totals and to its row for the UTC day, and marks it active.
 *
 * @example
 *   await meterShopUsage(db, shop.id, { emails: 1 })
 */
export async function meterShopUsage(
  db: Kysely<PlatformDatabase>,
  shopId: string,
  delta: UsageDelta,
  at = new Date(),
  currency: string | null = null,
): Promise<void> {
  const orders = delta.orders ?? 0;
  const gmv = String(delta.gmv ?? 0n);
  const refunds = String(delta.refunds ?? 0n);
  const fees = String(delta.fees ?? 0n);
  const emails = delta.emails ?? 0;
  const jobMs = Math.max(0, Math.round(delta.jobMs ?? 0));
  // Running totals, and the day's row; the sums happen in the database, so concurrent reports never lose one.
  const add = (table: string, column: string) => sql<never>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  await db
    .insertInto("platform.shop_usage")
    .values({ shop_id: shopId, orders, gmv: sql`${gmv}::bigint - ${refunds}::bigint`, emails, job_ms: jobMs, currency, last_activity_at: at })
    .onConflict((oc) =>
      oc.column("shop_id").doUpdateSet({
        orders: add("platform.shop_usage", "orders"),
        gmv: add("platform.shop_usage", "gmv"),
        emails: add("platform.shop_usage", "emails"),
        job_ms: add("platform.shop_usage", "job_ms"),
        currency: sql`coalesce(platform.shop_usage.currency, excluded.currency)`,
        last_activity_at: sql`greatest(platform.shop_usage.last_activity_at, excluded.last_activity_at)`,
      }),
    )
    .execute();
  await db
    .insertInto("platform.shop_usage_daily")
    .values({ shop_id: shopId, day: utcDay(at), orders, gmv, refunds, fees, emails, job_ms: jobMs })
    .onConflict((oc) =>
      oc.columns(["shop_id", "day"]).doUpdateSet({
        orders: add("platform.shop_usage_daily", "orders"),
        gmv: add("platform.shop_usage_daily", "gmv"),
        refunds: add("platform.shop_usage_daily", "refunds"),
        fees: add("platform.shop_usage_daily", "fees"),
        emails: add("platform.shop_usage_daily", "emails"),
        job_ms: add("platform.shop_usage_daily", "job_ms"),
      }),
    )
    .execute();
}

export interface PaymentFee {
  shopId: string;
  /** The Stripe PaymentIntent (or test gateway payment) id: a second delivery of the same payment changes nothing. */
  paymentId: string;
  /** What the shopper paid, in minor units. */
  amount: bigint;
  /** The application fee taken on it (platformFeeFor). */
  fee: bigint;
  currency: string;
  at: Date;
}

/**
 * Records a succeeded payment's fee in the ledger and meters the order and its GMV, once per payment id (webhooks
 * arrive twice and out of order). Returns false for a payment already recorded.
 */
export async function recordPaymentFee(db: PlatformDb, payment: PaymentFee): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("platform.fee_ledger")
      .values({
        shop_id: payment.shopId,
        kind: "payment",
        source_id: payment.paymentId,
        amount: payment.amount,
        fee: payment.fee,
        currency: payment.currency,
        occurred_at: payment.at,
      })
      .onConflict((oc) => oc.columns(["kind", "source_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return false;
    await meterShopUsage(trx, payment.shopId, { orders: 1, gmv: payment.amount, fees: payment.fee }, payment.at, payment.currency);
    await addToLedgerMonth(trx, payment.at, payment.currency, payment.amount, payment.fee);
    return true;
  });
}

async function addToLedgerMonth(db: Kysely<PlatformDatabase>, at: Date, currency: string, gmv: bigint, fees: bigint): Promise<void> {
  await db
    .insertInto("platform.ledger_months")
    .values({ month: `${at.toISOString().slice(0, 7)}-01`, currency, gmv, fees })
    .onConflict((oc) =>
      oc.columns(["month", "currency"]).doUpdateSet({
        gmv: sql`platform.ledger_months.gmv + excluded.gmv`,
        fees: sql`platform.ledger_months.fees + excluded.fees`,
      }),
    )
    .execute();
}

/** Records a refund and the part of the fee given back, once per refund id. */
export async function recordRefundFee(
  db: PlatformDb,
  refund: { shopId: string; refundId: string; amount: bigint; feeRefunded: bigint; currency: string; at: Date },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("platform.fee_ledger")
      .values({
        shop_id: refund.shopId,
        kind: "refund",
        source_id: refund.refundId,
        amount: refund.amount,
        fee: refund.feeRefunded,
        currency: refund.currency,
        occurred_at: refund.at,
      })
      .onConflict((oc) => oc.columns(["kind", "source_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return false;
    await meterShopUsage(trx, refund.shopId, { refunds: refund.amount, fees: -refund.feeRefunded }, refund.at);
    await addToLedgerMonth(trx, refund.at, refund.currency, -refund.amount, -refund.feeRefunded);
    return true;
  });
}

/** Products and stored media bytes, read from one shop's schema and kept in its usage row (the hourly job). */
export async function refreshShopCounts(db: PlatformDb, shop: Pick<Shop, "id" | "schema_name">): Promise<void> {
  const shopDb = tenantDb(db, shop.schema_name);
  const [products, media] = await Promise.all([
    shopDb
      .selectFrom("products")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    shopDb
      .selectFrom("product_media")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("byte_size"), sql<string>`0`).as("bytes"))
      .executeTakeFirstOrThrow(),
  ]);
  await db
    .insertInto("platform.shop_usage")
    .values({ shop_id: shop.id, products: Number(products.n), storage_bytes: media.bytes })
    .onConflict((oc) => oc.column("shop_id").doUpdateSet({ products: Number(products.n), storage_bytes: media.bytes }))
    .execute();
}

/** Refreshes every live shop's counts, one shop at a time (never a query across shops). */
export async function refreshAllShopCounts(db: PlatformDb): Promise<number> {
  const shops = await db.selectFrom("platform.shops").select(["id", "schema_name"]).where("purged_at", "is", null).orderBy("id").execute();
  await forEachShop("meter-shops", shops, (shop) => refreshShopCounts(db, shop));
  return shops.length;
}

/** MRR and shops by state, today, from the registry; kept once a day for the charts. */
export async function takePlatformSnapshot(db: PlatformDb, day = utcDay(new Date())): Promise<void> {
  const [counts, mrr] = await Promise.all([
    db
      .selectFrom("platform.shops")
      .select([
        sql<string>`count(*) filter (where status in ('active', 'paused', 'trial'))`.as("active"),
        sql<string>`count(*) filter (where status = 'trial')`.as("trial"),
        sql<string>`count(*) filter (where status in ('active', 'paused') and billed_price is not null)`.as("paying"),
      ])
      .executeTakeFirstOrThrow(),
    currentMrr(db),
  ]);
  const values = {
    day,
    mrr: mrr.amount,
    currency: mrr.currency,
    active_shops: Number(counts.active),
    trial_shops: Number(counts.trial),
    paying_shops: Number(counts.paying),
  };
  await db
    .insertInto("platform.platform_snapshots")
    .values(values)
    .onConflict((oc) => oc.column("day").doUpdateSet(values))
    .execute();
}

/**
 * Monthly recurring revenue now: the prices locked for paying shops' current periods, in the plans' currency
 * (the currency of the first plan; shops billed in another are left out rather than added as if the same).
 */
export async function currentMrr(db: Kysely<PlatformDatabase>): Promise<{ amount: string; currency: string }> {
  const plan = await db.selectFrom("platform.plans").select("currency").orderBy("position").orderBy("id").executeTakeFirst();
  const currency = plan?.currency ?? "USD";
  const { amount } = await db
    .selectFrom("platform.shops")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("billed_price"), sql<string>`0`).as("amount"))
    .where("status", "in", ["active", "paused"])
    .where("billed_currency", "=", currency)
    .executeTakeFirstOrThrow();
  return { amount: String(amount), currency };
}
