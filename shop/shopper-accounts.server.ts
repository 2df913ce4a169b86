import type { IntlShape } from "react-intl";
import { forgetCustomerSignals } from "./recommendations/signals.server.ts";
import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { FinancialStatus, FulfillmentStatus, OrdersTable } from "../db/types.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { emailProblem, normalizeEmail, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from "../tenants/accounts.server.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { COUNTRY_CODES, countryName, isCountryCode } from "./countries.ts";
import { isMailUnavailable, type DeliverMail } from "./mail.server.ts";
import { shopperIntl } from "./settings.server.ts";
import { toDecimalString } from "./money.ts";
import type { LoginGuard } from "../server/limits.server.ts";
import { readCookie } from "./storefront-access.server.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";

/**
 * Shopper accounts live in the shop's own schema: the same email at two shops
 * is two unrelated accounts. The session is a random token in a host-only
 * cookie on the shop's host (never the platform's `bazaar_session`); only its
 * SHA-256 is stored.
 *
 * A guest checkout creates a customer row without a password. Registering
 * with that email claims the row, but since registering proves nothing about
 * the address, the account only shows what happened after it was registered:
 * orders placed before `registered_at` stay out of its history and its data
 * download, and addresses left on the guest row are dropped (each order keeps
 * its own copy of its shipping address).
 */

export const SHOPPER_SESSION_COOKIE = "bazaar_customer";
const SESSION_DAYS = 30;
// A session used in its second half is extended, so active shoppers stay signed in.
const RENEW_WITHIN_DAYS = 15;
const DAY_MS = 86_400_000;

export const NAME_MAX = 100;

export const SHOPPER_ORDERS_PER_PAGE = 20;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A host-only cookie (no Domain): HttpOnly, SameSite=Lax, Secure in production. */
export function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function sessionCookie(token: string, secure: boolean): string {
  return serializeCookie(SHOPPER_SESSION_COOKIE, token, SESSION_DAYS * 86_400, secure);
}

export function clearShopperSessionCookie(secure: boolean): string {
  return serializeCookie(SHOPPER_SESSION_COOKIE, "", 0, secure);
}

export interface Shopper {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  acceptsMarketing: boolean;
  registeredAt: Date;
}

export interface ShopperSessionState {
  shopper: Shopper | null;
  /** A Set-Cookie value to send: the renewed session, or clearing a dead one. */
  setCookie: string | null;
}

/**
 * The shopper signed in on this shop, from the Cookie header. `renew` extends
 * a session in its second half (with a new Set-Cookie); the layout's cart count
 * reads without renewing.
 */
export async function readShopperSession(
  db: TenantDb,
  cookieHeader: string | null,
  { secure, renew = true }: { secure: boolean; renew?: boolean },
): Promise<ShopperSessionState> {
  const token = readCookie(cookieHeader, SHOPPER_SESSION_COOKIE);
  if (!token) return { shopper: null, setCookie: null };
  const idHash = sha256(token);
  const row = await db
    .selectFrom("customer_sessions as s")
    .innerJoin("customers as c", "c.id", "s.customer_id")
    .select(["s.expires_at", "c.id", "c.email", "c.first_name", "c.last_name", "c.phone", "c.accepts_marketing", "c.registered_at"])
    .where("s.id_hash", "=", idHash)
    .where("s.expires_at", ">", new Date())
    .where("c.deleted_at", "is", null)
    .where("c.password_hash", "is not", null)
    .executeTakeFirst();
  if (!row || !row.email || !row.registered_at) return { shopper: null, setCookie: clearShopperSessionCookie(secure) };

  let setCookie: string | null = null;
  if (renew && row.expires_at.getTime() - Date.now() < RENEW_WITHIN_DAYS * DAY_MS) {
    await db
      .updateTable("customer_sessions")
      .set({ expires_at: new Date(Date.now() + SESSION_DAYS * DAY_MS) })
      .where("id_hash", "=", idHash)
      .execute();
    setCookie = sessionCookie(token, secure);
  }
  return {
    shopper: {
      id: row.id,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      phone: row.phone,
      acceptsMarketing: row.accepts_marketing,
      registeredAt: row.registered_at,
    },
    setCookie,
  };
}

/** Starts a session for the customer; returns the Set-Cookie value. */
export async function startShopperSession(db: TenantDb, customerId: string, secure: boolean): Promise<string> {
  const token = randomToken();
  await db.deleteFrom("customer_sessions").where("customer_id", "=", customerId).where("expires_at", "<=", new Date()).execute();
  await db
    .insertInto("customer_sessions")
    .values({ id_hash: sha256(token), customer_id: customerId, expires_at: new Date(Date.now() + SESSION_DAYS * DAY_MS) })
    .execute();
  return sessionCookie(token, secure);
}

/** Ends the session named by the cookie (if any); returns the Set-Cookie value that clears it. */
export async function endShopperSession(db: TenantDb, cookieHeader: string | null, secure: boolean): Promise<string> {
  const token = readCookie(cookieHeader, SHOPPER_SESSION_COOKIE);
  if (token) await db.deleteFrom("customer_sessions").where("id_hash", "=", sha256(token)).execute();
  return clearShopperSessionCookie(secure);
}

// ---------------------------------------------------------------------------
// Register and log in
// ---------------------------------------------------------------------------

export type FieldErrors = Partial<Record<string, string>>;

export interface RegistrationInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  acceptsMarketing?: boolean;
}

function nameProblem(name: string, required: boolean, intl: IntlShape): string | undefined {
  if (required && !name) return intl.formatMessage({ id: "account.error.firstName" });
  if (name.length > NAME_MAX) return intl.formatMessage({ id: "form.error.tooLong" }, { max: NAME_MAX });
  return undefined;
}

/** The platform's password rule (`passwordProblem`), in the words of `intl`. */
function shopperPasswordProblem(password: string, intl: IntlShape): string | undefined {
  if (!passwordProblem(password)) return undefined;
  return password.length < PASSWORD_MIN_LENGTH
    ? intl.formatMessage({ id: "account.error.passwordShort" }, { min: PASSWORD_MIN_LENGTH })
    : intl.formatMessage({ id: "form.error.tooLong" }, { max: PASSWORD_MAX_LENGTH });
}

/** The platform's rules for emails and passwords (`emailProblem`, `passwordProblem`), in the shop's language. */
export function validateRegistration(input: RegistrationInput, intl: IntlShape = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE)): FieldErrors {
  const errors: FieldErrors = {};
  const email = normalizeEmail(input.email);
  if (!email) errors.email = intl.formatMessage({ id: "account.error.enterEmail" });
  else if (emailProblem(email)) errors.email = intl.formatMessage({ id: "account.error.email" });
  errors.password = shopperPasswordProblem(input.password, intl);
  errors.firstName = nameProblem(input.firstName.trim(), true, intl);
  errors.lastName = nameProblem(input.lastName.trim(), false, intl);
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as FieldErrors;
}

/**
 * Creates an account at this shop, or claims the guest customer row of the same
 * email (see the module comment). Returns the customer's id.
 */
export async function registerShopper(
  db: TenantDb,
  input: RegistrationInput,
  intl: IntlShape = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE),
): Promise<{ ok: true; customerId: string } | { ok: false; errors: FieldErrors }> {
  const errors = validateRegistration(input, intl);
  const emailTaken = { email: intl.formatMessage({ id: "account.error.emailTaken" }) };
  if (Object.keys(errors).length) return { ok: false, errors };
  const email = normalizeEmail(input.email);
  const passwordHash = await hash(input.password);
  const profile = {
    first_name: input.firstName.trim(),
    last_name: input.lastName.trim(),
    password_hash: passwordHash,
    accepts_marketing: Boolean(input.acceptsMarketing),
    registered_at: new Date(),
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom("customers").select(["id", "password_hash"]).where("email", "=", email).forUpdate().executeTakeFirst();
      if (existing?.password_hash) return { ok: false as const, errors: emailTaken };
      if (existing) {
        await trx
          .updateTable("customers")
          .set({ ...profile, phone: "" })
          .where("id", "=", existing.id)
          .execute();
        await trx.deleteFrom("customer_addresses").where("customer_id", "=", existing.id).execute();
        return { ok: true as const, customerId: existing.id };
      }
      const created = await trx
        .insertInto("customers")
        .values({ email, ...profile })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { ok: true as const, customerId: created.id };
    });
  } catch (error) {
    // Two registrations (or a checkout) created the email at the same moment.
    if (isUniqueViolation(error, "customers_email_key")) return { ok: false, errors: emailTaken };
    throw error;
  }
}

// Verifying against a fixed hash for unknown emails keeps response time from revealing which emails have accounts.
let decoyHash: Promise<string> | null = null;

export type LoginResult = { ok: true; customerId: string } | { ok: false; error: "invalid" } | { ok: false; error: "throttled"; retryAfterSeconds: number };

/**
 * Checks a shopper's email and password. Each attempt takes a point from the shop's throttle for this account and
 * address before the password is checked (server/limits.server.ts); the right password gives it back.
 */
export async function logInShopper(
  db: TenantDb,
  guard: LoginGuard,
  input: { shopId: string; email: string; password: string; address: string },
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  const account = `shopper:${input.shopId}:${email}`;
  const gate = await guard.guardLogin(account, input.address);
  if (!gate.ok) return { ok: false, error: "throttled", retryAfterSeconds: gate.retryAfterSeconds };
  const customer = email
    ? await db
        .selectFrom("customers")
        .select(["id", "password_hash"])
        .where("email", "=", email)
        .where("deleted_at", "is", null)
        .where("password_hash", "is not", null)
        .executeTakeFirst()
    : undefined;
  let valid = false;
  if (customer?.password_hash) {
    valid = await verify(customer.password_hash, input.password);
  } else {
    decoyHash ??= hash(randomBytes(16).toString("hex"));
    await verify(await decoyHash, input.password);
  }
  if (!valid || !customer) return { ok: false, error: "invalid" };
  await guard.loginSucceeded(account, input.address);
  return { ok: true, customerId: customer.id };
}

/** Housekeeping for a maintenance job: expired sessions and carts. */
export async function purgeExpiredShopperRecords(db: TenantDb): Promise<{ sessions: number; carts: number }> {
  const now = new Date();
  const sessions = await db.deleteFrom("customer_sessions").where("expires_at", "<=", now).executeTakeFirst();
  const carts = await db.deleteFrom("carts").where("expires_at", "<=", now).executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), carts: Number(carts.numDeletedRows) };
}

// ---------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------

export interface ShopperOrderSummary {
  number: string;
  createdAt: Date;
  currency: string;
  total: string;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  cancelled: boolean;
}

/** The account's orders: its own, placed since it was registered (see the module comment). */
function accountOrders(db: TenantDb, shopper: Pick<Shopper, "id" | "registeredAt">) {
  return db.selectFrom("orders").where("customer_id", "=", shopper.id).where("created_at", ">=", shopper.registeredAt);
}

export async function listShopperOrders(
  db: TenantDb,
  shopper: Pick<Shopper, "id" | "registeredAt">,
  page = 1,
): Promise<{ orders: ShopperOrderSummary[]; page: number; hasNext: boolean }> {
  const rows = await accountOrders(db, shopper)
    .select(["number", "created_at", "currency", "total", "financial_status", "fulfillment_status", "cancelled_at"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(SHOPPER_ORDERS_PER_PAGE + 1)
    .offset((page - 1) * SHOPPER_ORDERS_PER_PAGE)
    .execute();
  return {
    orders: rows.slice(0, SHOPPER_ORDERS_PER_PAGE).map((o) => ({
      number: o.number,
      createdAt: o.created_at,
      currency: o.currency,
      total: o.total,
      financialStatus: o.financial_status,
      fulfillmentStatus: o.fulfillment_status,
      cancelled: o.cancelled_at !== null,
    })),
    page,
    hasNext: rows.length > SHOPPER_ORDERS_PER_PAGE,
  };
}

/** One of the account's orders by its number, with its lines; null for anyone else's. */
export async function getShopperOrder(db: TenantDb, shopper: Pick<Shopper, "id" | "registeredAt">, number: string | undefined) {
  if (!number || !/^\d{1,18}$/.test(number)) return null;
  const order = await accountOrders(db, shopper).selectAll().where("number", "=", number).executeTakeFirst();
  return order ? shopperOrderView(db, order) : null;
}

/** An order as a shopper sees it (account pages, the order status page, the confirmation email). */
export async function shopperOrderView(db: TenantDb, order: Selectable<OrdersTable>) {
  const [lines, fulfillments] = await Promise.all([
    db
      .selectFrom("order_lines")
      .select(["id", "title", "variant_title", "sku", "quantity", "unit_price", "total"])
      .where("order_id", "=", order.id)
      .orderBy("id")
      .execute(),
    db.selectFrom("fulfillments").select(["carrier", "tracking_number", "created_at"]).where("order_id", "=", order.id).orderBy("id").execute(),
  ]);
  return {
    number: order.number,
    email: order.email,
    statusToken: order.status_token,
    shippingTitle: order.shipping_title,
    fulfillments: fulfillments.map((f) => ({ carrier: f.carrier, trackingNumber: f.tracking_number, at: f.created_at })),
    createdAt: order.created_at,
    currency: order.currency,
    subtotal: order.subtotal,
    discountTotal: order.discount_total,
    discountCode: order.discount_code,
    shippingTotal: order.shipping_total,
    taxTotal: order.tax_total,
    total: order.total,
    financialStatus: order.financial_status,
    fulfillmentStatus: order.fulfillment_status,
    cancelledAt: order.cancelled_at,
    shippingAddress: order.shipping_address,
    lines: lines.map((l) => ({
      id: l.id,
      title: l.title,
      variantTitle: l.variant_title,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      total: l.total,
    })),
  };
}

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

export const ADDRESS_FIELDS = ["name", "line1", "line2", "city", "region", "postalCode", "country", "phone"] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type AddressInput = Record<AddressField, string>;

/** A saved address; pages name its country in the shop's language (`countryName`). */
export interface ShopperAddress extends AddressInput {
  id: string;
  isDefault: boolean;
}

export const ADDRESS_LIMITS: Record<AddressField, number> = {
  name: 200,
  line1: 200,
  line2: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  country: 2,
  phone: 40,
};
/** The message id for each required field left empty. */
const ADDRESS_REQUIRED: Partial<Record<AddressField, string>> = {
  name: "address.error.name",
  line1: "address.error.line1",
  city: "address.error.city",
  country: "address.error.country",
};
const MAX_ADDRESSES = 50;

const countryChoices = new Map<string, { code: string; name: string }[]>();

/**
 * The country menu in the locale's words and order, named on the server: a browser's own region names can
 * differ from Node's, so naming them while rendering would not hydrate.
 */
export function countryOptions(locale = "en"): { code: string; name: string }[] {
  let choices = countryChoices.get(locale);
  if (!choices) {
    choices = [...COUNTRY_CODES].map((code) => ({ code, name: countryName(code, locale) })).sort((a, b) => a.name.localeCompare(b.name, locale));
    countryChoices.set(locale, choices);
  }
  return choices;
}

/** The address's problems, in the words of `intl` (the shop's language on the storefront). */
export function validateAddress(input: AddressInput, intl: IntlShape = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE)): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of ADDRESS_FIELDS) {
    const value = input[field];
    const required = ADDRESS_REQUIRED[field];
    if (!value && required) errors[field] = intl.formatMessage({ id: required });
    else if (value.length > ADDRESS_LIMITS[field] && field !== "country")
      errors[field] = intl.formatMessage({ id: "form.error.tooLong" }, { max: ADDRESS_LIMITS[field] });
  }
  if (input.country && !isCountryCode(input.country)) errors.country = intl.formatMessage({ id: "address.error.countryList" });
  if (input.phone && !/^[0-9+()\-.\s]{3,40}$/.test(input.phone)) errors.phone = intl.formatMessage({ id: "address.error.phone" });
  return errors;
}

function toAddress(row: {
  id: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  phone: string;
  is_default: boolean;
}): ShopperAddress {
  return {
    id: row.id,
    name: row.name,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postal_code,
    country: row.country,
    phone: row.phone,
    isDefault: row.is_default,
  };
}

export async function listAddresses(db: TenantDb, customerId: string): Promise<ShopperAddress[]> {
  const rows = await db
    .selectFrom("customer_addresses")
    .selectAll()
    .where("customer_id", "=", customerId)
    .orderBy("is_default", "desc")
    .orderBy("id")
    .execute();
  return rows.map(toAddress);
}

export async function getAddress(db: TenantDb, customerId: string, addressId: string | undefined): Promise<ShopperAddress | null> {
  if (!addressId || !/^\d{1,18}$/.test(addressId)) return null;
  const row = await db.selectFrom("customer_addresses").selectAll().where("customer_id", "=", customerId).where("id", "=", addressId).executeTakeFirst();
  return row ? toAddress(row) : null;
}

function addressRow(input: AddressInput) {
  return {
    name: input.name,
    line1: input.line1,
    line2: input.line2,
    city: input.city,
    region: input.region,
    postal_code: input.postalCode,
    country: input.country,
    phone: input.phone,
  };
}

/** Only one default per customer; the caller's transaction holds the customer row. */
async function makeDefault(trx: TenantDb, customerId: string, addressId: string): Promise<void> {
  await trx
    .updateTable("customer_addresses")
    .set((eb) => ({ is_default: eb("id", "=", addressId).$castTo<boolean>() }))
    .where("customer_id", "=", customerId)
    .execute();
}

function lockCustomer(trx: TenantDb, customerId: string) {
  return trx.selectFrom("customers").select("id").where("id", "=", customerId).forUpdate().executeTakeFirst();
}

export type AddressSaveResult = { ok: true; id: string } | { ok: false; errors: FieldErrors } | { ok: false; notFound: true };

/**
 * Adds an address (addressId null) or edits one of the customer's own. The first
 * address becomes the default; `makeDefaultAddress` moves the default to this one.
 */
export async function saveAddress(
  db: TenantDb,
  customerId: string,
  addressId: string | null,
  input: AddressInput,
  makeDefaultAddress: boolean,
  intl: IntlShape,
): Promise<AddressSaveResult> {
  const errors = validateAddress(input, intl);
  if (Object.keys(errors).length) return { ok: false, errors };
  return db.transaction().execute(async (trx): Promise<AddressSaveResult> => {
    await lockCustomer(trx, customerId);
    let id: string;
    if (addressId) {
      const updated = await trx
        .updateTable("customer_addresses")
        .set(addressRow(input))
        .where("customer_id", "=", customerId)
        .where("id", "=", /^\d{1,18}$/.test(addressId) ? addressId : "0")
        .returning("id")
        .executeTakeFirst();
      if (!updated) return { ok: false, notFound: true };
      id = updated.id;
    } else {
      const { count } = await trx
        .selectFrom("customer_addresses")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("customer_id", "=", customerId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_ADDRESSES) return { ok: false, errors: { form: `You can keep at most ${MAX_ADDRESSES} addresses.` } };
      const created = await trx
        .insertInto("customer_addresses")
        .values({ ...addressRow(input), customer_id: customerId, is_default: Number(count) === 0 })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = created.id;
    }
    if (makeDefaultAddress) await makeDefault(trx, customerId, id);
    return { ok: true, id };
  });
}

export async function setDefaultAddress(db: TenantDb, customerId: string, addressId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockCustomer(trx, customerId);
    if (!(await getAddress(trx, customerId, addressId))) return false;
    await makeDefault(trx, customerId, addressId);
    return true;
  });
}

/** Deletes one of the customer's addresses; the oldest remaining one becomes the default if it was. */
export async function deleteAddress(db: TenantDb, customerId: string, addressId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockCustomer(trx, customerId);
    const address = await getAddress(trx, customerId, addressId);
    if (!address) return false;
    await trx.deleteFrom("customer_addresses").where("id", "=", address.id).execute();
    if (address.isDefault) {
      const next = await trx.selectFrom("customer_addresses").select("id").where("customer_id", "=", customerId).orderBy("id").executeTakeFirst();
      if (next) await makeDefault(trx, customerId, next.id);
    }
    return true;
  });
}

// ---------------------------------------------------------------------------
// Data download and deletion
// ---------------------------------------------------------------------------

/** Everything the shop holds about the account, as a JSON-ready object (money as decimal strings and minor units). */
export async function exportShopperData(db: TenantDb, shopper: Shopper) {
  const customer = await db.selectFrom("customers").select(["created_at"]).where("id", "=", shopper.id).executeTakeFirstOrThrow();
  const [addresses, orders] = await Promise.all([
    listAddresses(db, shopper.id),
    accountOrders(db, shopper).selectAll().orderBy("created_at").orderBy("id").execute(),
  ]);
  const lines = orders.length
    ? await db
        .selectFrom("order_lines")
        .selectAll()
        .where(
          "order_id",
          "in",
          orders.map((o) => o.id),
        )
        .orderBy("id")
        .execute()
    : [];
  const money = (minor: string, currency: string) => ({ amount: toDecimalString(minor, currency), minorUnits: minor });
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      email: shopper.email,
      firstName: shopper.firstName,
      lastName: shopper.lastName,
      phone: shopper.phone,
      acceptsMarketing: shopper.acceptsMarketing,
      customerSince: customer.created_at.toISOString(),
      registeredAt: shopper.registeredAt.toISOString(),
    },
    addresses: addresses.map(({ id: _id, ...address }) => address),
    orders: orders.map((o) => ({
      number: o.number,
      placedAt: o.created_at.toISOString(),
      email: o.email,
      currency: o.currency,
      subtotal: money(o.subtotal, o.currency),
      discount: money(o.discount_total, o.currency),
      discountCode: o.discount_code,
      shipping: money(o.shipping_total, o.currency),
      tax: money(o.tax_total, o.currency),
      total: money(o.total, o.currency),
      financialStatus: o.financial_status,
      fulfillmentStatus: o.fulfillment_status,
      cancelledAt: o.cancelled_at?.toISOString() ?? null,
      shippingAddress: o.shipping_address,
      lines: lines
        .filter((l) => l.order_id === o.id)
        .map((l) => ({
          title: l.title,
          variantTitle: l.variant_title,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: money(l.unit_price, o.currency),
          total: money(l.total, o.currency),
        })),
    })),
  };
}

/**
 * Deletes the account after checking its password. The merchant's books keep
 * every order with its totals and lines, but not the person:
 * - the customer row stays (orders point at it) with email, names, phone and
 *   password removed and `deleted_at` set;
 * - addresses, sessions, the saved cart and the account's login failures go;
 * - the account's orders lose their email and keep only the country of their
 *   shipping address (for tax and sales reports), with a timeline note; their
 *   discount redemptions lose the email too;
 * - guest orders placed with the email before it was registered (never shown
 *   to the account) are detached from it and left as they were.
 */
export async function deleteShopperAccount(
  db: TenantDb,
  shopper: Shopper,
  password: string,
  intl: IntlShape,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const row = await db.selectFrom("customers").select("password_hash").where("id", "=", shopper.id).executeTakeFirst();
  if (!row?.password_hash || !(await verify(row.password_hash, password))) {
    return { ok: false, errors: { password: intl.formatMessage({ id: "account.privacy.wrongPassword" }) } };
  }
  await db.transaction().execute(async (trx) => {
    await lockCustomer(trx, shopper.id);
    const orders = await accountOrders(trx, shopper).select(["id", "shipping_address"]).execute();
    await trx.updateTable("orders").set({ customer_id: null }).where("customer_id", "=", shopper.id).where("created_at", "<", shopper.registeredAt).execute();
    for (const order of orders) {
      const country = order.shipping_address?.country;
      await trx
        .updateTable("orders")
        .set({ email: "", shipping_address: country ? JSON.stringify({ country }) : null })
        .where("id", "=", order.id)
        .execute();
    }
    if (orders.length) {
      const ids = orders.map((o) => o.id);
      await trx.updateTable("discount_redemptions").set({ customer_email: "" }).where("order_id", "in", ids).execute();
      await trx
        .insertInto("order_events")
        .values(
          ids.map((id) => ({ order_id: id, kind: "customer_deleted", message: "The customer deleted their account; their personal details were removed." })),
        )
        .execute();
    }
    await trx.deleteFrom("customer_addresses").where("customer_id", "=", shopper.id).execute();
    await trx.deleteFrom("customer_sessions").where("customer_id", "=", shopper.id).execute();
    await trx.deleteFrom("carts").where("customer_id", "=", shopper.id).execute();
    await forgetCustomerSignals(trx, shopper.id);
    await trx
      .updateTable("customers")
      .set({
        email: null,
        first_name: "",
        last_name: "",
        phone: "",
        password_hash: null,
        accepts_marketing: false,
        registered_at: null,
        deleted_at: new Date(),
      })
      .where("id", "=", shopper.id)
      .execute();
  });
  return { ok: true };
}

// ---------------------------------------------------------------------------
// Password reset
// ---------------------------------------------------------------------------

const RESET_MINUTES = 60;
const RESET_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Emails a registered shopper of this shop a single-use link to choose a new password; answers the same whether or
 * not the email has an account here, even when the mail can be neither sent nor queued (MailUnavailableError,
 * logged by the mailer): then the link is not kept.
 */
export async function requestShopperPasswordReset(
  db: TenantDb,
  deliver: DeliverMail,
  shop: { name: string; origin: string },
  email: string,
  now = new Date(),
): Promise<void> {
  const customer = await db
    .selectFrom("customers")
    .select(["id", "email"])
    .where("email", "=", normalizeEmail(email))
    .where("password_hash", "is not", null)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!customer?.email) return;
  const to = customer.email;
  const intl = await shopperIntl(db);
  const say = (id: string, values: Record<string, string | number> = {}) => intl.formatMessage({ id }, values);
  // The mail goes out with no transaction open; a link that no mail carries is taken back.
  const token = randomToken();
  await db
    .insertInto("customer_password_resets")
    .values({ token_hash: sha256(token), customer_id: customer.id, expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000) })
    .execute();
  try {
    await deliver({
      to,
      subject: say("mail.reset.subject", { shopName: shop.name }),
      text: [
        say("mail.reset.intro", { shopName: shop.name }),
        "",
        say("mail.reset.link", { minutes: RESET_MINUTES, link: `${shop.origin}/account/reset-password/${token}` }),
        "",
        say("mail.reset.ignore"),
      ].join("\n"),
    });
  } catch (error) {
    await db.deleteFrom("customer_password_resets").where("token_hash", "=", sha256(token)).execute();
    if (!isMailUnavailable(error)) throw error;
  }
}

/** Whether a reset link can still be used. */
export async function shopperResetLinkValid(db: TenantDb, token: string | undefined, now = new Date()): Promise<boolean> {
  if (!token || !RESET_TOKEN.test(token)) return false;
  const row = await db.selectFrom("customer_password_resets").select(["expires_at", "used_at"]).where("token_hash", "=", sha256(token)).executeTakeFirst();
  return Boolean(row && !row.used_at && row.expires_at > now);
}

/** Sets the new password through a link, once; every session of the shopper ends. Returns the customer to sign in. */
export async function resetShopperPassword(
  db: TenantDb,
  token: string,
  password: string,
  { now = new Date(), intl = storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE) }: { now?: Date; intl?: IntlShape } = {},
): Promise<{ ok: true; customerId: string } | { ok: false; field: "token" | "password"; message: string }> {
  const problem = shopperPasswordProblem(password, intl);
  if (problem) return { ok: false, field: "password", message: problem };
  const expired = { ok: false, field: "token", message: intl.formatMessage({ id: "account.reset.expiredPlain" }) } as const;
  if (!RESET_TOKEN.test(token)) return expired;
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .updateTable("customer_password_resets")
      .set({ used_at: now })
      .where("token_hash", "=", sha256(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("customer_id")
      .executeTakeFirst();
    if (!link) return expired;
    await trx.updateTable("customers").set({ password_hash: passwordHash }).where("id", "=", link.customer_id).execute();
    await trx.deleteFrom("customer_sessions").where("customer_id", "=", link.customer_id).execute();
    await trx.updateTable("customer_password_resets").set({ used_at: now }).where("customer_id", "=", link.customer_id).where("used_at", "is", null).execute();
    return { ok: true, customerId: link.customer_id } as const;
  });
}
