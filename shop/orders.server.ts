import type { FinancialStatus, FulfillmentStatus } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { lockDiscountUsage, REJECTION_MESSAGE_IDS } from "./discounts.server.ts";
import { formatMoney, isCurrencyCode } from "./money.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";

export const FINANCIAL_STATUSES: readonly FinancialStatus[] = ["pending", "paid", "partially_refunded", "refunded", "voided"];
export const FULFILLMENT_STATUSES: readonly FulfillmentStatus[] = ["unfulfilled", "partial", "fulfilled"];
/**
 * Orders that count as sales (dashboard, lifetime spend, discount revenue): paid ones,
 * partly refunded ones included at their total until refunds are recorded with payments.
 */
export const SALE_STATUSES: readonly FinancialStatus[] = ["paid", "partially_refunded"];

const MAX_MINOR = 10n ** 13n;

/** A shopper or a merchant-facing name for whoever placed an order. */
export function customerDisplayName(customer: { first_name: string; last_name: string; email: string | null; deleted_at: Date | null }): string {
  if (customer.deleted_at) return "Deleted customer";
  return `${customer.first_name} ${customer.last_name}`.trim() || customer.email || "Guest";
}

// ---------------------------------------------------------------------------
// Writing orders
// ---------------------------------------------------------------------------

export interface OrderLineInput {
  productId?: string | null;
  variantId?: string | null;
  title: string;
  variantTitle?: string;
  sku?: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
}

export interface OrderInput {
  email: string;
  currency: string;
  lines: OrderLineInput[];
  /** An existing customer of this shop; otherwise the customer is found or created by email. */
  customerId?: string | null;
  /** Used only when a new customer is created for the email. */
  customerName?: { firstName: string; lastName: string };
  shippingTotal?: number;
  taxTotal?: number;
  /** True when prices already include tax, so tax is not added to the total. */
  taxIncluded?: boolean;
  /**
   * A discount checkout evaluated (see evaluateDiscountCode); `amount` is everything it takes off,
   * merchandise and shipping. The redemption is written with the order after the limits are
   * checked again under a lock, so two checkouts can't both take the last use. `paid`: the shopper has already
   * paid with it, so the order is written even past the code's limits, with a note in its timeline.
   */
  discount?: { id: string; code: string; amount: number; paid?: boolean } | null;
  financialStatus?: FinancialStatus;
  fulfillmentStatus?: FulfillmentStatus;
  shippingAddress?: Record<string, string> | null;
  /** Defaults to now; explicit for imports, the demo and tests. */
  placedAt?: Date;
  /** Defaults to `placedAt` for an order recorded as paid. */
  paidAt?: Date | null;
}

export type OrderErrors = Record<string, string>;

export class OrderValidationError extends Error {
  constructor(readonly errors: OrderErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

function isMinor(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && BigInt(value) <= MAX_MINOR;
}

export interface OrderTotals {
  subtotal: bigint;
  discount: bigint;
  shipping: bigint;
  tax: bigint;
  total: bigint;
}

/** Integer arithmetic only: subtotal − discount + shipping (+ tax unless prices include it). */
export function orderTotals(input: Pick<OrderInput, "lines" | "discount" | "shippingTotal" | "taxTotal" | "taxIncluded">): OrderTotals {
  const subtotal = input.lines.reduce((sum, line) => sum + BigInt(line.unitPrice) * BigInt(line.quantity), 0n);
  const discount = BigInt(input.discount?.amount ?? 0);
  const shipping = BigInt(input.shippingTotal ?? 0);
  const tax = BigInt(input.taxTotal ?? 0);
  return { subtotal, discount, shipping, tax, total: subtotal - discount + shipping + (input.taxIncluded ? 0n : tax) };
}

export function validateOrder(input: OrderInput): OrderErrors {
  const errors: OrderErrors = {};
  if (!isCurrencyCode(input.currency)) errors.currency = "Use a three-letter ISO 4217 currency code.";
  if (input.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) errors.email = "Enter a valid email address.";
  if (!input.lines.length) errors.lines = "An order needs at least one line.";
  input.lines.forEach((line, i) => {
    if (!line.title.trim()) errors[`lines.${i}.title`] = "Every line needs a title.";
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > 1_000_000)
      errors[`lines.${i}.quantity`] = "Enter a quantity of one or more.";
    if (!isMinor(line.unitPrice)) errors[`lines.${i}.unitPrice`] = "Enter a price of zero or more.";
  });
  for (const [field, value] of [
    ["shippingTotal", input.shippingTotal],
    ["taxTotal", input.taxTotal],
    ["discount", input.discount?.amount],
  ] as const) {
    if (value !== undefined && !isMinor(value)) errors[field] = "Enter an amount of zero or more.";
  }
  if (!Object.keys(errors).length) {
    const totals = orderTotals(input);
    if (totals.discount > totals.subtotal + totals.shipping) errors.discount = "The discount can't be more than the subtotal and shipping.";
    if (totals.total > MAX_MINOR) errors.lines = "The order total is too large.";
  }
  return errors;
}

/**
 * Records an order with its lines, its opening timeline events, its customer link and its
 * discount redemption, all in one transaction (the caller's, when it passes one).
 * Returns the order's id and its number.
 */
export async function recordOrder(db: TenantDb, input: OrderInput): Promise<{ id: string; number: string; customerId: string | null }> {
  const errors = validateOrder(input);
  if (Object.keys(errors).length) throw new OrderValidationError(errors);
  const totals = orderTotals(input);
  const email = input.email.trim().toLowerCase();
  const placedAt = input.placedAt ?? new Date();
  const financialStatus = input.financialStatus ?? "pending";
  const paidAt = input.paidAt !== undefined ? input.paidAt : SALE_STATUSES.includes(financialStatus) ? placedAt : null;

  const write = async (trx: TenantDb) => {
    const customerId = input.customerId ?? (email ? await findOrCreateCustomer(trx, email, input.customerName) : null);
    if (input.customerId) {
      const exists = await trx.selectFrom("customers").select("id").where("id", "=", input.customerId).executeTakeFirst();
      if (!exists) throw new OrderValidationError({ customerId: "This customer doesn't exist." });
    }
    const rejection = input.discount ? await lockDiscountUsage(trx, input.discount.id, email) : null;
    const discountProblem = rejection && storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE).formatMessage({ id: REJECTION_MESSAGE_IDS[rejection] });
    if (discountProblem && !input.discount?.paid) throw new OrderValidationError({ discount: discountProblem });
    const order = await trx
      .insertInto("orders")
      .values({
        customer_id: customerId,
        email,
        currency: input.currency,
        subtotal: totals.subtotal.toString(),
        discount_total: totals.discount.toString(),
        shipping_total: totals.shipping.toString(),
        tax_total: totals.tax.toString(),
        total: totals.total.toString(),
        discount_code: input.discount?.code ?? null,
        financial_status: financialStatus,
        fulfillment_status: input.fulfillmentStatus ?? "unfulfilled",
        shipping_address: input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
        created_at: placedAt,
        paid_at: paidAt,
      })
      .returning(["id", "number"])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("order_lines")
      .values(
        input.lines.map((line) => ({
          order_id: order.id,
          product_id: line.productId ?? null,
          variant_id: line.variantId ?? null,
          title: line.title.trim(),
          variant_title: line.variantTitle?.trim() ?? "",
          sku: line.sku?.trim() ?? "",
          quantity: line.quantity,
          unit_price: line.unitPrice,
        })),
      )
      .execute();
    const events = [{ order_id: order.id, at: placedAt, kind: "placed", message: `Order placed${email ? ` by ${email}` : ""}.` }];
    if (input.discount) {
      events.push({
        order_id: order.id,
        at: placedAt,
        kind: "discount",
        message: `Discount code ${input.discount.code} took ${formatMoney(input.discount.amount, input.currency)} off.`,
      });
      if (discountProblem)
        events.push({ order_id: order.id, at: placedAt, kind: "discount", message: `The code was paid with past its limits: ${discountProblem}` });
      // A code deleted while the shopper was paying can't be linked any more; the order still shows it.
      if (rejection !== "not_found")
        await trx
          .insertInto("discount_redemptions")
          .values({ discount_id: input.discount.id, order_id: order.id, customer_email: email, amount: input.discount.amount, redeemed_at: placedAt })
          .execute();
    }
    if (paidAt) events.push({ order_id: order.id, at: paidAt, kind: "paid", message: `Payment of ${formatMoney(totals.total, input.currency)} received.` });
    await trx.insertInto("order_events").values(events).execute();
    return { id: order.id, number: order.number, customerId };
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

async function findOrCreateCustomer(trx: TenantDb, email: string, name?: { firstName: string; lastName: string }): Promise<string> {
  const existing = await trx.selectFrom("customers").select("id").where("email", "=", email).executeTakeFirst();
  if (existing) return existing.id;
  // Another checkout may create the same customer meanwhile; the unique email decides.
  await trx
    .insertInto("customers")
    .values({ email, first_name: name?.firstName.trim() ?? "", last_name: name?.lastName.trim() ?? "" })
    .onConflict((oc) => oc.column("email").where("email", "is not", null).doNothing())
    .execute();
  const customer = await trx.selectFrom("customers").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return customer.id;
}

// ---------------------------------------------------------------------------
// Reading orders
// ---------------------------------------------------------------------------

export const ORDER_SORTS = ["newest", "oldest", "total_desc", "total_asc"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export const ORDERS_PER_PAGE = 25;

export interface OrderFilters {
  q: string;
  financialStatus: FinancialStatus | null;
  fulfillmentStatus: FulfillmentStatus | null;
  /** Inclusive days, YYYY-MM-DD in UTC. */
  from: string | null;
  to: string | null;
  sort: OrderSort;
  page: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day as its UTC midnight, or null for anything that isn't one. */
export function parseUtcDay(text: string | null): Date | null {
  if (!text || !DAY.test(text)) return null;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? null : date;
}

export function parsePage(text: string | null): number {
  const page = Number(text);
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** Filters from a query string; anything unrecognised is dropped rather than refused. */
export function parseOrderFilters(params: URLSearchParams): OrderFilters {
  const financial = params.get("financial");
  const fulfillment = params.get("fulfillment");
  const sort = params.get("sort");
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    financialStatus: FINANCIAL_STATUSES.find((s) => s === financial) ?? null,
    fulfillmentStatus: FULFILLMENT_STATUSES.find((s) => s === fulfillment) ?? null,
    from: parseUtcDay(params.get("from")) ? params.get("from") : null,
    to: parseUtcDay(params.get("to")) ? params.get("to") : null,
    sort: ORDER_SORTS.find((s) => s === sort) ?? "newest",
    page: parsePage(params.get("page")),
  };
}

/** `%` and `_` typed by a merchant are searched for literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface OrderSummary {
  id: string;
  number: string;
  email: string;
  customerName: string | null;
  currency: string;
  total: string;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  createdAt: Date;
}

export async function listOrders(
  db: TenantDb,
  filters: OrderFilters,
  perPage = ORDERS_PER_PAGE,
): Promise<{ orders: OrderSummary[]; total: number; page: number; pageCount: number }> {
  let query = db.selectFrom("orders as o").leftJoin("customers as c", "c.id", "o.customer_id");
  const number = /^#?(\d{1,18})$/.exec(filters.q);
  if (number) query = query.where((eb) => eb.or([eb("o.number", "=", number[1]), eb("o.email", "ilike", likePattern(number[1]))]));
  else if (filters.q) query = query.where("o.email", "ilike", likePattern(filters.q.toLowerCase()));
  if (filters.financialStatus) query = query.where("o.financial_status", "=", filters.financialStatus);
  if (filters.fulfillmentStatus) query = query.where("o.fulfillment_status", "=", filters.fulfillmentStatus);
  const from = parseUtcDay(filters.from);
  const to = parseUtcDay(filters.to);
  if (from) query = query.where("o.created_at", ">=", from);
  if (to) query = query.where("o.created_at", "<", new Date(to.getTime() + 86_400_000));

  const { count } = await query.select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow();
  const total = Number(count);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(filters.page, pageCount);
  const [column, direction] = {
    newest: ["o.created_at", "desc"],
    oldest: ["o.created_at", "asc"],
    total_desc: ["o.total", "desc"],
    total_asc: ["o.total", "asc"],
  }[filters.sort] as ["o.created_at" | "o.total", "asc" | "desc"];
  const rows = await query
    .select(["o.id", "o.number", "o.email", "o.currency", "o.total", "o.financial_status", "o.fulfillment_status", "o.created_at"])
    .select(["c.first_name", "c.last_name", "c.email as customer_email", "c.deleted_at", "c.id as customer_id"])
    .orderBy(column, direction)
    .orderBy("o.id", direction)
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return {
    orders: rows.map((row) => ({
      id: row.id,
      number: row.number,
      email: row.email,
      customerName: row.customer_id
        ? customerDisplayName({ first_name: row.first_name ?? "", last_name: row.last_name ?? "", email: row.customer_email, deleted_at: row.deleted_at })
        : null,
      currency: row.currency,
      total: row.total,
      financialStatus: row.financial_status,
      fulfillmentStatus: row.fulfillment_status,
      createdAt: row.created_at,
    })),
    total,
    page,
    pageCount,
  };
}

/** An order number from a URL: digits only, else no order. */
export function parseOrderNumber(text: string | undefined): string | null {
  return text && /^\d{1,18}$/.test(text) ? text : null;
}

export async function getOrder(db: TenantDb, number: string) {
  if (!parseOrderNumber(number)) return null;
  const order = await db.selectFrom("orders").selectAll().where("number", "=", number).executeTakeFirst();
  if (!order) return null;
  const [lines, events, customer, transactions, fulfillments] = await Promise.all([
    db.selectFrom("order_lines").selectAll().where("order_id", "=", order.id).orderBy("id").execute(),
    db.selectFrom("order_events").selectAll().where("order_id", "=", order.id).orderBy("at").orderBy("id").execute(),
    order.customer_id
      ? db
          .selectFrom("customers")
          .select(["id", "email", "first_name", "last_name", "phone", "deleted_at"])
          .where("id", "=", order.customer_id)
          .executeTakeFirst()
      : undefined,
    db.selectFrom("order_transactions").selectAll().where("order_id", "=", order.id).orderBy("id").execute(),
    db.selectFrom("fulfillments").selectAll().where("order_id", "=", order.id).orderBy("id").execute(),
  ]);
  return {
    order,
    lines,
    events,
    transactions,
    fulfillments,
    customer: customer
      ? { id: customer.id, name: customerDisplayName(customer), email: customer.deleted_at ? null : customer.email, deleted: Boolean(customer.deleted_at) }
      : null,
  };
}
