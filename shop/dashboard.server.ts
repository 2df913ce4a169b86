import { sql } from "kysely";
import type { MemberRole } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { SALE_STATUSES } from "./orders.server.ts";
import { can } from "./permissions.ts";

/**
 * The admin home: a checklist until the shop launches, then its sales. Every period is a UTC
 * calendar day or month, said so on the page, so the figures don't depend on the server's zone.
 */

export interface OnboardingStep {
  key: "product" | "theme" | "payouts" | "policies" | "launch";
  label: string;
  description: string;
  done: boolean;
  /** Where the merchant does it; the launch step is a button on the page instead. */
  href: string | null;
}

export async function getOnboarding(
  db: TenantDb,
  {
    slug,
    role,
    paymentsReady,
  }: { slug: string; role: MemberRole; /** The shop can take payments: Stripe says so, or the test gateway stands in. */ paymentsReady: boolean },
): Promise<{ launchedAt: Date | null; steps: OnboardingStep[] }> {
  const [settings, product, theme, policy] = await Promise.all([
    db.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow(),
    db.selectFrom("products").select("id").limit(1).executeTakeFirst(),
    // Picking a theme is publishing one, customised or as it comes: until then the storefront wears the default unasked.
    db.selectFrom("theme_settings").select("theme_id").where("published_at", "is not", null).limit(1).executeTakeFirst(),
    db
      .selectFrom("policies")
      .select("handle")
      .where(sql<string>`btrim(body_html)`, "<>", "")
      .limit(1)
      .executeTakeFirst(),
  ]);
  const admin = `/admin/${slug}`;
  const steps: OnboardingStep[] = [
    {
      key: "product",
      label: "Add a product",
      description: "Put something on sale: a title, a price and a photo are enough.",
      done: Boolean(product),
      href: `${admin}/products/new`,
    },
    {
      key: "theme",
      label: "Pick a theme",
      description: "Choose how your storefront looks, customise it if you like, and publish it.",
      done: Boolean(theme),
      href: `${admin}/themes`,
    },
  ];
  if (can(role, "payouts")) {
    steps.push({
      key: "payouts",
      label: "Connect payouts",
      description: "Connect Stripe so shoppers can pay and the money reaches your bank.",
      done: paymentsReady,
      href: `${admin}/payments`,
    });
  }
  steps.push(
    {
      key: "policies",
      label: "Set your policies",
      description: "Refunds, privacy, terms and shipping: shoppers look for them before they buy.",
      done: Boolean(policy),
      href: `${admin}/settings/policies`,
    },
    { key: "launch", label: "Launch your shop", description: "Open your storefront to shoppers.", done: Boolean(settings.launched_at), href: null },
  );
  return { launchedAt: settings.launched_at, steps };
}

/**
 * The steps still open before launch that the merchant hasn't confirmed launching without (`confirmed`: their keys,
 * as the confirmation named them). Launching goes ahead only when this is empty, so a shop never opens with unfinished
 * steps nobody saw, nor with one that came undone after the merchant was asked.
 */
export function unconfirmedSteps(steps: OnboardingStep[], confirmed: string[]): OnboardingStep[] {
  return steps.filter((s) => s.key !== "launch" && !s.done && !confirmed.includes(s.key));
}

/** Sets launched_at once; launching a launched shop changes nothing. */
export async function launchShop(db: TenantDb, actor: Actor, now = new Date()): Promise<{ launched: boolean }> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("settings")
      .set({ launched_at: now, updated_at: now })
      .where("launched_at", "is", null)
      .returning("launched_at")
      .executeTakeFirst();
    if (!updated) return { launched: false };
    await recordAudit(trx, actor, { action: "shop.launched", subjectType: "settings", summary: "Launched the shop" });
    return { launched: true };
  });
}

const DAY_MS = 86_400_000;

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function startOfUtcMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** Orders that count as sales, in the shop's currency, placed in [from, to). */
function sales(db: TenantDb, currency: string, from: Date, to: Date) {
  return db
    .selectFrom("orders as o")
    .where("o.financial_status", "in", SALE_STATUSES)
    .where("o.currency", "=", currency)
    .where("o.cancelled_at", "is", null)
    .where("o.created_at", ">=", from)
    .where("o.created_at", "<", to);
}

export interface PeriodFigures {
  /** Sum of paid order totals, minor units. */
  sales: string;
  /** Paid orders. */
  orders: number;
}

async function period(db: TenantDb, currency: string, from: Date, to: Date): Promise<PeriodFigures> {
  const row = await sales(db, currency, from, to)
    .select((eb) => [eb.fn.countAll<string>().as("orders"), eb.fn.coalesce(eb.fn.sum<string>("o.total"), eb.val("0")).as("sales")])
    .executeTakeFirstOrThrow();
  return { sales: String(row.sales), orders: Number(row.orders) };
}

export interface TopProduct {
  productId: string | null;
  title: string;
  units: number;
  /** Line totals before order discounts, minor units. */
  revenue: string;
}

async function topProducts(db: TenantDb, currency: string, from: Date, to: Date, by: "units" | "revenue", limit: number): Promise<TopProduct[]> {
  const units = sql<string>`sum(l.quantity)`;
  const revenue = sql<string>`sum(l.total)`;
  // Lines of deleted products have no product id; they group by the title they were sold under.
  const key = sql`coalesce(l.product_id::text, 'title:' || l.title)`;
  const rows = await sales(db, currency, from, to)
    .innerJoin("order_lines as l", "l.order_id", "o.id")
    .select([sql<string | null>`min(l.product_id)`.as("product_id"), sql<string>`min(l.title)`.as("title"), units.as("units"), revenue.as("revenue")])
    .groupBy(key)
    .orderBy(by === "units" ? units : revenue, "desc")
    .orderBy(by === "units" ? revenue : units, "desc")
    .orderBy(sql`min(l.title)`)
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    productId: row.product_id === null ? null : String(row.product_id),
    title: row.title,
    units: Number(row.units),
    revenue: String(row.revenue),
  }));
}

export interface SalesSummary {
  currency: string;
  today: PeriodFigures;
  month: PeriodFigures;
  topByUnits: TopProduct[];
  topByRevenue: TopProduct[];
}

/** Today's and this month's figures (UTC) and the month's best sellers. */
export async function getSalesSummary(db: TenantDb, currency: string, now: Date): Promise<SalesSummary> {
  const today = startOfUtcDay(now);
  const tomorrow = new Date(today.getTime() + DAY_MS);
  const month = startOfUtcMonth(now);
  const [todayFigures, monthFigures, topByUnits, topByRevenue] = await Promise.all([
    period(db, currency, today, tomorrow),
    period(db, currency, month, tomorrow),
    topProducts(db, currency, month, tomorrow, "units", 5),
    topProducts(db, currency, month, tomorrow, "revenue", 5),
  ]);
  return { currency, today: todayFigures, month: monthFigures, topByUnits, topByRevenue };
}

export interface DailySales {
  /** YYYY-MM-DD, a UTC day. */
  date: string;
  sales: string;
  orders: number;
}

/** One entry per UTC day for the `days` days ending today, days without sales included. */
export async function getDailySales(db: TenantDb, currency: string, now: Date, days = 30): Promise<DailySales[]> {
  const tomorrow = new Date(startOfUtcDay(now).getTime() + DAY_MS);
  const first = new Date(tomorrow.getTime() - days * DAY_MS);
  const day = sql<string>`to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await sales(db, currency, first, tomorrow)
    .select([day.as("date"), (eb) => eb.fn.countAll<string>().as("orders"), (eb) => eb.fn.sum<string>("o.total").as("sales")])
    .groupBy(day)
    .execute();
  const byDate = new Map(rows.map((row) => [row.date, row]));
  return Array.from({ length: days }, (_, i) => {
    const date = new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const row = byDate.get(date);
    return { date, sales: row ? String(row.sales) : "0", orders: row ? Number(row.orders) : 0 };
  });
}
