import { sql, type Selectable, type Updateable } from "kysely";
import type { IntlShape } from "react-intl";
import type { CheckoutsTable, PaymentGatewayKind } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordPaymentFee } from "../tenants/metering.server.ts";
import { platformFeeFor } from "../tenants/plans.server.ts";
import { findCartId, loadCartById, type CartLineView, type CartOwner } from "./cart.server.ts";
import { countryName } from "./countries.ts";
import { evaluateDiscountCode, normalizeCode, percentageOf, REJECTION_MESSAGE_IDS } from "./discounts.server.ts";
import { sendOrderEmails, type OrderMailDeps } from "./order-mail.server.ts";
import { recordOrder } from "./orders.server.ts";
import { bumpStorefrontVersion } from "./page-cache.server.ts";
import { refreshProductSummary } from "./product-summary.server.ts";
import { bumpProductVersions } from "./products.server.ts";
import { sendMail } from "./mail.server.ts";
import { shopperIntl } from "./settings.server.ts";
import { formatMoney, taxIncludedIn } from "./money.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";
import { recordPurchaseSignals } from "./recommendations/signals.server.ts";
import { randomToken, shopperOrderView, validateAddress, type AddressInput, type FieldErrors } from "./shopper-accounts.server.ts";

/**
 * Checkout on the shop's own domain (docs/decisions/023-checkout-and-payments.md).
 *
 * A checkout belongs to the cart it was opened from and reads that cart's lines
 * and today's prices every time it is shown: the browser sends only what the
 * shopper typed and chose (email, address, a shipping rate id, a discount
 * code). When payment starts (`beginPayment`) the lines, the totals and the
 * platform's fee are frozen and the stock is reserved; a completed payment
 * (`completeCheckoutPayment`, called by the test gateway, the shopper's return
 * and Stripe's webhook alike) turns the checkout into exactly one paid order.
 */

/** How long stock stays reserved for a payment under way. */
export const RESERVATION_MINUTES = 30;
const MINUTE = 60_000;

type CheckoutRow = Selectable<CheckoutsTable>;

/** What a checkout needs beyond the shop's own handle: the registry's view of the shop and where its pages live. */
export type CheckoutDeps = OrderMailDeps & {
  /** Asks for an early recommendations run after a paid order (jobs/processors/recommendations.server.ts); never fails. */
  requestRecommendations?: () => void;
};

// ---------------------------------------------------------------------------
// Opening and reading a checkout
// ---------------------------------------------------------------------------

export type StartCheckoutResult = { ok: true; token: string } | { ok: false; error: string };

/**
 * Opens a checkout for the owner's cart, or returns the one already open for it, so going back to the cart and
 * on to checkout again keeps what was typed. A signed-in shopper's email is filled in.
 */
export async function startCheckout(db: TenantDb, owner: CartOwner, intl: IntlShape): Promise<StartCheckoutResult> {
  const cartId = await findCartId(db, owner);
  const cart = cartId ? await loadCartById(db, cartId) : null;
  if (!cartId || !cart?.lines.length) return { ok: false, error: intl.formatMessage({ id: "checkout.error.cartEmpty" }) };
  if (!cart.ready) return { ok: false, error: intl.formatMessage({ id: "checkout.error.cartNotReady" }) };
  const open = await db
    .selectFrom("checkouts")
    .select(["token", "customer_id"])
    .where("cart_id", "=", cartId)
    .where("status", "in", ["open", "processing"])
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (open && open.customer_id === owner.customerId) return { ok: true, token: open.token };
  const [settings, customer] = await Promise.all([
    db.selectFrom("settings").select("currency").executeTakeFirstOrThrow(),
    owner.customerId ? db.selectFrom("customers").select(["email", "accepts_marketing"]).where("id", "=", owner.customerId).executeTakeFirst() : undefined,
  ]);
  const token = randomToken();
  await db
    .insertInto("checkouts")
    .values({
      token,
      cart_id: cartId,
      customer_id: owner.customerId,
      currency: settings.currency,
      email: customer?.email ?? "",
      marketing_consent: customer?.accepts_marketing ?? false,
    })
    .execute();
  return { ok: true, token };
}

/** A token from an address: the shape randomToken makes, else nothing is looked up. */
export function parseCheckoutToken(text: string | undefined): string | null {
  return text && /^[A-Za-z0-9_-]{20,100}$/.test(text) ? text : null;
}

export async function findCheckout(db: TenantDb, token: string | undefined): Promise<CheckoutRow | null> {
  const valid = parseCheckoutToken(token);
  if (!valid) return null;
  return (await db.selectFrom("checkouts").selectAll().where("token", "=", valid).executeTakeFirst()) ?? null;
}

// ---------------------------------------------------------------------------
// Pricing: every amount is computed here, from the catalogue and the settings
// ---------------------------------------------------------------------------

export interface ShippingOption {
  id: string;
  name: string;
  price: string;
}

export interface CheckoutPricing {
  currency: string;
  lines: CartLineView[];
  subtotal: bigint;
  discount: { code: string; id: string; amount: bigint; lineAllocations: number[] } | null;
  /** Why the code typed doesn't apply, when it doesn't. */
  discountProblem: string | null;
  /** Rates for the address's country; empty when the shop ships nowhere there (see shippingProblem). */
  shippingOptions: ShippingOption[];
  /** False for a shop that has set up no shipping at all (digital goods, local pickup): nothing to choose or pay. */
  shippingRequired: boolean;
  shippingRate: ShippingOption | null;
  shippingProblem: string | null;
  shipping: bigint;
  tax: bigint;
  taxIncluded: boolean;
  taxRateBp: number;
  total: bigint;
  /** Whatever still stops payment, for the shopper: empty when the checkout can be paid. */
  problems: string[];
}

/**
 * Prices a checkout as it stands: the cart's lines at today's prices and stock, the shipping rates for its
 * address, its discount code checked with the admin's rules, and tax from the shop's tax settings.
 *
 * Tax is charged on what the shopper pays for goods and shipping after discounts. With prices that include tax,
 * the tax shown is the part of that amount that is tax, and the total doesn't grow.
 */
export async function priceCheckout(
  db: TenantDb,
  checkout: CheckoutRow,
  { now = new Date(), intl = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE) }: { now?: Date; intl?: IntlShape } = {},
): Promise<CheckoutPricing> {
  const say = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const [cart, settings, zones, rates] = await Promise.all([
    checkout.cart_id ? loadCartById(db, checkout.cart_id) : null,
    db.selectFrom("settings").select(["currency", "tax_rate_bp", "prices_include_tax"]).executeTakeFirstOrThrow(),
    db.selectFrom("shipping_zones").select(["id", "countries"]).execute(),
    db.selectFrom("shipping_rates").select(["id", "zone_id", "name", "price", "min_subtotal"]).orderBy("price").orderBy("id").execute(),
  ]);
  const problems: string[] = [];
  const lines = cart?.lines ?? [];
  if (!lines.length) problems.push(say("checkout.problem.cartEmpty"));
  else if (!cart?.ready) problems.push(say("checkout.problem.cartNotReady"));
  if (settings.currency !== checkout.currency) problems.push(say("checkout.problem.currencyChanged"));
  const subtotal = lines.reduce((sum, line) => sum + BigInt(line.lineTotal ?? 0), 0n);

  const country = checkout.shipping_address?.country ?? null;
  const shippingRequired = zones.length > 0;
  let shippingOptions: ShippingOption[] = [];
  let shippingProblem: string | null = null;
  if (shippingRequired && country) {
    const zoneIds = new Set(zones.filter((z) => z.countries.includes(country)).map((z) => z.id));
    shippingOptions = rates
      .filter((r) => zoneIds.has(r.zone_id) && (r.min_subtotal === null || subtotal >= BigInt(r.min_subtotal)))
      .map((r) => ({ id: r.id, name: r.name, price: r.price }));
    if (!shippingOptions.length) shippingProblem = say("checkout.problem.noShipping", { country: countryName(country, intl.locale) });
  }
  const shippingRate = shippingOptions.find((o) => o.id === checkout.shipping_rate_id) ?? null;
  const shippingBefore = shippingRate ? BigInt(shippingRate.price) : 0n;

  let discount: CheckoutPricing["discount"] = null;
  let discountProblem: string | null = null;
  if (checkout.discount_code && lines.length) {
    const evaluation = await evaluateDiscountCode(
      db,
      checkout.discount_code,
      {
        lines: lines.map((l) => ({ productId: l.productId, quantity: buyableQuantity(l), unitPrice: Number(l.unitPrice ?? 0) })),
        shipping: Number(shippingBefore),
      },
      checkout.email,
      now,
    );
    if (evaluation.ok)
      discount = {
        code: evaluation.discount.code,
        id: evaluation.discount.id,
        amount: BigInt(evaluation.application.total),
        lineAllocations: evaluation.application.lineAllocations,
      };
    else discountProblem = say(REJECTION_MESSAGE_IDS[evaluation.reason]);
  }

  const discountAmount = discount?.amount ?? 0n;
  const taxable = subtotal + shippingBefore - discountAmount;
  const rate = settings.tax_rate_bp;
  const tax = settings.prices_include_tax ? taxIncludedIn(taxable, rate) : percentageOf(taxable, rate);
  const total = taxable + (settings.prices_include_tax ? 0n : tax);

  if (!checkout.email) problems.push(say("checkout.problem.email"));
  if (!checkout.shipping_address) problems.push(say("checkout.problem.address"));
  if (shippingProblem) problems.push(shippingProblem);
  else if (shippingRequired && checkout.shipping_address && !shippingRate) problems.push(say("checkout.problem.shippingMethod"));
  if (discountProblem) problems.push(say("checkout.problem.discount", { code: checkout.discount_code!, problem: discountProblem }));

  return {
    currency: checkout.currency,
    lines,
    subtotal,
    discount,
    discountProblem,
    shippingOptions,
    shippingRequired,
    shippingRate,
    shippingProblem,
    shipping: shippingBefore,
    tax,
    taxIncluded: settings.prices_include_tax,
    taxRateBp: rate,
    total,
    problems,
  };
}

function buyableQuantity(line: CartLineView): number {
  return Math.min(line.quantity, line.maxQuantity ?? 0);
}

// ---------------------------------------------------------------------------
// What the shopper types
// ---------------------------------------------------------------------------

/** What the shopper typed; a field left out (undefined) keeps its saved value. */
export interface CheckoutInput {
  email?: string;
  marketingConsent?: boolean;
  address?: AddressInput;
  shippingRateId?: string;
  discountCode?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An address as orders keep it (the keys order pages and exports read). */
export function orderAddress(address: AddressInput): Record<string, string> {
  const { name, line1, line2, city, region, postalCode, country, phone } = address;
  return { name, line1, line2, city, region, postal_code: postalCode, country, phone };
}

/** A stored address back as the form's fields. */
export function addressInput(stored: Record<string, string> | null): AddressInput {
  const read = (key: string) => stored?.[key] ?? "";
  return {
    name: read("name"),
    line1: read("line1"),
    line2: read("line2"),
    city: read("city"),
    region: read("region"),
    postalCode: read("postal_code"),
    country: read("country"),
    phone: read("phone"),
  };
}

/**
 * Saves what the shopper typed: all of it, or nothing if any field has a problem (a refused form changes nothing;
 * the page shows each message next to what was typed). Does nothing once payment has started.
 */
export async function updateCheckout(
  db: TenantDb,
  checkout: CheckoutRow,
  input: CheckoutInput,
  intl: IntlShape = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE),
): Promise<{ errors: FieldErrors }> {
  if (checkout.status !== "open") return { errors: { form: intl.formatMessage({ id: "checkout.error.paymentStarted" }) } };
  const errors: FieldErrors = {};
  const changes: Updateable<CheckoutsTable> = { updated_at: new Date() };
  if (input.email !== undefined) {
    const email = input.email.trim().toLowerCase();
    // Not typed yet is no mistake (the shopper may choose shipping first); paying asks for it.
    if (email && (email.length > 254 || !EMAIL.test(email))) errors.email = intl.formatMessage({ id: "checkout.error.email" });
    else changes.email = email;
  }
  if (input.marketingConsent !== undefined) changes.marketing_consent = input.marketingConsent;
  if (input.address) {
    const addressErrors = validateAddress(input.address, intl);
    if (Object.keys(addressErrors).length) Object.assign(errors, addressErrors);
    else changes.shipping_address = JSON.stringify(orderAddress(input.address));
  }
  if (input.shippingRateId !== undefined) changes.shipping_rate_id = /^\d{1,18}$/.test(input.shippingRateId) ? input.shippingRateId : null;
  if (input.discountCode !== undefined) {
    const code = input.discountCode.trim() ? normalizeCode(input.discountCode) : "";
    if (code && !/^[A-Z0-9_-]{2,64}$/.test(code)) errors.discountCode = intl.formatMessage({ id: "checkout.error.discountCode" });
    else changes.discount_code = code || null;
  }
  if (Object.keys(errors).length) return { errors };
  await db.updateTable("checkouts").set(changes).where("id", "=", checkout.id).where("status", "=", "open").execute();
  return { errors };
}

// ---------------------------------------------------------------------------
// Payment: reserve, complete, release
// ---------------------------------------------------------------------------

/** What the shopper's click to pay carries: the total they saw on the button, and their language for any refusal. */
export interface PaymentOptions {
  expectedTotal?: string;
  intl?: IntlShape;
}

export type BeginPaymentResult =
  | { kind: "ready"; checkoutId: string; amount: bigint; fee: bigint; currency: string; email: string; attempt: string }
  | { kind: "invalid"; problems: string[] }
  | { kind: "sold_out"; titles: string[] }
  | { kind: "completed"; statusToken: string | null };

/**
 * Freezes the checkout's lines and totals, reserves its stock and fixes the platform's fee, in one transaction
 * per checkout: a variant is locked while its free stock (on hand less live reservations of other checkouts) is
 * counted, so of any number of concurrent checkouts for the last units exactly as many succeed as there are
 * units. Anything already reserved for this checkout is given back first (a second attempt after a decline).
 */
export async function beginPayment(
  deps: CheckoutDeps,
  token: string,
  gateway: PaymentGatewayKind,
  { expectedTotal, now = new Date(), intl = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE) }: PaymentOptions & { now?: Date } = {},
): Promise<BeginPaymentResult> {
  const result = await deps.db.transaction().execute(async (trx): Promise<BeginPaymentResult> => {
    const checkout = await trx.selectFrom("checkouts").selectAll().where("token", "=", token).forUpdate().executeTakeFirst();
    if (!checkout) return { kind: "invalid", problems: [intl.formatMessage({ id: "checkout.problem.notFound" })] };
    if (checkout.status === "completed") return { kind: "completed", statusToken: await statusTokenOf(trx, checkout.order_id) };
    await trx.deleteFrom("stock_reservations").where("checkout_id", "=", checkout.id).execute();

    const pricing = await priceCheckout(trx, checkout, { now, intl });
    if (pricing.problems.length) return { kind: "invalid", problems: pricing.problems };
    // The shopper agreed to the total on the button; if a change made with the same click moved it, show it first.
    if (expectedTotal !== undefined && expectedTotal !== String(pricing.total)) {
      const total = formatMoney(pricing.total, checkout.currency, intl.locale);
      return { kind: "invalid", problems: [intl.formatMessage({ id: "checkout.problem.totalChanged" }, { total })] };
    }

    const wanted = pricing.lines
      .map((line) => ({ line, quantity: buyableQuantity(line) }))
      .sort((a, b) => (BigInt(a.line.variantId!) < BigInt(b.line.variantId!) ? -1 : 1));
    const soldOut: string[] = [];
    for (const { line, quantity } of wanted) {
      // Locks are taken in variant id order, so two checkouts with the same variants can't deadlock.
      const variant = await trx
        .selectFrom("variants")
        .select(["inventory_quantity", "continue_selling"])
        .where("id", "=", line.variantId!)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (variant.continue_selling) continue;
      const { held } = await trx
        .selectFrom("stock_reservations")
        .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("quantity"), sql<string>`0`).as("held"))
        .where("variant_id", "=", line.variantId!)
        .where("expires_at", ">", now)
        .executeTakeFirstOrThrow();
      if (variant.inventory_quantity - Number(held) < quantity) soldOut.push(line.variantTitle ? `${line.title} (${line.variantTitle})` : line.title);
    }
    if (soldOut.length) return { kind: "sold_out", titles: soldOut };

    const reservedUntil = new Date(now.getTime() + RESERVATION_MINUTES * MINUTE);
    await trx
      .insertInto("stock_reservations")
      .values(wanted.map(({ line, quantity }) => ({ checkout_id: checkout.id, variant_id: line.variantId!, quantity, expires_at: reservedUntil })))
      .execute();
    await trx.deleteFrom("checkout_lines").where("checkout_id", "=", checkout.id).execute();
    await trx
      .insertInto("checkout_lines")
      .values(
        pricing.lines.map((line, i) => ({
          checkout_id: checkout.id,
          variant_id: line.variantId!,
          product_id: line.productId,
          title: line.title,
          variant_title: line.variantTitle,
          sku: line.sku,
          quantity: buyableQuantity(line),
          unit_price: line.unitPrice!,
          discount: pricing.discount?.lineAllocations[i] ?? 0,
        })),
      )
      .execute();
    await trx
      .updateTable("checkouts")
      .set({
        status: "processing",
        gateway,
        payment_id: null,
        subtotal: pricing.subtotal,
        discount_total: pricing.discount?.amount ?? 0n,
        discount_id: pricing.discount?.id ?? null,
        shipping_total: pricing.shipping,
        shipping_title: pricing.shippingRate?.name ?? null,
        tax_total: pricing.tax,
        total: pricing.total,
        reserved_until: reservedUntil,
        updated_at: now,
      })
      .where("id", "=", checkout.id)
      .execute();
    // Names this payment attempt: a gateway's idempotency key is stable for its retries and new for the next attempt.
    const attempt = `${checkout.id}-${now.getTime()}`;
    return { kind: "ready", checkoutId: checkout.id, amount: pricing.total, fee: 0n, currency: checkout.currency, email: checkout.email, attempt };
  });
  if (result.kind !== "ready") return result;
  // Outside the shop's transaction: the plan lives in the platform schema, and holding a connection while
  // waiting for a second one would starve the pool under a burst of checkouts.
  const { fee } = await platformFeeFor(deps.platform, deps.shop.id, result.amount);
  await deps.db.updateTable("checkouts").set({ platform_fee: fee }).where("id", "=", result.checkoutId).execute();
  return { ...result, fee };
}

async function statusTokenOf(db: TenantDb, orderId: string | null): Promise<string | null> {
  if (!orderId) return null;
  const order = await db.selectFrom("orders").select("status_token").where("id", "=", orderId).executeTakeFirst();
  return order?.status_token ?? null;
}

/** Records which gateway payment belongs to a checkout, so a webhook about it finds the checkout. */
export async function attachPayment(db: TenantDb, checkoutId: string, paymentId: string): Promise<void> {
  await db.updateTable("checkouts").set({ payment_id: paymentId }).where("id", "=", checkoutId).where("status", "=", "processing").execute();
}

/**
 * Deletes stock reservations that have expired (the maintenance sweep): they no longer hold stock, and a payment
 * arriving after its reservation expired is flagged the same whether the row is there or not.
 */
export async function purgeExpiredReservations(db: TenantDb, now = new Date()): Promise<number> {
  const result = await db.deleteFrom("stock_reservations").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Gives back a checkout's reserved stock and lets the shopper change it again (a declined or cancelled payment). */
export async function releaseCheckout(db: TenantDb, checkoutId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const reopened = await trx
      .updateTable("checkouts")
      .set({ status: "open", payment_id: null, reserved_until: null, updated_at: new Date() })
      .where("id", "=", checkoutId)
      .where("status", "=", "processing")
      .executeTakeFirst();
    await trx.deleteFrom("stock_reservations").where("checkout_id", "=", checkoutId).execute();
    return reopened.numUpdatedRows > 0n;
  });
}

export interface CompletedPayment {
  gateway: PaymentGatewayKind;
  /** The gateway's id for the payment (a PaymentIntent id for Stripe). */
  paymentId: string;
  amount: bigint;
  currency: string;
  at?: Date;
}

export class PaymentMismatchError extends Error {}

/**
 * Turns a checkout whose payment succeeded into its paid order, exactly once: the checkout row is locked, and a
 * second call (the webhook racing the shopper's return, a duplicate delivery) finds the order and returns it.
 * The order is written even if the reservation expired meanwhile: the shopper has paid, and the timeline says
 * when stock was oversold. Stock goes down, the cart empties; after commit the product summaries and the
 * storefront cache are refreshed, the fee is recorded in the platform's ledger and both emails go out.
 */
export async function completeCheckoutPayment(
  deps: CheckoutDeps,
  checkoutId: string,
  payment: CompletedPayment,
): Promise<{ created: boolean; orderId: string; number: string; statusToken: string }> {
  const at = payment.at ?? new Date();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const checkout = await trx.selectFrom("checkouts").selectAll().where("id", "=", checkoutId).forUpdate().executeTakeFirstOrThrow();
    if (checkout.order_id) {
      const order = await trx.selectFrom("orders").select(["id", "number", "status_token"]).where("id", "=", checkout.order_id).executeTakeFirstOrThrow();
      return { created: false, checkout, orderId: order.id, number: order.number, statusToken: order.status_token!, productIds: [] as string[] };
    }
    if (checkout.total === null || BigInt(checkout.total) !== payment.amount || checkout.currency !== payment.currency.toUpperCase())
      throw new PaymentMismatchError(`checkout ${checkoutId}: paid ${payment.amount} ${payment.currency}, expected ${checkout.total} ${checkout.currency}`);
    const lines = await trx.selectFrom("checkout_lines").selectAll().where("checkout_id", "=", checkout.id).orderBy("variant_id").execute();
    const reservations = await trx.selectFrom("stock_reservations").select(["variant_id", "expires_at"]).where("checkout_id", "=", checkout.id).execute();
    const address = checkout.shipping_address ?? {};
    const [firstName, ...rest] = (address.name ?? "").trim().split(/\s+/);
    const subtotal = BigInt(checkout.subtotal!);
    const discountTotal = BigInt(checkout.discount_total ?? 0);
    const shipping = BigInt(checkout.shipping_total ?? 0);
    const tax = BigInt(checkout.tax_total ?? 0);

    const order = await recordOrder(trx, {
      email: checkout.email,
      currency: checkout.currency,
      customerId: checkout.customer_id,
      customerName: { firstName: firstName ?? "", lastName: rest.join(" ") },
      lines: lines.map((l) => ({
        productId: l.product_id,
        variantId: l.variant_id,
        title: l.title,
        variantTitle: l.variant_title,
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: Number(l.unit_price),
      })),
      shippingTotal: Number(shipping),
      taxTotal: Number(tax),
      taxIncluded: BigInt(checkout.total) === subtotal - discountTotal + shipping,
      discount: checkout.discount_id ? { id: checkout.discount_id, code: checkout.discount_code ?? "", amount: Number(discountTotal), paid: true } : null,
      financialStatus: "paid",
      shippingAddress: checkout.shipping_address,
      placedAt: at,
      paidAt: at,
    });
    const statusToken = randomToken();
    await trx
      .updateTable("orders")
      .set({ checkout_id: checkout.id, status_token: statusToken, shipping_title: checkout.shipping_title })
      .where("id", "=", order.id)
      .execute();
    for (const line of lines)
      await trx
        .updateTable("variants")
        .set((eb) => ({ inventory_quantity: eb("inventory_quantity", "-", line.quantity), updated_at: at }))
        .where("id", "=", line.variant_id)
        .execute();
    await trx
      .insertInto("order_transactions")
      .values({
        order_id: order.id,
        kind: "sale",
        gateway: payment.gateway,
        reference: payment.paymentId,
        amount: payment.amount,
        platform_fee: checkout.platform_fee ?? 0,
        currency: checkout.currency,
        created_at: at,
      })
      .execute();
    const events = [
      {
        order_id: order.id,
        at,
        kind: "payment",
        message: `Paid through ${payment.gateway === "test" ? "the test gateway" : "Stripe"} (${payment.paymentId}).`,
      },
    ];
    if (reservations.length < lines.length || reservations.some((r) => r.expires_at <= at))
      events.push({
        order_id: order.id,
        at,
        kind: "stock",
        message: "The stock reservation had expired when payment arrived: check that every item is still in stock.",
      });
    await trx.insertInto("order_events").values(events).execute();
    await trx.deleteFrom("stock_reservations").where("checkout_id", "=", checkout.id).execute();
    if (checkout.cart_id) {
      await recordPurchaseSignals(trx, { cartId: checkout.cart_id, orderId: order.id, customerId: checkout.customer_id });
      await trx.deleteFrom("cart_lines").where("cart_id", "=", checkout.cart_id).execute();
    }
    await trx
      .updateTable("checkouts")
      .set({ status: "completed", order_id: order.id, payment_id: payment.paymentId, completed_at: at, updated_at: at })
      .where("id", "=", checkout.id)
      .execute();
    const productIds = [...new Set(lines.flatMap((l) => (l.product_id ? [l.product_id] : [])))];
    await bumpProductVersions(trx, productIds);
    return { created: true, checkout, orderId: order.id, number: order.number, statusToken, productIds };
  });

  if (outcome.created) {
    for (const productId of outcome.productIds) await refreshProductSummary(deps.db, productId);
    await bumpStorefrontVersion(deps.db);
    await recordPaymentFee(deps.platform, {
      shopId: deps.shop.id,
      paymentId: payment.paymentId,
      amount: payment.amount,
      fee: BigInt(outcome.checkout.platform_fee ?? 0),
      currency: outcome.checkout.currency,
      at,
    });
    await sendOrderEmails(deps, outcome.orderId).catch((error) => console.error(`order ${outcome.number}: emails not sent:`, error));
    deps.requestRecommendations?.();
  }
  return { created: outcome.created, orderId: outcome.orderId, number: outcome.number, statusToken: outcome.statusToken };
}

/** The order behind an order status link (`/orders/<token>`), as a shopper sees it; null for anything else. */
export async function findOrderByStatusToken(db: TenantDb, token: string | undefined) {
  const valid = parseCheckoutToken(token);
  if (!valid) return null;
  const order = await db.selectFrom("orders").selectAll().where("status_token", "=", valid).executeTakeFirst();
  return order ? shopperOrderView(db, order) : null;
}

// ---------------------------------------------------------------------------
// Abandoned checkouts
// ---------------------------------------------------------------------------

/**
 * How long to wait before reminding this checkout's shopper, or null when no reminder is due: the merchant turned
 * reminders off, or the shopper gave no email or no consent.
 */
export async function reminderDelay(db: TenantDb, checkout: Pick<CheckoutRow, "email" | "marketing_consent" | "status">): Promise<number | null> {
  if (!checkout.email || !checkout.marketing_consent || checkout.status === "completed") return null;
  const { abandoned_checkout_minutes: minutes } = await db.selectFrom("settings").select("abandoned_checkout_minutes").executeTakeFirstOrThrow();
  return minutes === null ? null : minutes * MINUTE;
}

/**
 * Sends the one reminder for a checkout that is still unpaid, with a link back to it. Nothing is sent once the
 * shopper has paid, emptied their cart, withdrawn consent, or was already reminded. Returns whether it sent.
 */
export async function sendCheckoutReminder(deps: Pick<CheckoutDeps, "db" | "shop" | "origin">, checkoutId: string, now = new Date()): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const checkout = await trx.selectFrom("checkouts").selectAll().where("id", "=", checkoutId).forUpdate().executeTakeFirst();
    if (!checkout || checkout.status === "completed" || checkout.reminder_sent_at || !checkout.email || !checkout.marketing_consent) return false;
    const cart = checkout.cart_id ? await loadCartById(trx, checkout.cart_id) : null;
    if (!cart?.lines.length) return false;
    await trx.updateTable("checkouts").set({ reminder_sent_at: now }).where("id", "=", checkout.id).execute();
    // Sent inside the transaction: if the mail server refuses, the job retries and nothing says it was sent.
    const intl = await shopperIntl(trx);
    const say = (id: string, values: Record<string, string | number> = {}) => intl.formatMessage({ id }, values);
    await sendMail({
      to: checkout.email,
      subject: say("mail.reminder.subject", { shopName: deps.shop.name }),
      text: [
        say("mail.reminder.intro", { shopName: deps.shop.name }),
        "",
        ...cart.lines.map((l) =>
          l.variantTitle
            ? say("mail.reminder.lineWithVariant", { quantity: l.quantity, title: l.title, variant: l.variantTitle })
            : say("mail.reminder.line", { quantity: l.quantity, title: l.title }),
        ),
        "",
        say("mail.reminder.link", { link: `${deps.origin}/checkouts/${checkout.token}` }),
        "",
        say("mail.reminder.why"),
      ].join("\n"),
    });
    return true;
  });
}
