import { sql } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import { currentMrr } from "./metering.server.ts";

export interface MonthMetrics {
  /** YYYY-MM, a UTC month. */
  month: string;
  /** In `currency` minor units: MRR at the month's end (now, for this month), GMV net of refunds, fees net of refunded fees. */
  mrr: string;
  gmv: string;
  fees: string;
  activeShops: number;
  closes: number;
  /** Closed shops over the shops live at the month's start, in basis points; null without a start figure. */
  churnBp: number | null;
  conversions: number;
  /** Trials that became paying over trials that ended (converted or lapsed), in basis points. */
  conversionBp: number | null;
}

function monthsBack(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  return months;
}

const ratioBp = (part: number, whole: number | null) => (whole ? Math.round((part * 10_000) / whole) : null);

/**
 * The platform month by month, from platform tables only (the fee ledger, daily snapshots and the lifecycle
 * history), never from shops' schemas. Money is in the plans' currency; ledger rows in other currencies are left
 * out rather than added as if they were the same money.
 *
 * @example
 *   const { currency, months } = await monthlyMetrics(db, { months: 12 })
 */
export async function monthlyMetrics(db: PlatformDb, { months: count = 12, now = new Date() } = {}): Promise<{ currency: string; months: MonthMetrics[] }> {
  const months = monthsBack(now, count);
  const start = `${months[0]}-01`;
  const live = await currentMrr(db);
  const { currency } = live;
  const [ledger, snapshots, events, activeNow] = await Promise.all([
    db
      .selectFrom("platform.ledger_months")
      .select([sql<string>`to_char(month, 'YYYY-MM')`.as("month"), "gmv", "fees"])
      .where("currency", "=", currency)
      .where("month", ">=", new Date(`${start}T00:00:00Z`))
      .execute(),
    // The last snapshot of each month, and of the month before the first (for its churn).
    sql<{ month: string; mrr: string; active_shops: number }>`
      select distinct on (to_char(day, 'YYYY-MM')) to_char(day, 'YYYY-MM') as month, mrr::text, active_shops
        from platform.platform_snapshots
       where day >= ${start}::date - interval '1 month' and currency = ${currency}
       order by to_char(day, 'YYYY-MM'), day desc`.execute(db),
    db
      .selectFrom("platform.shop_status_changes")
      .select([
        sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM')`.as("month"),
        sql<string>`count(*) filter (where event = 'close')`.as("closes"),
        sql<string>`count(*) filter (where event = 'activate' and from_status = 'trial')`.as("conversions"),
        sql<string>`count(*) filter (where event = 'freeze' and from_status = 'trial')`.as("lapsed"),
      ])
      .where("created_at", ">=", new Date(`${start}T00:00:00Z`))
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom("platform.shops")
      .select(sql<string>`count(*)`.as("n"))
      .where("status", "in", ["trial", "active", "paused"])
      .executeTakeFirstOrThrow(),
  ]);
  const ledgerBy = new Map(ledger.map((r) => [r.month, r]));
  const snapshotBy = new Map(snapshots.rows.map((r) => [r.month, r]));
  const eventsBy = new Map(events.map((r) => [r.month, r]));
  const thisMonth = months[months.length - 1];
  const previous = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
  return {
    currency,
    months: months.map((month) => {
      const money = ledgerBy.get(month);
      const snapshot = month === thisMonth ? { mrr: live.amount, active_shops: Number(activeNow.n) } : snapshotBy.get(month);
      const happened = eventsBy.get(month);
      const closes = Number(happened?.closes ?? 0);
      const conversions = Number(happened?.conversions ?? 0);
      const lapsed = Number(happened?.lapsed ?? 0);
      const startActive = snapshotBy.get(previous(month))?.active_shops ?? null;
      return {
        month,
        mrr: String(snapshot?.mrr ?? 0),
        gmv: String(money?.gmv ?? 0),
        fees: String(money?.fees ?? 0),
        activeShops: Number(snapshot?.active_shops ?? 0),
        closes,
        churnBp: ratioBp(closes, startActive),
        conversions,
        conversionBp: ratioBp(conversions, conversions + lapsed || null),
      };
    }),
  };
}
