import { sql } from "kysely";
import type { IntlShape } from "react-intl";
import type { StoreImageData } from "../app/components/store/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { readShopperSession, randomToken, serializeCookie, sha256 } from "./shopper-accounts.server.ts";
import { readCookie } from "./storefront-access.server.ts";
import { storeImage } from "./storefront.server.ts";

/**
 * One cart per shop and visitor. A visitor's cart is reached through a random
 * token in a host-only cookie (only its SHA-256 is stored); a signed-in
 * shopper's through their session. Signing in adopts the visitor's cart into
 * the customer's (`adoptCart`); signing out leaves the customer's cart with the
 * account, so the next person at the same browser starts empty.
 *
 * The cart stores variants and quantities only. Prices, stock and whether the
 * product is still for sale are read from the catalogue every time the cart is
 * changed or shown; nothing the form sends is trusted beyond a variant id and
 * a quantity.
 */

export const CART_COOKIE = "bazaar_cart";
export const MAX_LINE_QUANTITY = 999;
const CART_DAYS = 30;
const DAY_MS = 86_400_000;

/** Whose cart: the signed-in customer's, else the visitor's cookie token. */
export interface CartOwner {
  customerId: string | null;
  token: string | null;
}

export function cartCookie(token: string, secure: boolean): string {
  return serializeCookie(CART_COOKIE, token, CART_DAYS * 86_400, secure);
}

export function clearCartCookie(secure: boolean): string {
  return serializeCookie(CART_COOKIE, "", 0, secure);
}

export function readCartToken(cookieHeader: string | null): string | null {
  const token = readCookie(cookieHeader, CART_COOKIE);
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : null;
}

const expiry = () => new Date(Date.now() + CART_DAYS * DAY_MS);

/** The id of the owner's live cart, or null. */
export async function findCartId(db: TenantDb, owner: CartOwner): Promise<string | null> {
  if (owner.customerId) {
    const cart = await db.selectFrom("carts").select("id").where("customer_id", "=", owner.customerId).where("expires_at", ">", new Date()).executeTakeFirst();
    return cart?.id ?? null;
  }
  if (!owner.token) return null;
  const cart = await db
    .selectFrom("carts")
    .select("id")
    .where("token_hash", "=", sha256(owner.token))
    .where("customer_id", "is", null)
    .where("expires_at", ">", new Date())
    .executeTakeFirst();
  return cart?.id ?? null;
}

/** The owner's cart, created when missing; `newToken` is set when a visitor's cookie must be (re)issued. */
async function ensureCart(db: TenantDb, owner: CartOwner): Promise<{ cartId: string; newToken: string | null }> {
  const existing = await findCartId(db, owner);
  if (existing) return { cartId: existing, newToken: null };
  if (owner.customerId) {
    // An expired cart of this customer would hold the unique customer_id: start afresh.
    await db.deleteFrom("carts").where("customer_id", "=", owner.customerId).where("expires_at", "<=", new Date()).execute();
    await db
      .insertInto("carts")
      .values({ customer_id: owner.customerId, expires_at: expiry() })
      .onConflict((oc) => oc.column("customer_id").doNothing())
      .execute();
    const cart = await db.selectFrom("carts").select("id").where("customer_id", "=", owner.customerId).executeTakeFirstOrThrow();
    return { cartId: cart.id, newToken: null };
  }
  const token = randomToken();
  const cart = await db
    .insertInto("carts")
    .values({ token_hash: sha256(token), expires_at: expiry() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { cartId: cart.id, newToken: token };
}

async function touchCart(db: TenantDb, cartId: string): Promise<void> {
  await db.updateTable("carts").set({ updated_at: new Date(), expires_at: expiry() }).where("id", "=", cartId).execute();
}

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

export type CartErrors = Partial<Record<"variantId" | "quantity" | "lineId" | "form", string>>;

const ID = /^\d{1,18}$/;

function parseId(value: FormDataEntryValue | null | undefined): string | null {
  return typeof value === "string" && ID.test(value.trim()) ? value.trim() : null;
}

/** A whole number from 1 to MAX_LINE_QUANTITY, or the message (in the shop's language) saying what is wrong. */
function parseQuantity(value: FormDataEntryValue | null | undefined, intl: IntlShape): { quantity: number } | { error: string } {
  const text = typeof value === "string" ? value.trim() : "";
  if (!/^-?\d+$/.test(text)) return { error: intl.formatMessage({ id: "cart.error.wholeNumber" }) };
  const quantity = Number(text);
  if (quantity < 1) return { error: intl.formatMessage({ id: "cart.error.atLeastOne" }) };
  if (quantity > MAX_LINE_QUANTITY) return { error: intl.formatMessage({ id: "cart.error.atMost" }, { max: MAX_LINE_QUANTITY }) };
  return { quantity };
}

/** How many of a variant can be in a cart: its stock, unless it keeps selling when out of stock. */
function purchasableLimit(variant: { inventory_quantity: number; continue_selling: boolean }): number {
  return variant.continue_selling ? MAX_LINE_QUANTITY : Math.min(Math.max(variant.inventory_quantity, 0), MAX_LINE_QUANTITY);
}

function variantTitle(optionValues: string[]): string {
  return optionValues.join(" / ");
}

function sellableVariant(db: TenantDb, variantId: string) {
  return db
    .selectFrom("variants as v")
    .innerJoin("products as p", "p.id", "v.product_id")
    .select(["v.id", "v.option_values", "v.inventory_quantity", "v.continue_selling", "p.title", "p.status"])
    .where("v.id", "=", variantId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------

export type CartChange =
  | {
      ok: true;
      /** Set when a visitor's cart was just created: send it back with `cartCookie`. */
      newToken: string | null;
      lineId: string;
      quantity: number;
      /** The line holds as many as can be sold (stock, or the per-line maximum). */
      atLimit: boolean;
    }
  | { ok: false; errors: CartErrors };

/**
 * Adds a variant of an active product to the owner's cart. Two adds of the
 * same variant at the same moment both count: the line's quantity is summed
 * in one statement (ON CONFLICT … DO UPDATE) and capped at what can be sold.
 */
export async function addToCart(
  db: TenantDb,
  owner: CartOwner,
  input: { variantId: FormDataEntryValue | null; quantity: FormDataEntryValue | null },
  intl: IntlShape,
): Promise<CartChange> {
  const errors: CartErrors = {};
  const variantId = parseId(input.variantId);
  const parsed = parseQuantity(input.quantity, intl);
  if ("error" in parsed) errors.quantity = parsed.error;
  const variant = variantId ? await sellableVariant(db, variantId) : undefined;
  if (!variant || variant.status !== "active") errors.variantId = intl.formatMessage({ id: "cart.error.productUnavailable" });
  else if (purchasableLimit(variant) === 0) errors.variantId = intl.formatMessage({ id: "cart.error.itemSoldOut" });
  if (!variant || "error" in parsed || errors.variantId) return { ok: false, errors };

  const limit = purchasableLimit(variant);
  const title = [variant.title, variantTitle(variant.option_values)].filter(Boolean).join(" — ");
  const { cartId, newToken } = await ensureCart(db, owner);
  const line = await db
    .insertInto("cart_lines")
    .values({ cart_id: cartId, variant_id: variant.id, title, quantity: Math.min(parsed.quantity, limit) })
    .onConflict((oc) =>
      oc.constraint("cart_lines_cart_variant_key").doUpdateSet((eb) => ({
        quantity: sql<number>`least(${eb.ref("cart_lines.quantity")} + ${eb.ref("excluded.quantity")}, ${limit})`,
        title: eb.ref("excluded.title"),
      })),
    )
    .returning(["id", "quantity"])
    .executeTakeFirstOrThrow();
  await touchCart(db, cartId);
  return { ok: true, newToken, lineId: line.id, quantity: line.quantity, atLimit: line.quantity >= limit };
}

/** Sets a line's quantity (1 or more; removing is its own action), capped at what can be sold. */
export async function updateCartLine(
  db: TenantDb,
  owner: CartOwner,
  input: { lineId: FormDataEntryValue | null; quantity: FormDataEntryValue | null },
  intl: IntlShape,
): Promise<CartChange> {
  const lineId = parseId(input.lineId);
  const parsed = parseQuantity(input.quantity, intl);
  const cartId = lineId ? await findCartId(db, owner) : null;
  const line =
    cartId && lineId
      ? await db
          .selectFrom("cart_lines as l")
          .leftJoin("variants as v", "v.id", "l.variant_id")
          .leftJoin("products as p", "p.id", "v.product_id")
          .select(["l.id", "v.inventory_quantity", "v.continue_selling", "p.status"])
          .where("l.id", "=", lineId)
          .where("l.cart_id", "=", cartId)
          .executeTakeFirst()
      : undefined;
  if (!line || !cartId) return { ok: false, errors: { lineId: intl.formatMessage({ id: "cart.error.lineGone" }) } };
  if ("error" in parsed) return { ok: false, errors: { quantity: parsed.error } };
  if (line.status !== "active" || line.inventory_quantity === null || line.continue_selling === null) {
    return { ok: false, errors: { quantity: intl.formatMessage({ id: "cart.error.noLongerAvailable" }) } };
  }
  const limit = purchasableLimit({ inventory_quantity: line.inventory_quantity, continue_selling: line.continue_selling });
  if (limit === 0) return { ok: false, errors: { quantity: intl.formatMessage({ id: "cart.error.soldOutRemove" }) } };
  const quantity = Math.min(parsed.quantity, limit);
  await db.updateTable("cart_lines").set({ quantity }).where("id", "=", line.id).execute();
  await touchCart(db, cartId);
  return { ok: true, newToken: null, lineId: line.id, quantity, atLimit: quantity >= limit };
}

export async function removeCartLine(
  db: TenantDb,
  owner: CartOwner,
  input: { lineId: FormDataEntryValue | null },
  intl: IntlShape,
): Promise<{ ok: true } | { ok: false; errors: CartErrors }> {
  const lineId = parseId(input.lineId);
  const cartId = lineId ? await findCartId(db, owner) : null;
  const gone = { ok: false, errors: { lineId: intl.formatMessage({ id: "cart.error.lineGone" }) } } as const;
  if (!lineId || !cartId) return gone;
  const removed = await db.deleteFrom("cart_lines").where("id", "=", lineId).where("cart_id", "=", cartId).executeTakeFirst();
  if (!removed.numDeletedRows) return gone;
  await touchCart(db, cartId);
  return { ok: true };
}

/**
 * Signing in: the visitor's cart (from their cookie) joins the customer's. With
 * no cart of their own the customer takes the visitor's over; otherwise
 * quantities are summed per variant, capped at what can be sold, and the
 * visitor's cart is dropped. Either way the cart cookie is no longer needed.
 */
export async function adoptCart(db: TenantDb, token: string | null, customerId: string): Promise<void> {
  if (!token) return;
  await db.transaction().execute(async (trx) => {
    const visitorCart = await findCartId(trx, { customerId: null, token });
    if (!visitorCart) return;
    const own = await findCartId(trx, { customerId, token: null });
    if (!own) {
      await trx.deleteFrom("carts").where("customer_id", "=", customerId).execute();
      await trx
        .updateTable("carts")
        .set({ customer_id: customerId, token_hash: null, updated_at: new Date(), expires_at: expiry() })
        .where("id", "=", visitorCart)
        .execute();
      return;
    }
    const lines = await trx
      .selectFrom("cart_lines as l")
      .innerJoin("variants as v", "v.id", "l.variant_id")
      .innerJoin("products as p", "p.id", "v.product_id")
      .select(["l.variant_id", "l.title", "l.quantity", "v.inventory_quantity", "v.continue_selling"])
      .where("l.cart_id", "=", visitorCart)
      .where("p.status", "=", "active")
      .execute();
    for (const line of lines) {
      const limit = purchasableLimit(line);
      if (limit === 0 || !line.variant_id) continue;
      await trx
        .insertInto("cart_lines")
        .values({ cart_id: own, variant_id: line.variant_id, title: line.title, quantity: Math.min(line.quantity, limit) })
        .onConflict((oc) =>
          oc.constraint("cart_lines_cart_variant_key").doUpdateSet((eb) => ({
            quantity: sql<number>`greatest(1, least(${eb.ref("cart_lines.quantity")} + ${eb.ref("excluded.quantity")}, ${limit}))`,
          })),
        )
        .execute();
    }
    await trx.deleteFrom("carts").where("id", "=", visitorCart).execute();
    await touchCart(trx, own);
  });
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/**
 * ok: can be bought as it is; limited: fewer in stock than the line asks for;
 * sold_out: none left; unavailable: the product is gone, a draft or archived.
 */
export type CartLineState = "ok" | "limited" | "sold_out" | "unavailable";

export interface CartLineView {
  id: string;
  variantId: string | null;
  /** Null when the line can't be bought. */
  productId: string | null;
  title: string;
  variantTitle: string;
  productHandle: string | null;
  sku: string;
  image: StoreImageData | null;
  quantity: number;
  /** Minor units, read from the variant now; null when the line can't be bought. */
  unitPrice: string | null;
  compareAtPrice: string | null;
  /** unitPrice × the quantity that can be bought. */
  lineTotal: string | null;
  /** Most that can be bought now (null when nothing can). */
  maxQuantity: number | null;
  state: CartLineState;
}

export interface CartView {
  lines: CartLineView[];
  /** Minor units over the lines that can be bought, at the quantity that can be bought. */
  subtotal: string;
  itemCount: number;
  /** Every line can be bought as it stands. */
  ready: boolean;
}

const EMPTY_CART: CartView = { lines: [], subtotal: "0", itemCount: 0, ready: false };

/** The owner's cart with today's prices and stock. */
export async function loadCart(db: TenantDb, owner: CartOwner): Promise<CartView> {
  const cartId = await findCartId(db, owner);
  return cartId ? loadCartById(db, cartId) : EMPTY_CART;
}

/** A cart by id (checkout keeps the id of the cart it was opened from), with today's prices and stock. */
export async function loadCartById(db: TenantDb, cartId: string): Promise<CartView> {
  const rows = await db
    .selectFrom("cart_lines as l")
    .leftJoin("variants as v", "v.id", "l.variant_id")
    .leftJoin("products as p", "p.id", "v.product_id")
    .select([
      "l.id",
      "l.variant_id",
      "l.title as line_title",
      "l.quantity",
      "v.option_values",
      "v.sku",
      "v.price",
      "v.compare_at_price",
      "v.inventory_quantity",
      "v.continue_selling",
      "v.image_id",
      "p.id as product_id",
      "p.title as product_title",
      "p.handle",
      "p.status",
    ])
    .where("l.cart_id", "=", cartId)
    .orderBy("l.added_at")
    .orderBy("l.id")
    .execute();

  const productIds = [...new Set(rows.flatMap((r) => (r.product_id && r.status === "active" ? [r.product_id] : [])))];
  const media = productIds.length
    ? await db
        .selectFrom("product_media")
        .select(["id", "product_id", "position", "storage_key", "width", "height", "alt"])
        .where("product_id", "in", productIds)
        .orderBy("position")
        .execute()
    : [];

  const lines = rows.map((row): CartLineView => {
    const active = row.status === "active" && row.price !== null && row.inventory_quantity !== null && row.continue_selling !== null;
    if (!active) {
      return {
        id: row.id,
        variantId: row.variant_id,
        productId: null,
        title: row.product_title ?? row.line_title,
        variantTitle: "",
        productHandle: null,
        sku: "",
        image: null,
        quantity: row.quantity,
        unitPrice: null,
        compareAtPrice: null,
        lineTotal: null,
        maxQuantity: null,
        state: "unavailable",
      };
    }
    const limit = purchasableLimit({ inventory_quantity: row.inventory_quantity!, continue_selling: row.continue_selling! });
    const buyable = Math.min(row.quantity, limit);
    const state: CartLineState = limit === 0 ? "sold_out" : row.quantity > limit ? "limited" : "ok";
    const picture = media.find((m) => m.id === row.image_id) ?? media.find((m) => m.product_id === row.product_id);
    const title = row.product_title!;
    return {
      id: row.id,
      variantId: row.variant_id,
      productId: row.product_id,
      title,
      variantTitle: variantTitle(row.option_values ?? []),
      productHandle: row.handle,
      sku: row.sku ?? "",
      image: picture ? storeImage(picture, title) : null,
      quantity: row.quantity,
      unitPrice: row.price,
      compareAtPrice: row.compare_at_price,
      lineTotal: limit === 0 ? null : (BigInt(row.price!) * BigInt(buyable)).toString(),
      maxQuantity: limit === 0 ? null : limit,
      state,
    };
  });
  const subtotal = lines.reduce((sum, line) => sum + BigInt(line.lineTotal ?? 0), 0n);
  const itemCount = lines.reduce((sum, line) => sum + line.quantity, 0);
  return { lines, subtotal: subtotal.toString(), itemCount, ready: lines.length > 0 && lines.every((l) => l.state === "ok") };
}

/** Who owns the cart on this request: the signed-in shopper, else the cart cookie. Reads without renewing anything. */
async function cartOwner(db: TenantDb, request: Request): Promise<CartOwner> {
  const cookies = request.headers.get("cookie");
  // Read-only: without renewal no cookie is written, so `secure` doesn't matter here.
  const { shopper } = await readShopperSession(db, cookies, { secure: false, renew: false });
  return { customerId: shopper?.id ?? null, token: readCartToken(cookies) };
}

/** The header's cart count: items (summed quantities) in this visitor's cart. */
export async function cartItemCount(db: TenantDb, request: Request): Promise<number> {
  const cartId = await findCartId(db, await cartOwner(db, request));
  if (!cartId) return 0;
  const { count } = await db
    .selectFrom("cart_lines")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("quantity"), sql<string>`0`).as("count"))
    .where("cart_id", "=", cartId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** The products in the owner's cart, which recommendation blocks leave out. */
export async function cartProductIds(db: TenantDb, owner: CartOwner): Promise<string[]> {
  const cartId = await findCartId(db, owner);
  if (!cartId) return [];
  const rows = await db
    .selectFrom("cart_lines as l")
    .innerJoin("variants as v", "v.id", "l.variant_id")
    .select("v.product_id")
    .distinct()
    .where("l.cart_id", "=", cartId)
    .execute();
  return rows.map((r) => r.product_id);
}
