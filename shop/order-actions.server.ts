import { randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { OrderTransactionsTable, PaymentGatewayKind } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordRefundFee } from "../tenants/metering.server.ts";
import { z } from "zod";
import { recordAudit, SYSTEM_ACTOR, type Actor } from "./audit.server.ts";
import { checkboxValue, singleLine } from "./fields.server.ts";
import { amountProblem, formatMoney, parseMoney, type MoneyStyle } from "./money.ts";
import type { MailDelivery } from "./mail.server.ts";
import { sendShippingEmail, type OrderMailDeps } from "./order-mail.server.ts";
import { parseOrderNumber } from "./orders.server.ts";
import { bumpStorefrontVersion } from "./page-cache.server.ts";
import { refreshProductSummary } from "./product-summary.server.ts";
import { bumpProductVersions } from "./products.server.ts";

/**
 * What a merchant does with an order after it is paid: ship it (with a carrier and a tracking number, and an
 * email to the shopper), refund it in full or in part (putting units back in stock or not), or cancel it
 * (everything refunded and restocked). Money goes back through the gateway the order was paid with; every step
 * is one transaction on the locked order, lands in its timeline and the audit log, and a repeated form post
 * (the same `requestKey`) refunds once.
 */

/** Gives money back for a sale. `key` is stable for one refund the merchant asked for, so retries refund once. */
export interface RefundGateway {
  refund(sale: { reference: string; currency: string }, amount: bigint, key: string): Promise<{ reference: string }>;
}

/** The test gateway's refunds: nothing to call, the reference is derived from the request. */
export const testRefunds: RefundGateway = {
  async refund(_sale, _amount, key) {
    return { reference: `test_refund_${key}` };
  },
};

export interface OrderActionDeps extends OrderMailDeps {
  /** The refund side of each gateway this shop may have been paid through. */
  gateways: Partial<Record<PaymentGatewayKind, RefundGateway>>;
}

export type OrderActionResult = { ok: true; message: string } | { ok: false; errors: Record<string, string> } | { ok: false; notFound: true };

const notFound = { ok: false, notFound: true } as const;

/** What the order page says of the shipping email after a fulfilment. */
const SHIPPING_EMAIL: Record<MailDelivery | "failed" | "none", string> = {
  sent: "The customer was emailed.",
  // Development and the demo file mail instead of sending it; the page reads as it would in production.
  "no-mail-server": "The customer was emailed.",
  queued: "Our mail server is slow to answer: the customer's email will go out as soon as it does.",
  failed: "The email to the customer couldn't be sent: our mail server isn't answering.",
  none: "The order has no email address to write to.",
};

// ---------------------------------------------------------------------------
// Fulfilment
// ---------------------------------------------------------------------------

/**
 * The order page's forms, one per intent. The refund's amount and restock counts, and the request key, are read by
 * the action itself (it answers their messages); here they are bounded text. Restock fields ("restock-<line id>") are
 * kept as they come.
 */
export const orderActionForm = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("fulfil"),
      carrier: singleLine({ max: 100 }),
      trackingNumber: singleLine({ max: 100 }),
      notify: checkboxValue("1"),
    }),
    z.object({ intent: z.literal("cancel"), requestKey: singleLine({ max: 64 }) }),
    z.looseObject({
      intent: z.literal("refund"),
      amount: singleLine({ max: 64 }),
      requestKey: singleLine({ max: 64 }),
    }),
  ],
  { error: "Unknown action." },
);

/** Marks the order shipped, with the carrier and tracking number the merchant typed; emails the shopper if asked. */
export async function fulfilOrder(
  deps: OrderMailDeps,
  actor: Actor,
  number: string,
  input: { carrier: string; trackingNumber: string; notify: boolean },
): Promise<OrderActionResult> {
  if (!parseOrderNumber(number)) return notFound;
  const carrier = input.carrier.trim();
  const trackingNumber = input.trackingNumber.trim();
  const errors: Record<string, string> = {};
  if (carrier.length > 100) errors.carrier = "Use at most 100 characters.";
  if (trackingNumber.length > 100) errors.trackingNumber = "Use at most 100 characters.";
  else if (trackingNumber && !/^[A-Za-z0-9 -]+$/.test(trackingNumber)) errors.trackingNumber = "Use letters, digits, spaces and dashes only.";
  if (Object.keys(errors).length) return { ok: false, errors };

  const outcome = await deps.db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom("orders")
      .select(["id", "number", "fulfillment_status", "cancelled_at"])
      .where("number", "=", number)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return notFound;
    if (order.cancelled_at) return { ok: false, errors: { form: "A cancelled order can't be fulfilled." } } as const;
    if (order.fulfillment_status === "fulfilled") return { ok: false, errors: { form: "This order is already fulfilled." } } as const;
    await trx.insertInto("fulfillments").values({ order_id: order.id, carrier, tracking_number: trackingNumber }).execute();
    await trx.updateTable("orders").set({ fulfillment_status: "fulfilled" }).where("id", "=", order.id).execute();
    const tracking = trackingNumber ? ` (${[carrier, trackingNumber].filter(Boolean).join(" ")})` : "";
    await trx
      .insertInto("order_events")
      .values({ order_id: order.id, kind: "fulfilled", message: `Marked as fulfilled by ${actor.email}${tracking}.` })
      .execute();
    await recordAudit(trx, actor, {
      action: "order.fulfilled",
      subjectType: "order",
      subjectId: order.id,
      summary: `Order #${order.number} marked as fulfilled${tracking}`,
    });
    return { ok: true, orderId: order.id } as const;
  });
  if (!outcome.ok) return outcome;
  if (!input.notify) return { ok: true, message: "Order marked as fulfilled." };
  const delivery = await sendShippingEmail(deps, outcome.orderId).catch((error: unknown) => {
    console.error(`order ${number}: shipping email not sent:`, error instanceof Error ? error.message : error);
    return "failed" as const;
  });
  return { ok: true, message: `Order marked as fulfilled. ${SHIPPING_EMAIL[delivery ?? "none"]}` };
}

// ---------------------------------------------------------------------------
// Refunds and cancellation
// ---------------------------------------------------------------------------

/** A fresh key for a refund or cancellation form (RefundInput.requestKey). */
export function newRequestKey(): string {
  return randomBytes(12).toString("base64url");
}

export interface RefundInput {
  /** In the shop's notation; blank refunds nothing (a cancellation of an unpaid order, a restock only). */
  amount: string;
  /** Units to put back in stock, per order line id. */
  restock: Record<string, number>;
  /** Names this request: a second post of the same form refunds nothing more. */
  requestKey: string;
}

/**
 * Refunds part or all of what is left of a paid order and puts the chosen units back in stock. The platform gives
 * back the same share of its fee (refund_application_fee), recorded in its ledger.
 */
export async function refundOrder(deps: OrderActionDeps, actor: Actor, style: MoneyStyle, number: string, input: RefundInput): Promise<OrderActionResult> {
  return settle(deps, actor, style, number, input, { cancel: false });
}

/** Cancels an order: refunds everything still paid, restocks every unit not yet restocked, and marks it cancelled. */
export async function cancelOrder(deps: OrderActionDeps, actor: Actor, style: MoneyStyle, number: string, requestKey: string): Promise<OrderActionResult> {
  return settle(deps, actor, style, number, { amount: "", restock: {}, requestKey }, { cancel: true });
}

type Settled =
  | OrderActionResult
  | { ok: true; message: string; refund: { reference: string; amount: bigint; feeBack: bigint; currency: string } | null; productIds: string[] };

async function settle(
  deps: OrderActionDeps,
  actor: Actor,
  style: MoneyStyle,
  number: string,
  input: RefundInput,
  { cancel }: { cancel: boolean },
): Promise<OrderActionResult> {
  if (!parseOrderNumber(number)) return notFound;
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(input.requestKey)) return { ok: false, errors: { form: "This form has expired: reload the page and try again." } };
  let amount = 0n;
  if (input.amount.trim()) {
    const parsed = parseMoney(input.amount, style);
    if (!parsed.ok)
      return { ok: false, errors: { amount: amountProblem(parsed, `Enter the amount to refund, like ${formatMoney(1250, style.currency, style.locale)}.`) } };
    amount = parsed.value;
  }

  const outcome = await deps.db.transaction().execute(async (trx): Promise<Settled> => {
    const order = await trx.selectFrom("orders").selectAll().where("number", "=", number).forUpdate().executeTakeFirst();
    if (!order) return notFound;
    if (order.cancelled_at) return { ok: false, errors: { form: "This order is already cancelled." } };
    const [transactions, lines] = await Promise.all([
      trx.selectFrom("order_transactions").selectAll().where("order_id", "=", order.id).orderBy("id").execute(),
      trx.selectFrom("order_lines").select(["id", "product_id", "variant_id", "quantity", "restocked", "title"]).where("order_id", "=", order.id).execute(),
    ]);
    const sale = transactions.find((t) => t.kind === "sale");
    const refunded = transactions.filter((t) => t.kind === "refund").reduce((sum, t) => sum + BigInt(t.amount), 0n);
    const done = await trx
      .selectFrom("order_events")
      .select("id")
      .where("order_id", "=", order.id)
      .where("request_key", "=", input.requestKey)
      .executeTakeFirst();
    if (done) return { ok: true, message: "This was already done." };
    const paid = sale ? BigInt(sale.amount) : 0n;
    const refundable = paid - refunded;
    if (cancel) amount = refundable;
    if (amount > refundable)
      return { ok: false, errors: { amount: `At most ${formatMoney(refundable, order.currency, style.locale)} can still be refunded.` } };

    const restock = lines.map((line) => {
      const wanted = cancel ? line.quantity - line.restocked : (input.restock[line.id] ?? 0);
      return { line, units: Number.isSafeInteger(wanted) ? wanted : -1 };
    });
    const badLine = restock.find(({ line, units }) => units < 0 || units > line.quantity - line.restocked);
    if (badLine) return { ok: false, errors: { restock: `Restock between 0 and ${badLine.line.quantity - badLine.line.restocked} of ${badLine.line.title}.` } };
    if (amount === 0n && !cancel && restock.every((r) => r.units === 0))
      return { ok: false, errors: { amount: "Enter an amount to refund or units to restock." } };

    let feeBack = 0n;
    let refundReference: string | null = null;
    if (amount > 0n && sale) {
      const gateway = deps.gateways[sale.gateway as PaymentGatewayKind];
      if (!gateway)
        return { ok: false, errors: { form: `Refunds through ${sale.gateway} aren't available here; refund in your payment provider's dashboard.` } };
      refundReference = (await gateway.refund({ reference: sale.reference, currency: order.currency }, amount, `${order.id}-${input.requestKey}`)).reference;
      feeBack = await recordSaleRefund(trx, order, sale, { reference: refundReference, amount });
    }
    for (const { line, units } of restock) {
      if (!units) continue;
      await trx
        .updateTable("order_lines")
        .set({ restocked: line.restocked + units })
        .where("id", "=", line.id)
        .execute();
      if (line.variant_id)
        await trx
          .updateTable("variants")
          .set((eb) => ({ inventory_quantity: eb("inventory_quantity", "+", units), updated_at: new Date() }))
          .where("id", "=", line.variant_id)
          .execute();
    }
    await bumpProductVersions(trx, [...new Set(restock.flatMap((r) => (r.units && r.line.product_id ? [r.line.product_id] : [])))]);
    const refundedNow = refunded + amount;
    const financial = refundedNow === 0n ? (cancel ? "voided" : order.financial_status) : refundedStatus(refundedNow, paid);
    await trx
      .updateTable("orders")
      .set({ financial_status: financial, ...(cancel ? { cancelled_at: new Date() } : {}) })
      .where("id", "=", order.id)
      .execute();
    const units = restock.reduce((sum, r) => sum + r.units, 0);
    const parts = [
      amount > 0n ? `refunded ${formatMoney(amount, order.currency)}` : null,
      units ? `put ${units} ${units === 1 ? "unit" : "units"} back in stock` : null,
    ].filter(Boolean);
    const message = `${cancel ? "Cancelled" : "Refund"} by ${actor.email}${parts.length ? `: ${parts.join(", ")}` : ""}.`;
    await trx
      .insertInto("order_events")
      .values({ order_id: order.id, kind: cancel ? "cancelled" : "refund", message, request_key: input.requestKey })
      .execute();
    await recordAudit(trx, actor, {
      action: cancel ? "order.cancelled" : "order.refunded",
      subjectType: "order",
      subjectId: order.id,
      summary: `Order #${order.number}: ${parts.join(", ") || "cancelled"}`,
    });
    return {
      ok: true,
      message: cancel ? "Order cancelled." : message,
      refund: refundReference ? { reference: refundReference, amount, feeBack, currency: order.currency } : null,
      productIds: [...new Set(restock.flatMap((r) => (r.units && r.line.product_id ? [r.line.product_id] : [])))],
    };
  });
  if (!outcome.ok || !("productIds" in outcome)) return outcome;
  if (outcome.refund)
    await recordRefundFee(deps.platform, {
      shopId: deps.shop.id,
      refundId: outcome.refund.reference,
      amount: outcome.refund.amount,
      feeRefunded: outcome.refund.feeBack,
      currency: outcome.refund.currency,
      at: new Date(),
    });
  if (outcome.productIds.length) {
    for (const productId of outcome.productIds) await refreshProductSummary(deps.db, productId);
    await bumpStorefrontVersion(deps.db);
  }
  return { ok: true, message: outcome.message };
}

type SaleRow = Pick<Selectable<OrderTransactionsTable>, "gateway" | "amount" | "platform_fee">;

/**
 * Records one refund of an order's sale, once per gateway reference, with the platform's share of its fee given
 * back: the same share as of the payment. Returns that share, for the platform's ledger (recordRefundFee).
 */
async function recordSaleRefund(
  trx: TenantDb,
  order: { id: string; currency: string },
  sale: SaleRow,
  refund: { reference: string; amount: bigint },
): Promise<bigint> {
  const feeBack = (BigInt(sale.platform_fee) * refund.amount) / BigInt(sale.amount);
  await trx
    .insertInto("order_transactions")
    .values({
      order_id: order.id,
      kind: "refund",
      gateway: sale.gateway,
      reference: refund.reference,
      amount: refund.amount,
      platform_fee: feeBack,
      currency: order.currency,
    })
    .onConflict((oc) => oc.columns(["gateway", "reference"]).doNothing())
    .execute();
  return feeBack;
}

function refundedStatus(refunded: bigint, paid: bigint): "refunded" | "partially_refunded" {
  return refunded >= paid ? "refunded" : "partially_refunded";
}

/** A refund as the payment provider reports it: its own id and the amount in minor units. */
export interface ProviderRefund {
  reference: string;
  amount: bigint;
}

/**
 * Mirrors refunds made outside Bazaar (in Stripe's Dashboard) onto the order the sale `saleReference` paid: each
 * refund once, by its reference, so a redelivered or late event adds nothing and a refund made from the admin
 * (recorded when it was made) isn't counted twice. `refunds` is the provider's whole list as it is now, so events
 * applied in any order end in the same state. The platform gives back its share of the fee as for an admin refund.
 */
export async function mirrorProviderRefunds(
  deps: Pick<OrderActionDeps, "db" | "platform" | "shop">,
  gateway: PaymentGatewayKind,
  saleReference: string,
  refunds: ProviderRefund[],
): Promise<{ order: string | null; recorded: ProviderRefund[] }> {
  const outcome = await deps.db
    .transaction()
    .execute(async (trx): Promise<{ order: { number: string; currency: string } | null; recorded: (ProviderRefund & { feeBack: bigint })[] }> => {
      const sale = await trx
        .selectFrom("order_transactions")
        .select(["order_id", "gateway", "amount", "platform_fee"])
        .where("gateway", "=", gateway)
        .where("kind", "=", "sale")
        .where("reference", "=", saleReference)
        .executeTakeFirst();
      if (!sale) return { order: null, recorded: [] };
      // The order's lock orders this after an admin refund of the same order that is still calling the provider.
      const order = await trx.selectFrom("orders").select(["id", "number", "currency"]).where("id", "=", sale.order_id).forUpdate().executeTakeFirstOrThrow();
      const known = await trx
        .selectFrom("order_transactions")
        .select(["reference", "amount"])
        .where("order_id", "=", order.id)
        .where("kind", "=", "refund")
        .execute();
      const knownReferences = new Set(known.map((k) => k.reference));
      const recorded: (ProviderRefund & { feeBack: bigint })[] = [];
      for (const refund of refunds.filter((r) => r.amount > 0n && !knownReferences.has(r.reference))) {
        recorded.push({ ...refund, feeBack: await recordSaleRefund(trx, order, sale, refund) });
      }
      if (!recorded.length) return { order, recorded };
      const refunded = [...known.map((k) => BigInt(k.amount)), ...recorded.map((r) => r.amount)].reduce((sum, a) => sum + a, 0n);
      await trx
        .updateTable("orders")
        .set({ financial_status: refundedStatus(refunded, BigInt(sale.amount)) })
        .where("id", "=", order.id)
        .execute();
      const total = formatMoney(
        recorded.reduce((sum, r) => sum + r.amount, 0n),
        order.currency,
      );
      await trx
        .insertInto("order_events")
        .values({ order_id: order.id, kind: "refund", message: `Refunded ${total} in ${gateway === "stripe" ? "Stripe" : gateway}.` })
        .execute();
      await recordAudit(trx, SYSTEM_ACTOR, {
        action: "order.refunded",
        subjectType: "order",
        subjectId: order.id,
        summary: `Order #${order.number}: refunded ${total} in ${gateway}`,
      });
      return { order, recorded };
    });
  const { order, recorded } = outcome;
  for (const refund of recorded) {
    const currency = order?.currency ?? "";
    await recordRefundFee(deps.platform, {
      shopId: deps.shop.id,
      refundId: refund.reference,
      amount: refund.amount,
      feeRefunded: refund.feeBack,
      currency,
      at: new Date(),
    });
  }
  return { order: order?.number ?? null, recorded: recorded.map(({ reference, amount }) => ({ reference, amount })) };
}
