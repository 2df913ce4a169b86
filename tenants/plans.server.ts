import { sql, type Kysely } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { Plan, PlatformDatabase, Shop } from "../db/types.ts";
import { amountProblem, formatMoney, formatPercent, isCurrencyCode, parseMoney, parsePercent, toInputAmount } from "../shop/money.ts";
import { tenantDb } from "./handle.server.ts";
import { readOperatorSettings, type StatusActor } from "./lifecycle.server.ts";
import { announceShopChange } from "./registry.server.ts";

export { PlanLimitError } from "./plan-limits.ts";

/** Plans in the order the pricing page shows them. */
export function listPlans(db: Kysely<PlatformDatabase>, { publicOnly = false } = {}): Promise<Plan[]> {
  return db
    .selectFrom("platform.plans")
    .selectAll()
    .$if(publicOnly, (q) => q.where("public", "=", true))
    .orderBy("position")
    .orderBy("id")
    .execute();
}

export async function findPlan(db: Kysely<PlatformDatabase>, id: string): Promise<Plan | null> {
  return (await db.selectFrom("platform.plans").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

/** The shop's plan as the registry has it now (not as a copy of the shop row says); every shop has one. */
export async function planOf(db: Kysely<PlatformDatabase>, shop: Pick<Shop, "id">): Promise<Plan> {
  return db
    .selectFrom("platform.shops as s")
    .innerJoin("platform.plans as p", "p.id", "s.plan")
    .selectAll("p")
    .where("s.id", "=", shop.id)
    .executeTakeFirstOrThrow();
}

/**
 * The platform's fee on a sale of `amount` minor units, from the shop's plan: rounded down to a whole minor unit,
 * in the sale's currency. This is the `application_fee_amount` of the shop's payments.
 *
 * @example
 *   platformFee({ fee_bp: 200 }, 1999n)   // 39n: 2 % of 19.99 is 0.3998
 */
export function platformFee(plan: Pick<Plan, "fee_bp">, amount: bigint): bigint {
  if (amount <= 0n) return 0n;
  return (amount * BigInt(plan.fee_bp)) / 10_000n;
}

/** The fee for a sale in a shop, by the shop's current plan. */
export async function platformFeeFor(db: Kysely<PlatformDatabase>, shopId: string, amount: bigint): Promise<{ fee: bigint; feeBp: number; plan: string }> {
  const plan = await db
    .selectFrom("platform.shops as s")
    .innerJoin("platform.plans as p", "p.id", "s.plan")
    .select(["p.id", "p.fee_bp"])
    .where("s.id", "=", shopId)
    .executeTakeFirstOrThrow();
  return { fee: platformFee(plan, amount), feeBp: plan.fee_bp, plan: plan.id };
}

// ---------------------------------------------------------------- the operator's plan editor

/** The plan form as typed: money as decimals in the plan's currency, the fee as a percentage, limits blank for unlimited. */
export interface PlanInput {
  id: string;
  name: string;
  currency: string;
  monthlyPrice: string;
  pausedPrice: string;
  feePercent: string;
  maxProducts: string;
  maxStaff: string;
  maxStorageMb: string;
  position: string;
  public: boolean;
}

export type PlanErrors = Partial<Record<keyof PlanInput, string>>;

export class PlanValidationError extends Error {
  constructor(readonly errors: PlanErrors) {
    super(Object.values(errors).join(" "));
  }
}

/** The operator console has no shop to take a locale from; it reads and writes numbers the en-US way. */
const CONSOLE_LOCALE = "en-US";

export function planToInput(plan: Plan): PlanInput {
  return {
    id: plan.id,
    name: plan.name,
    currency: plan.currency,
    monthlyPrice: toInputAmount(plan.monthly_price, plan.currency, CONSOLE_LOCALE),
    pausedPrice: toInputAmount(plan.paused_price, plan.currency, CONSOLE_LOCALE),
    feePercent: formatPercent(plan.fee_bp, CONSOLE_LOCALE),
    maxProducts: plan.max_products === null ? "" : String(plan.max_products),
    maxStaff: plan.max_staff === null ? "" : String(plan.max_staff),
    maxStorageMb: plan.max_storage_mb === null ? "" : String(plan.max_storage_mb),
    position: String(plan.position),
    public: plan.public,
  };
}

function parseLimit(text: string, min: number): number | null | undefined {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!/^\d{1,9}$/.test(trimmed) || Number(trimmed) < min) return undefined;
  return Number(trimmed);
}

/**
 * Creates or updates a plan. A new price is the list price from now on; shops keep the price locked for their
 * current period (`billed_price`) and pay the new one from their next period. A plan's currency can't change once
 * shops are on it, so no locked price is ever read in the wrong currency.
 */
export async function savePlan(db: PlatformDb, input: PlanInput, { create }: { create: boolean }): Promise<Plan> {
  const errors: PlanErrors = {};
  const id = input.id.trim();
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(id)) errors.id = "Use 1–40 lowercase letters, digits and dashes, starting with a letter.";
  const name = input.name.trim();
  if (!name || name.length > 60) errors.name = "Name the plan in at most 60 characters.";
  const currency = input.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency)) errors.currency = "Choose a currency code such as USD or EUR.";
  const style = { currency, locale: CONSOLE_LOCALE };
  const monthly = isCurrencyCode(currency) ? parseMoney(input.monthlyPrice, style) : null;
  if (!monthly?.ok) errors.monthlyPrice = monthly ? amountProblem(monthly, "Enter a price such as 19.00.") : "Enter a price such as 19.00.";
  const paused = isCurrencyCode(currency) ? parseMoney(input.pausedPrice, style) : null;
  if (!paused?.ok) errors.pausedPrice = paused ? amountProblem(paused, "Enter a price such as 9.00.") : "Enter a price such as 9.00.";
  const fee = parsePercent(input.feePercent, { locale: CONSOLE_LOCALE });
  if (!fee.ok) errors.feePercent = amountProblem(fee, "Enter a percentage from 0 to 100 with up to two decimals, such as 2 or 1.5.", { statesLimits: true });
  const maxProducts = parseLimit(input.maxProducts, 1);
  if (maxProducts === undefined) errors.maxProducts = "Enter a whole number of products, or leave it blank for unlimited.";
  const maxStaff = parseLimit(input.maxStaff, 0);
  if (maxStaff === undefined) errors.maxStaff = "Enter a whole number of staff accounts, or leave it blank for unlimited.";
  const maxStorage = parseLimit(input.maxStorageMb, 1);
  if (maxStorage === undefined) errors.maxStorageMb = "Enter a whole number of megabytes, or leave it blank for unlimited.";
  const position = /^\d{1,4}$/.test(input.position.trim()) ? Number(input.position.trim()) : null;
  if (position === null) errors.position = "Enter a whole number from 0 to 9999.";
  if (Object.keys(errors).length || !monthly?.ok || !paused?.ok || !fee.ok) throw new PlanValidationError(errors);

  const values = {
    name,
    currency,
    monthly_price: monthly.value,
    paused_price: paused.value,
    fee_bp: Number(fee.value),
    max_products: maxProducts!,
    max_staff: maxStaff!,
    max_storage_mb: maxStorage!,
    position: position!,
    public: input.public,
    updated_at: new Date(),
  };
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("platform.plans").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (create) {
      if (existing) throw new PlanValidationError({ id: "Another plan has this id." });
      return trx
        .insertInto("platform.plans")
        .values({ id, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (!existing) throw new PlanValidationError({ id: "This plan no longer exists." });
    if (existing.currency !== currency) {
      const onIt = await trx.selectFrom("platform.shops").select("id").where("plan", "=", id).limit(1).executeTakeFirst();
      if (onIt) throw new PlanValidationError({ currency: "Shops are on this plan: its currency can't change. Make a new plan instead." });
    }
    return trx.updateTable("platform.plans").set(values).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
  });
}

/**
 * Moves a shop to another plan (the operator's "change plan", or a subscription change from billing), logged in
 * the shop's history. Limits and the fee apply at once; the price locked for the current period stays until the
 * next one.
 */
export async function changeShopPlan(db: PlatformDb, shopId: string, planId: string, actor: StatusActor): Promise<{ from: Plan; to: Plan }> {
  return db.transaction().execute(async (trx) => {
    const shop = await trx.selectFrom("platform.shops").select(["id", "plan", "status"]).where("id", "=", shopId).forUpdate().executeTakeFirst();
    const to = await findPlan(trx, planId);
    if (!shop || !to) throw new PlanValidationError({ id: "Choose one of the plans." });
    const from = await planOf(trx, shop);
    if (from.id === to.id) return { from, to };
    await trx.updateTable("platform.shops").set({ plan: to.id }).where("id", "=", shopId).execute();
    await trx
      .insertInto("platform.shop_status_changes")
      .values({
        shop_id: shopId,
        event: "change-plan",
        from_status: shop.status,
        to_status: shop.status,
        reason: `Plan: ${from.name} → ${to.name}`,
        actor_kind: actor.kind,
        actor_email: actor.email ?? "",
      })
      .execute();
    await announceShopChange(trx, shopId);
    return { from, to };
  });
}

/**
 * Staff seats a shop uses: members other than owners, and invitations still waiting (one to `exceptInvitation`,
 * about to be replaced, doesn't count).
 */
export async function countStaffSeats(db: Kysely<PlatformDatabase>, shopId: string, exceptInvitation = ""): Promise<number> {
  const [members, invited] = await Promise.all([
    db
      .selectFrom("platform.memberships")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("shop_id", "=", shopId)
      .where("role", "<>", "owner")
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("platform.invitations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("shop_id", "=", shopId)
      .where("accepted_at", "is", null)
      .where("expires_at", ">", new Date())
      .where("email", "<>", exceptInvitation)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(members.n) + Number(invited.n);
}

/** What a shop uses of its plan's limits. Products are counted in the shop's own schema (one shop, one query). */
export async function shopUsage(db: PlatformDb, shop: Shop): Promise<{ products: number; staff: number }> {
  const [products, staff] = await Promise.all([
    tenantDb(db, shop.schema_name)
      .selectFrom("products")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    countStaffSeats(db, shop.id),
  ]);
  return { products: Number(products.n), staff };
}

/** Usage lines for a page: "42 of 100 products". */
export function usageLines(plan: Plan, usage: { products: number; staff: number }): { label: string; used: number; max: number | null }[] {
  return [
    { label: "Products", used: usage.products, max: plan.max_products },
    { label: "Staff accounts", used: usage.staff, max: plan.max_staff },
  ];
}

/** Starts a billing period: the shop's price for it is the plan's list price now (or its paused price). */
export async function lockPeriodPrice(db: Kysely<PlatformDatabase>, shopId: string): Promise<void> {
  await sql`
    update platform.shops s
       set billed_price = case when s.status = 'paused' then p.paused_price else p.monthly_price end,
           billed_currency = p.currency
      from platform.plans p
     where p.id = s.plan and s.id = ${shopId}`.execute(db);
}

/** Plan facts as the pricing page and the console show them. */
export function describePlan(plan: Plan) {
  const limit = (n: number | null, unit: string) => (n === null ? `Unlimited ${unit}` : `${n.toLocaleString("en-US")} ${unit}`);
  return {
    id: plan.id,
    name: plan.name,
    price: formatMoney(plan.monthly_price, plan.currency),
    pausedPrice: formatMoney(plan.paused_price, plan.currency),
    fee: `${formatPercent(plan.fee_bp)} %`,
    products: limit(plan.max_products, "products"),
    staff: limit(plan.max_staff, "staff accounts"),
    storage:
      plan.max_storage_mb === null
        ? "Unlimited storage"
        : plan.max_storage_mb >= 1024
          ? `${plan.max_storage_mb / 1024} GB storage`
          : `${plan.max_storage_mb} MB storage`,
    public: plan.public,
  };
}

export type PlanSummary = ReturnType<typeof describePlan>;

/** What a pricing table needs: the public plans and the trial length, both the operator's to change. */
export async function pricingData(db: Kysely<PlatformDatabase>): Promise<{ plans: PlanSummary[]; trialDays: number }> {
  const [plans, settings] = await Promise.all([listPlans(db, { publicOnly: true }), readOperatorSettings(db)]);
  return { plans: plans.map(describePlan), trialDays: settings.trial_days };
}
