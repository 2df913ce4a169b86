import { isUniqueViolation } from "../db/errors.ts";
import type { DiscountKind } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { z } from "zod";
import { recordIds, singleLine } from "./fields.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { collectionMembersAmong } from "./collections.server.ts";
import { amountProblem, formatMoney, formatPercent, minorUnitDigits, parseMoney, parsePercent, toInputAmount, type MoneyStyle } from "./money.ts";
import { SALE_STATUSES } from "./orders.server.ts";

/**
 * Discount codes. All amounts are integer minor units of the shop's currency; a percentage is
 * stored in basis points (1250 = 12.5 %). Rounding is half-up to the currency's minor unit,
 * applied once to the eligible subtotal (not per line), so what the shopper is shown is the
 * figure the order records.
 */

export type DiscountScope = "order" | "collections" | "products";

/** What the arithmetic needs of a discount, independent of where it is stored. */
export interface DiscountRule {
  kind: DiscountKind;
  /** Basis points for a percentage, minor units for a fixed amount, 0 for free shipping. */
  value: number;
  appliesTo: DiscountScope;
  collectionIds: string[];
  productIds: string[];
  /** Minor units; 0 for none. Compared with the subtotal of the lines the discount applies to. */
  minSubtotal: number;
}

export interface DiscountCartLine {
  productId: string | null;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
  /** The collections the product is in; evaluateDiscountCode fills this in from the catalogue. */
  collectionIds?: string[];
}

export interface DiscountCart {
  lines: DiscountCartLine[];
  /** The shipping price before any discount, minor units. */
  shipping: number;
}

export type DiscountRejection = "not_found" | "not_started" | "expired" | "usage_limit" | "customer_limit" | "minimum_subtotal" | "no_eligible_items";

export interface DiscountApplication {
  /** Subtotal of the lines the discount applies to. */
  eligibleSubtotal: number;
  /** Taken off the merchandise. */
  merchandiseDiscount: number;
  /** Taken off shipping (free shipping). */
  shippingDiscount: number;
  /** merchandiseDiscount + shippingDiscount: what the order and the redemption record. */
  total: number;
  /** Per cart line, the share of merchandiseDiscount (0 for lines it doesn't apply to); sums to it exactly. */
  lineAllocations: number[];
}

const BASIS_POINTS = 10_000n;

function lineTotal(line: DiscountCartLine): bigint {
  return BigInt(line.unitPrice) * BigInt(line.quantity);
}

function lineEligible(rule: DiscountRule, line: DiscountCartLine): boolean {
  if (rule.appliesTo === "order") return true;
  if (!line.productId) return false;
  if (rule.appliesTo === "products") return rule.productIds.includes(line.productId);
  return (line.collectionIds ?? []).some((id) => rule.collectionIds.includes(id));
}

/** Half-up: floor((n × bp + 5000) / 10000), exact in integers for n ≥ 0. */
export function percentageOf(amount: bigint, basisPoints: number): bigint {
  return (amount * BigInt(basisPoints) + BASIS_POINTS / 2n) / BASIS_POINTS;
}

/**
 * Splits `amount` over `weights` in proportion, in whole minor units, by largest remainder
 * (ties go to the earlier line), so the shares add up to `amount` exactly.
 */
export function allocate(amount: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (amount * w) / sum);
  let left = amount - shares.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, remainder: (amount * w) % sum }))
    .filter(({ i }) => weights[i] > 0n)
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i] += 1n;
    left -= 1n;
  }
  return shares;
}

/**
 * The cart-dependent rules (scope, minimum subtotal) and the amounts. Pure: dates and usage
 * limits are checked by discountAvailability.
 */
export function applyDiscount(
  rule: DiscountRule,
  cart: DiscountCart,
): { ok: true; application: DiscountApplication } | { ok: false; reason: DiscountRejection } {
  const eligible = cart.lines.map((line) => (lineEligible(rule, line) ? lineTotal(line) : 0n));
  const eligibleSubtotal = eligible.reduce((a, b) => a + b, 0n);
  const hasEligibleLine = cart.lines.some((line) => lineEligible(rule, line));
  if (!hasEligibleLine) return { ok: false, reason: "no_eligible_items" };
  if (eligibleSubtotal < BigInt(rule.minSubtotal)) return { ok: false, reason: "minimum_subtotal" };

  let merchandise = 0n;
  let shipping = 0n;
  if (rule.kind === "percentage") merchandise = percentageOf(eligibleSubtotal, rule.value);
  else if (rule.kind === "fixed_amount") merchandise = BigInt(rule.value) < eligibleSubtotal ? BigInt(rule.value) : eligibleSubtotal;
  else shipping = BigInt(cart.shipping);

  return {
    ok: true,
    application: {
      eligibleSubtotal: Number(eligibleSubtotal),
      merchandiseDiscount: Number(merchandise),
      shippingDiscount: Number(shipping),
      total: Number(merchandise + shipping),
      lineAllocations: allocate(merchandise, eligible).map(Number),
    },
  };
}

export interface DiscountWindow {
  startsAt: Date;
  endsAt: Date | null;
  usageLimit: number | null;
  perCustomerLimit: number | null;
}

/** Dates (start inclusive, end exclusive) and usage limits. A customer not yet known (no email) isn't held to the per-customer limit until they are. */
export function discountAvailability(
  discount: DiscountWindow,
  now: Date,
  usage: { total: number; byCustomer: number; customerKnown: boolean },
): DiscountRejection | null {
  if (now.getTime() < discount.startsAt.getTime()) return "not_started";
  if (discount.endsAt && now.getTime() >= discount.endsAt.getTime()) return "expired";
  if (discount.usageLimit !== null && usage.total >= discount.usageLimit) return "usage_limit";
  if (usage.customerKnown && discount.perCustomerLimit !== null && usage.byCustomer >= discount.perCustomerLimit) return "customer_limit";
  return null;
}

/**
 * The message id of what a shopper is told (app/locales); it never reveals other shoppers' use. The merchant's order
 * timeline uses the English message.
 */
export const REJECTION_MESSAGE_IDS: Record<DiscountRejection, string> = {
  not_found: "checkout.discountRejected.not_found",
  not_started: "checkout.discountRejected.not_started",
  expired: "checkout.discountRejected.expired",
  usage_limit: "checkout.discountRejected.usage_limit",
  customer_limit: "checkout.discountRejected.customer_limit",
  minimum_subtotal: "checkout.discountRejected.minimum_subtotal",
  no_eligible_items: "checkout.discountRejected.no_eligible_items",
};

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

type DiscountRow = Awaited<ReturnType<typeof findDiscountByCode>>;

async function findDiscountByCode(db: TenantDb, code: string, lock: boolean) {
  let query = db.selectFrom("discounts").selectAll().where("code", "=", code);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function toRule(row: NonNullable<DiscountRow>): DiscountRule & DiscountWindow {
  return {
    kind: row.kind,
    value: Number(row.value),
    appliesTo: row.applies_to,
    collectionIds: row.collection_ids.map(String),
    productIds: row.product_ids.map(String),
    minSubtotal: Number(row.min_subtotal),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    usageLimit: row.usage_limit,
    perCustomerLimit: row.per_customer_limit,
  };
}

async function usageOf(db: TenantDb, discountId: string, customerEmail: string): Promise<{ total: number; byCustomer: number; customerKnown: boolean }> {
  const row = await db
    .selectFrom("discount_redemptions")
    .select((eb) => [eb.fn.countAll<string>().as("total"), eb.fn.count<string>("id").filterWhere("customer_email", "=", customerEmail).as("by_customer")])
    .where("discount_id", "=", discountId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), byCustomer: Number(row.by_customer), customerKnown: customerEmail !== "" };
}

/** Which of the cart's products are in which of the given collections, manual or automated. */
async function collectionMembership(db: TenantDb, collectionIds: string[], productIds: string[]): Promise<Map<string, string[]>> {
  const membership = new Map<string, string[]>();
  if (!collectionIds.length || !productIds.length) return membership;
  const collections = await db.selectFrom("collections").select(["id", "kind", "rules", "rules_match"]).where("id", "in", collectionIds).execute();
  for (const collection of collections) {
    const members = await collectionMembersAmong(
      db,
      { id: collection.id, kind: collection.kind, rules: collection.rules, rulesMatch: collection.rules_match },
      productIds,
    );
    for (const productId of members) membership.set(productId, [...(membership.get(productId) ?? []), collection.id]);
  }
  return membership;
}

export type DiscountEvaluation =
  { ok: true; discount: { id: string; code: string; kind: DiscountKind }; application: DiscountApplication } | { ok: false; reason: DiscountRejection };

/**
 * Everything checkout needs to know about a code for a cart: whether it applies and how much it
 * takes off. Pass a transaction and `lock` to hold the discount row until the order is written.
 */
export async function evaluateDiscountCode(
  db: TenantDb,
  code: string,
  cart: DiscountCart,
  customerEmail: string,
  now: Date,
  { lock = false }: { lock?: boolean } = {},
): Promise<DiscountEvaluation> {
  const reject = (reason: DiscountRejection) => ({ ok: false, reason }) as const;
  const normalized = normalizeCode(code);
  if (!/^[A-Z0-9_-]{2,64}$/.test(normalized)) return reject("not_found");
  const row = await findDiscountByCode(db, normalized, lock);
  if (!row) return reject("not_found");
  const rule = toRule(row);
  const email = customerEmail.trim().toLowerCase();
  const unavailable = discountAvailability(rule, now, await usageOf(db, row.id, email));
  if (unavailable) return reject(unavailable);

  let lines = cart.lines;
  if (rule.appliesTo === "collections") {
    const productIds = [...new Set(cart.lines.flatMap((l) => (l.productId ? [l.productId] : [])))];
    const membership = await collectionMembership(db, rule.collectionIds, productIds);
    lines = cart.lines.map((line) => ({ ...line, collectionIds: line.productId ? (membership.get(line.productId) ?? []) : [] }));
  }
  const applied = applyDiscount(rule, { ...cart, lines });
  if (!applied.ok) return reject(applied.reason);
  return { ok: true, discount: { id: row.id, code: row.code, kind: row.kind }, application: applied.application };
}

/**
 * Locks a discount for the order being written and checks its usage limits once more, so two
 * checkouts can't both take its last use. Returns what is wrong, or null.
 */
export async function lockDiscountUsage(trx: TenantDb, discountId: string, customerEmail: string): Promise<DiscountRejection | null> {
  const row = await trx.selectFrom("discounts").selectAll().where("id", "=", discountId).forUpdate().executeTakeFirst();
  if (!row) return "not_found";
  const rule = toRule(row);
  const usage = await usageOf(trx, discountId, customerEmail);
  if (rule.usageLimit !== null && usage.total >= rule.usageLimit) return "usage_limit";
  if (usage.customerKnown && rule.perCustomerLimit !== null && usage.byCustomer >= rule.perCustomerLimit) return "customer_limit";
  return null;
}

// ---------------------------------------------------------------------------
// Admin: create, edit, delete, list, report
// ---------------------------------------------------------------------------

/** The form as typed; saveDiscount validates and normalises it. */
export interface DiscountFields {
  code: string;
  kind: string;
  /** Percent ("12.5") for a percentage, an amount ("5.00") for a fixed amount, ignored for free shipping. */
  value: string;
  appliesTo: string;
  collectionIds: string[];
  productIds: string[];
  minSubtotal: string;
  /** "YYYY-MM-DDTHH:MM" in UTC (a datetime-local input); empty for now. */
  startsAt: string;
  /** Same format; empty for no end. */
  endsAt: string;
  usageLimit: string;
  perCustomerLimit: string;
}

/**
 * The discount form, bounded: the code, amounts, dates and limits are then read by `validateDiscountFields` in the
 * shop's currency, with the messages the form shows.
 */
export const discountForm = z.object({
  code: singleLine({ max: 64 }),
  kind: singleLine({ max: 40 }),
  value: singleLine({ max: 64 }),
  appliesTo: singleLine({ max: 40 }),
  collectionIds: recordIds("Choose collections from the list."),
  productIds: recordIds("Choose products from the list."),
  minSubtotal: singleLine({ max: 64 }),
  startsAt: singleLine({ max: 40 }),
  endsAt: singleLine({ max: 40 }),
  usageLimit: singleLine({ max: 20 }),
  perCustomerLimit: singleLine({ max: 20 }),
}) satisfies z.ZodType<DiscountFields, unknown>;

/** A saved discount's page: its form saves the fields; its delete button is a form of its own. */
export const discountEditForm = z.discriminatedUnion(
  "intent",
  [z.object({ intent: z.literal("delete") }), discountForm.extend({ intent: z.literal("save") })],
  { error: "Unknown action." },
);

/** The fields of a submitted discount form as typed, to show a refused one again. */
export function discountFieldsFromForm(form: FormData): DiscountFields {
  const text = (name: keyof DiscountFields) => String(form.get(name) ?? "");
  const list = (name: keyof DiscountFields) => form.getAll(name).map(String);
  return {
    code: text("code"),
    kind: text("kind"),
    value: text("value"),
    appliesTo: text("appliesTo"),
    collectionIds: list("collectionIds"),
    productIds: list("productIds"),
    minSubtotal: text("minSubtotal"),
    startsAt: text("startsAt"),
    endsAt: text("endsAt"),
    usageLimit: text("usageLimit"),
    perCustomerLimit: text("perCustomerLimit"),
  };
}

export type DiscountErrors = Partial<Record<keyof DiscountFields, string>> & { form?: string };

export const DISCOUNT_KINDS: readonly DiscountKind[] = ["percentage", "fixed_amount", "free_shipping"];
export const DISCOUNT_SCOPES: readonly DiscountScope[] = ["order", "collections", "products"];
const MAX_LIMIT = 2_147_483_647;

/** "2025-06-01T09:30" as UTC; null if it isn't a real moment. */
export function parseUtcDateTime(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 16) !== `${match[1]}T${match[2]}` ? null : date;
}

/** The value of a datetime-local input for a moment, in UTC. */
export function toUtcInputValue(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : "";
}

function parseLimit(text: string): number | null | undefined {
  if (!text.trim()) return null;
  const n = Number(text.trim());
  return /^\d+$/.test(text.trim()) && n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

export interface ValidDiscount {
  code: string;
  kind: DiscountKind;
  value: number;
  applies_to: DiscountScope;
  collection_ids: string[];
  product_ids: string[];
  min_subtotal: number;
  starts_at: Date;
  ends_at: Date | null;
  usage_limit: number | null;
  per_customer_limit: number | null;
}

/** Checks the fields on their own (no database); references and uniqueness are checked by saveDiscount. */
export function validateDiscountFields(fields: DiscountFields, style: MoneyStyle, now: Date): { errors: DiscountErrors; discount: ValidDiscount | null } {
  const errors: DiscountErrors = {};
  const code = normalizeCode(fields.code);
  if (!code) errors.code = "Enter a code.";
  else if (!/^[A-Z0-9_-]{2,64}$/.test(code)) errors.code = "Use 2–64 letters, digits, hyphens or underscores.";

  const kind = DISCOUNT_KINDS.find((k) => k === fields.kind) ?? null;
  if (!kind) errors.kind = "Choose percentage, fixed amount or free shipping.";
  let value = 0;
  if (kind === "percentage") {
    const percent = parsePercent(fields.value, { locale: style.locale });
    const message = `Enter a percentage from ${formatPercent(1, style.locale)} to 100, with at most two decimals.`;
    if (!percent.ok) errors.value = amountProblem(percent, message, { statesLimits: true });
    else if (percent.value === 0n) errors.value = message;
    else value = Number(percent.value);
  } else if (kind === "fixed_amount") {
    const amount = parseMoney(fields.value, style);
    const example = toInputAmount(5n * 10n ** BigInt(minorUnitDigits(style.currency)), style.currency, style.locale);
    if (!amount.ok) errors.value = amountProblem(amount, `Enter an amount in ${style.currency}, like ${example}.`);
    else if (amount.value === 0n) errors.value = "Enter an amount greater than zero.";
    else value = Number(amount.value);
  }

  const appliesTo = DISCOUNT_SCOPES.find((s) => s === fields.appliesTo) ?? null;
  const collectionIds = [...new Set(fields.collectionIds.filter(Boolean))];
  const productIds = [...new Set(fields.productIds.filter(Boolean))];
  if (!appliesTo) errors.appliesTo = "Choose what the discount applies to.";
  else if (kind === "free_shipping" && appliesTo !== "order") errors.appliesTo = "Free shipping applies to the whole order.";
  else if (appliesTo === "collections" && !collectionIds.length) errors.collectionIds = "Choose at least one collection.";
  else if (appliesTo === "products" && !productIds.length) errors.productIds = "Choose at least one product.";
  if ([...collectionIds, ...productIds].some((id) => !/^\d{1,18}$/.test(id))) errors.form = "Choose collections and products from the lists.";

  let minSubtotal = 0;
  if (fields.minSubtotal.trim()) {
    const amount = parseMoney(fields.minSubtotal, style);
    if (!amount.ok) errors.minSubtotal = amountProblem(amount, `Enter an amount in ${style.currency}, or leave it empty for no minimum.`);
    else minSubtotal = Number(amount.value);
  }

  const startsAt = fields.startsAt.trim() ? parseUtcDateTime(fields.startsAt) : new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  if (!startsAt) errors.startsAt = "Enter a date and time (UTC).";
  const endsAt = fields.endsAt.trim() ? parseUtcDateTime(fields.endsAt) : null;
  if (fields.endsAt.trim() && !endsAt) errors.endsAt = "Enter a date and time (UTC), or leave it empty for no end.";
  else if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) errors.endsAt = "The end must come after the start.";

  const usageLimit = parseLimit(fields.usageLimit);
  if (usageLimit === undefined) errors.usageLimit = "Enter a whole number of uses, or leave it empty for no limit.";
  const perCustomerLimit = parseLimit(fields.perCustomerLimit);
  if (perCustomerLimit === undefined) errors.perCustomerLimit = "Enter a whole number of uses, or leave it empty for no limit.";

  if (Object.keys(errors).length) return { errors, discount: null };
  return {
    errors,
    discount: {
      code,
      kind: kind!,
      value,
      applies_to: appliesTo!,
      collection_ids: appliesTo === "collections" ? collectionIds : [],
      product_ids: appliesTo === "products" ? productIds : [],
      min_subtotal: minSubtotal,
      starts_at: startsAt!,
      ends_at: endsAt,
      usage_limit: usageLimit ?? null,
      per_customer_limit: perCustomerLimit ?? null,
    },
  };
}

function auditSummary(discount: ValidDiscount, currency: string): string {
  const amount =
    discount.kind === "percentage"
      ? `${formatPercent(discount.value)} % off`
      : discount.kind === "fixed_amount"
        ? `${formatMoney(discount.value, currency)} off`
        : "free shipping";
  return `${discount.code}: ${amount}`;
}

/**
 * Creates (no `id`) or updates a discount. Collections and products must be this shop's; the
 * code is unique per shop. Audit-logged in the same transaction.
 */
export async function saveDiscount(
  db: TenantDb,
  actor: Actor,
  fields: DiscountFields,
  style: MoneyStyle,
  id?: string,
  now = new Date(),
): Promise<{ ok: true; id: string } | { ok: false; errors: DiscountErrors }> {
  const { currency } = style;
  const { errors, discount } = validateDiscountFields(fields, style, now);
  if (!discount) return { ok: false, errors };

  if (discount.collection_ids.length) {
    const found = await db.selectFrom("collections").select("id").where("id", "in", discount.collection_ids).execute();
    if (found.length !== discount.collection_ids.length) return { ok: false, errors: { collectionIds: "Choose collections from the list." } };
  }
  if (discount.product_ids.length) {
    const found = await db.selectFrom("products").select("id").where("id", "in", discount.product_ids).execute();
    if (found.length !== discount.product_ids.length) return { ok: false, errors: { productIds: "Choose products from the list." } };
  }

  try {
    return await db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("discounts")
        .select("id")
        .where("code", "=", discount.code)
        .$if(Boolean(id), (q) => q.where("id", "<>", id!))
        .executeTakeFirst();
      if (clash) return { ok: false, errors: { code: "Another discount uses this code." } } as const;
      let savedId: string;
      if (id) {
        const updated = await trx.updateTable("discounts").set(discount).where("id", "=", id).returning("id").executeTakeFirst();
        if (!updated) return { ok: false, errors: { form: "This discount no longer exists." } } as const;
        savedId = updated.id;
      } else {
        savedId = (await trx.insertInto("discounts").values(discount).returning("id").executeTakeFirstOrThrow()).id;
      }
      await recordAudit(trx, actor, {
        action: id ? "discount.updated" : "discount.created",
        subjectType: "discount",
        subjectId: savedId,
        summary: auditSummary(discount, currency),
      });
      return { ok: true, id: savedId } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error, "discounts_code_key")) return { ok: false, errors: { code: "Another discount uses this code." } };
    throw error;
  }
}

/** Deletes a code nobody has used; a used code keeps its report, so it is ended instead. */
export async function deleteDiscount(db: TenantDb, actor: Actor, id: string): Promise<{ ok: true } | { ok: false; error: string }> {
  return db.transaction().execute(async (trx) => {
    const discount = await trx.selectFrom("discounts").select(["id", "code"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!discount) return { ok: false, error: "This discount no longer exists." } as const;
    const used = await trx.selectFrom("discount_redemptions").select("id").where("discount_id", "=", id).limit(1).executeTakeFirst();
    if (used) return { ok: false, error: "This code has been used, so its report is kept: set an end date to stop it instead." } as const;
    await trx.deleteFrom("discounts").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "discount.deleted", subjectType: "discount", subjectId: id, summary: discount.code });
    return { ok: true } as const;
  });
}

export type DiscountStatus = "scheduled" | "active" | "expired" | "used_up";

export function discountStatus(discount: DiscountWindow, now: Date, timesUsed: number): DiscountStatus {
  if (now.getTime() < discount.startsAt.getTime()) return "scheduled";
  if (discount.endsAt && now.getTime() >= discount.endsAt.getTime()) return "expired";
  if (discount.usageLimit !== null && timesUsed >= discount.usageLimit) return "used_up";
  return "active";
}

/** "15 % off", "€5.00 off", "Free shipping" */
export function describeValue(kind: DiscountKind, value: number | string, currency: string): string {
  if (kind === "percentage") return `${formatPercent(Number(value))} % off`;
  if (kind === "fixed_amount") return `${formatMoney(value, currency)} off`;
  return "Free shipping";
}

export const DISCOUNTS_PER_PAGE = 50;

export async function listDiscounts(db: TenantDb, { q, page }: { q: string; page: number }, now: Date) {
  let query = db.selectFrom("discounts as d");
  if (q) query = query.where("d.code", "like", `%${normalizeCode(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const { count } = await query.select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow();
  const total = Number(count);
  const pageCount = Math.max(1, Math.ceil(total / DISCOUNTS_PER_PAGE));
  const current = Math.min(page, pageCount);
  const rows = await query
    .selectAll("d")
    .select((eb) =>
      eb
        .selectFrom("discount_redemptions as r")
        .whereRef("r.discount_id", "=", "d.id")
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("times_used"),
    )
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(DISCOUNTS_PER_PAGE)
    .offset((current - 1) * DISCOUNTS_PER_PAGE)
    .execute();
  return {
    discounts: rows.map((row) => {
      const timesUsed = Number(row.times_used ?? 0);
      return { ...row, timesUsed, status: discountStatus(toRule(row), now, timesUsed) };
    }),
    total,
    page: current,
    pageCount,
  };
}

export async function getDiscount(db: TenantDb, id: string) {
  if (!/^\d{1,18}$/.test(id)) return null;
  return (await db.selectFrom("discounts").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

/** The form's values for an existing discount. */
export function discountToFields(row: NonNullable<Awaited<ReturnType<typeof getDiscount>>>, { currency, locale }: MoneyStyle): DiscountFields {
  return {
    code: row.code,
    kind: row.kind,
    value: row.kind === "percentage" ? formatPercent(Number(row.value), locale) : row.kind === "fixed_amount" ? toInputAmount(row.value, currency, locale) : "",
    appliesTo: row.applies_to,
    collectionIds: row.collection_ids.map(String),
    productIds: row.product_ids.map(String),
    minSubtotal: Number(row.min_subtotal) ? toInputAmount(row.min_subtotal, currency, locale) : "",
    startsAt: toUtcInputValue(row.starts_at),
    endsAt: toUtcInputValue(row.ends_at),
    usageLimit: row.usage_limit === null ? "" : String(row.usage_limit),
    perCustomerLimit: row.per_customer_limit === null ? "" : String(row.per_customer_limit),
  };
}

/**
 * Times used and total discounted from the redemptions; revenue is the total of the orders
 * that used the code and count as sales (paid, in the shop's currency).
 */
export async function getDiscountReport(db: TenantDb, discountId: string, currency: string) {
  const usage = await db
    .selectFrom("discount_redemptions")
    .select((eb) => [eb.fn.countAll<string>().as("times_used"), eb.fn.coalesce(eb.fn.sum<string>("amount"), eb.val("0")).as("discounted")])
    .where("discount_id", "=", discountId)
    .executeTakeFirstOrThrow();
  const revenue = await db
    .selectFrom("orders as o")
    .innerJoin("discount_redemptions as r", "r.order_id", "o.id")
    .select((eb) => [eb.fn.count<string>("o.id").distinct().as("orders"), eb.fn.coalesce(eb.fn.sum<string>("o.total"), eb.val("0")).as("revenue")])
    .where("r.discount_id", "=", discountId)
    .where("o.financial_status", "in", SALE_STATUSES)
    .where("o.currency", "=", currency)
    .executeTakeFirstOrThrow();
  const recent = await db
    .selectFrom("discount_redemptions as r")
    .leftJoin("orders as o", "o.id", "r.order_id")
    .select(["r.id", "r.amount", "r.redeemed_at", "o.number", "o.total", "o.currency", "o.email"])
    .where("r.discount_id", "=", discountId)
    .orderBy("r.redeemed_at", "desc")
    .orderBy("r.id", "desc")
    .limit(20)
    .execute();
  return {
    timesUsed: Number(usage.times_used),
    discounted: String(usage.discounted),
    paidOrders: Number(revenue.orders),
    revenue: String(revenue.revenue),
    recent,
  };
}

const TARGET_LIST_LIMIT = 500;

/** Collections and products a discount can be scoped to, with the chosen ones always included. */
export async function discountTargets(db: TenantDb, chosen: { collectionIds: string[]; productIds: string[] }) {
  const withChosen = async <T extends { id: string }>(listed: T[], chosenIds: string[], load: (ids: string[]) => Promise<T[]>) => {
    const missing = chosenIds.filter((id) => /^\d{1,18}$/.test(id) && !listed.some((row) => row.id === id));
    return missing.length ? [...listed, ...(await load(missing))] : listed;
  };
  const [collections, products] = await Promise.all([
    db.selectFrom("collections").select(["id", "title"]).orderBy("title").limit(TARGET_LIST_LIMIT).execute(),
    db.selectFrom("products").select(["id", "title"]).where("status", "<>", "archived").orderBy("title").limit(TARGET_LIST_LIMIT).execute(),
  ]);
  return {
    collections: await withChosen(collections, chosen.collectionIds, (ids) =>
      db.selectFrom("collections").select(["id", "title"]).where("id", "in", ids).execute(),
    ),
    products: await withChosen(products, chosen.productIds, (ids) => db.selectFrom("products").select(["id", "title"]).where("id", "in", ids).execute()),
  };
}
