import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { RecommendationList, SignalKind } from "../../db/types.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { serializeCookie } from "../shopper-accounts.server.ts";

/**
 * What shoppers do, recorded on our own server for the shop's recommendations: product views, add-to-carts and
 * purchases, each with the anonymous visitor id of a host-only cookie (and the customer once they log in). A
 * browser that sends `DNT: 1` or `Sec-GPC: 1` is neither given the cookie nor recorded.
 */

export const VISITOR_COOKIE = "bazaar_visitor";
const VISITOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long after a view from a recommendation block an add-to-cart of that product still counts as the block's. */
const ATTRIBUTION_WINDOW_MS = 24 * 60 * 60 * 1000;
export const RECOMMENDATION_SOURCES: readonly RecommendationList[] = ["bought_together", "for_you", "trending"];

/** Whether the browser asked not to be tracked (Do Not Track or Global Privacy Control). */
export function trackingAllowed(request: Request): boolean {
  return request.headers.get("dnt") !== "1" && request.headers.get("sec-gpc") !== "1";
}

/** The visitor id of the request's cookie, or null (none, malformed, or tracking refused). */
export function readVisitorId(request: Request): string | null {
  if (!trackingAllowed(request)) return null;
  const match = /(?:^|;\s*)bazaar_visitor=([^;]*)/.exec(request.headers.get("cookie") ?? "");
  const id = match?.[1].toLowerCase();
  return id && UUID.test(id) ? id : null;
}

/**
 * The visitor id to record under: the cookie's, or a new one with the Set-Cookie header that gives it (host-only,
 * HttpOnly, SameSite=Lax). Null when the browser refuses tracking.
 */
export function visitorFor(request: Request, secure: boolean): { visitorId: string; setCookie: string | null } | null {
  if (!trackingAllowed(request)) return null;
  const existing = readVisitorId(request);
  if (existing) return { visitorId: existing, setCookie: null };
  const visitorId = randomUUID();
  return { visitorId, setCookie: serializeCookie(VISITOR_COOKIE, visitorId, VISITOR_COOKIE_MAX_AGE, secure) };
}

/** Ends the visitor id, e.g. when the shopper deletes their account. */
export function clearVisitorCookie(secure: boolean): string {
  return serializeCookie(VISITOR_COOKIE, "", 0, secure);
}

/** A recommendation block named in a link (`?ref=bought_together`), or null for anything else. */
export function recommendationSource(value: string | null | undefined): RecommendationList | null {
  return RECOMMENDATION_SOURCES.find((source) => source === value) ?? null;
}

export interface SignalInput {
  visitorId: string;
  customerId?: string | null;
  productId: string;
  kind: Exclude<SignalKind, "purchase">;
  source?: RecommendationList | null;
  cartId?: string | null;
}

/**
 * Records a view or an add-to-cart of an active product (anything else is ignored: false). An add-to-cart takes the
 * source of the visitor's last view of the product from a recommendation block in the last day, so sales can be
 * attributed to the block on the server.
 *
 * @example
 *   await recordSignal(db, { visitorId, customerId: shopper?.id, productId, kind: "view", source: "bought_together" });
 */
export async function recordSignal(db: TenantDb, input: SignalInput): Promise<boolean> {
  if (!/^\d{1,18}$/.test(input.productId)) return false;
  const product = await db.selectFrom("products").select("id").where("id", "=", input.productId).where("status", "=", "active").executeTakeFirst();
  if (!product) return false;
  let source = input.source ?? null;
  if (input.kind === "cart" && !source) {
    const view = await db
      .selectFrom("shopper_signals")
      .select("source")
      .where("visitor_id", "=", input.visitorId)
      .where("product_id", "=", input.productId)
      .where("kind", "=", "view")
      .where("at", ">", new Date(Date.now() - ATTRIBUTION_WINDOW_MS))
      .orderBy("at", "desc")
      .limit(1)
      .executeTakeFirst();
    source = view?.source ?? null;
  }
  await db
    .insertInto("shopper_signals")
    .values({
      visitor_id: input.visitorId,
      customer_id: input.customerId ?? null,
      product_id: input.productId,
      kind: input.kind,
      source,
      cart_id: input.cartId ?? null,
    })
    .execute();
  return true;
}

/**
 * The purchase signals of a paid order: one per product that was added to the order's cart with a signal, carrying
 * that add-to-cart's visitor and recommendation block. Called inside the order's transaction.
 */
export async function recordPurchaseSignals(db: TenantDb, order: { cartId: string; orderId: string; customerId: string | null }): Promise<void> {
  await db
    .insertInto("shopper_signals")
    .columns(["visitor_id", "customer_id", "product_id", "kind", "source", "cart_id", "order_id"])
    .expression((eb) =>
      eb
        .selectFrom("shopper_signals as s")
        .innerJoin("order_lines as l", (join) => join.onRef("l.product_id", "=", "s.product_id").on("l.order_id", "=", order.orderId))
        .distinctOn("s.product_id")
        .select([
          "s.visitor_id",
          sql<string | null>`${order.customerId}::bigint`.as("customer_id"),
          "s.product_id",
          sql<SignalKind>`'purchase'`.as("kind"),
          "s.source",
          "s.cart_id",
          sql<string>`${order.orderId}::bigint`.as("order_id"),
        ])
        .where("s.cart_id", "=", order.cartId)
        .where("s.kind", "=", "cart")
        .orderBy("s.product_id")
        .orderBy("s.at", "desc"),
    )
    .execute();
}

/** On login or registration: the visitor's earlier signals become the customer's. */
export async function linkVisitorToCustomer(db: TenantDb, visitorId: string | null, customerId: string): Promise<void> {
  if (!visitorId) return;
  await db.updateTable("shopper_signals").set({ customer_id: customerId }).where("visitor_id", "=", visitorId).where("customer_id", "is", null).execute();
}

/** A deleted account's signals and recommendations go with it. */
export async function forgetCustomerSignals(db: TenantDb, customerId: string): Promise<void> {
  await db.deleteFrom("shopper_signals").where("customer_id", "=", customerId).execute();
  await db.deleteFrom("recommendations").where("list", "=", "for_you").where("subject", "=", `c${customerId}`).execute();
}

/** Drops the signals older than the shop's retention period (180 days unless the merchant set another). */
export async function purgeOldSignals(db: TenantDb, now = new Date()): Promise<number> {
  const { retention_days } = await db.selectFrom("recommendation_state").select("retention_days").executeTakeFirstOrThrow();
  const result = await db
    .deleteFrom("shopper_signals")
    .where("at", "<", new Date(now.getTime() - retention_days * 24 * 60 * 60 * 1000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The add-to-cart of a cart line (as addToCart reports it), recorded with its cart for the purchase's attribution. */
export async function recordAddToCart(db: TenantDb, visitor: { visitorId: string; customerId?: string | null }, lineId: string): Promise<void> {
  const line = await db
    .selectFrom("cart_lines as l")
    .innerJoin("variants as v", "v.id", "l.variant_id")
    .select(["l.cart_id", "v.product_id"])
    .where("l.id", "=", lineId)
    .executeTakeFirst();
  if (line) await recordSignal(db, { ...visitor, productId: line.product_id, kind: "cart", cartId: line.cart_id });
}
