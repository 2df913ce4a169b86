import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { Shop } from "../db/types.ts";
import { formatMoney } from "../shop/money.ts";
import { changeShopStatus, type ChangeOptions } from "./lifecycle.server.ts";
import { changeShopPlan, findPlan, lockPeriodPrice } from "./plans.server.ts";

/**
 * Merchants paying the platform (docs/decisions/020-billing-events.md). A gateway (Stripe Billing, or the offline
 * test gateway) reports what happened as billing events; `applyBillingEvent` is the one place they change a shop,
 * once per event id, whatever order they arrive in.
 */

export type BillingEventType = "invoice.paid" | "invoice.payment_failed" | "subscription.canceled";

export interface BillingEvent {
  /** The gateway's event id (Stripe `evt_…`): applying the same event twice changes nothing. */
  id: string;
  type: BillingEventType;
  shopId: string;
  subscriptionId: string;
  /** invoice.paid: the plan the invoice was for, and the end of the period it pays. */
  planId?: string;
  periodEnd?: Date;
  /** The invoice's amount (Stripe's amount_paid / amount_due), in minor units of `currency`. */
  amount?: bigint;
  currency?: string;
  at: Date;
}

export type BillingOutcome = "applied" | "duplicate" | "stale";

/**
 * Applies one billing event:
 * - `invoice.paid` locks the period's price, records the plan and period end, clears an overdue invoice, and
 *   brings a trial to active and a frozen shop back (a suspended or closed shop stays as the operator left it);
 * - `invoice.payment_failed` starts the grace period (the hourly job freezes the shop when it ends);
 * - `subscription.canceled` forgets the subscription; the shop keeps what it paid for until the period ends.
 * An invoice for a period that ends before the one already paid is stale and ignored (deliveries come out of order).
 */
export async function applyBillingEvent(
  db: PlatformDb,
  event: BillingEvent,
  options: Pick<ChangeOptions, "platformOrigin" | "send" | "registry">,
): Promise<BillingOutcome> {
  const outcome = await db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto("platform.billing_events")
      .values({
        id: event.id,
        shop_id: event.shopId,
        type: event.type,
        occurred_at: event.at,
        plan_id: event.planId ?? null,
        amount: event.amount ?? null,
        currency: event.currency ?? null,
        period_end: event.periodEnd ?? null,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!fresh) return "duplicate" as const;
    const shop = await trx.selectFrom("platform.shops").selectAll().where("id", "=", event.shopId).forUpdate().executeTakeFirstOrThrow();
    if (event.type === "invoice.payment_failed") {
      await trx
        .updateTable("platform.shops")
        .set({ payment_overdue_since: sql`coalesce(payment_overdue_since, ${event.at})` })
        .where("id", "=", shop.id)
        .execute();
      return "applied" as const;
    }
    if (event.type === "subscription.canceled") {
      await trx
        .updateTable("platform.shops")
        .set({ subscription_id: null })
        .where("id", "=", shop.id)
        .where("subscription_id", "=", event.subscriptionId)
        .execute();
      return "applied" as const;
    }
    if (shop.current_period_end && event.periodEnd && event.periodEnd <= shop.current_period_end) return "stale" as const;
    return "applied" as const;
  });
  if (outcome !== "applied" || event.type !== "invoice.paid") return outcome;

  // invoice.paid: the plan first (its price is the one locked), then the period, then the lifecycle.
  if (event.planId && (await findPlan(db, event.planId))) await changeShopPlan(db, event.shopId, event.planId, { kind: "billing" });
  await db
    .updateTable("platform.shops")
    .set({ subscription_id: event.subscriptionId, current_period_end: event.periodEnd ?? null, payment_overdue_since: null })
    .where("id", "=", event.shopId)
    .execute();
  await lockPeriodPrice(db, event.shopId);
  const { status } = await db.selectFrom("platform.shops").select("status").where("id", "=", event.shopId).executeTakeFirstOrThrow();
  const lifecycle = status === "trial" ? "activate" : status === "frozen" ? "unfreeze" : null;
  if (lifecycle) await changeShopStatus(db, event.shopId, lifecycle, { ...options, actor: { kind: "billing" }, reason: "Invoice paid." });
  return "applied";
}

/**
 * The offline test gateway's checkout: the merchant "pays" on a page of ours, and the gateway sends the events
 * Stripe would (here, straight to applyBillingEvent). `npm run demo` and the tests run the whole cycle with it.
 */
export async function payWithTestGateway(
  db: PlatformDb,
  shop: Pick<Shop, "id" | "subscription_id">,
  planId: string,
  options: Pick<ChangeOptions, "platformOrigin" | "send" | "registry">,
  now = new Date(),
): Promise<BillingOutcome> {
  const plan = await findPlan(db, planId);
  if (!plan) throw new Error(`no plan ${planId}`);
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes()));
  return applyBillingEvent(
    db,
    {
      id: `test_evt_${randomBytes(12).toString("hex")}`,
      type: "invoice.paid",
      shopId: shop.id,
      subscriptionId: shop.subscription_id ?? `test_sub_${randomBytes(8).toString("hex")}`,
      planId,
      periodEnd,
      amount: BigInt(plan.monthly_price),
      currency: plan.currency,
      at: now,
    },
    options,
  );
}

/** A shop's invoices, newest first: paid and failed ones, from the billing events. */
export async function listInvoices(db: PlatformDb, shopId: string, limit = 24) {
  const rows = await db
    .selectFrom("platform.billing_events as e")
    .leftJoin("platform.plans as p", "p.id", "e.plan_id")
    .select(["e.id", "e.type", "e.occurred_at", "e.amount", "e.currency", "e.period_end", "p.name as plan_name"])
    .where("e.shop_id", "=", shopId)
    .where("e.type", "in", ["invoice.paid", "invoice.payment_failed"])
    .orderBy("e.occurred_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    date: r.occurred_at.toISOString().slice(0, 10),
    status: r.type === "invoice.paid" ? "Paid" : "Payment failed",
    plan: r.plan_name ?? "",
    amount: r.amount !== null && r.currency ? formatMoney(r.amount, r.currency) : "",
    until: r.period_end ? r.period_end.toISOString().slice(0, 10) : "",
  }));
}

export type InvoiceLine = Awaited<ReturnType<typeof listInvoices>>[number];
