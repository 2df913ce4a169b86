import type { IntlShape } from "react-intl";
import type { PlatformDb } from "../db/database.server.ts";
import { sql } from "kysely";
import type { CollectionRule, PolicyHandle, Shop } from "../db/types.ts";
import { z } from "zod";
import { normalizeEmail } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { renameShop } from "../tenants/registry.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { isCountryCode } from "./countries.ts";
import { changedFields, checkVersion, type SavedChange } from "./edit-versions.server.ts";
import { checkbox, checkInput, choice, editVersion, email, LIMITS, money, multiline, optionalMoney, percent, problemsOf, singleLine } from "./fields.server.ts";
import { sanitizeRichText } from "./html.server.ts";
import { preferredFormat, prepareImage, type ImageFormat } from "./media.server.ts";
import { CURRENCIES, formatMoney, formatPercent, SHOP_LOCALES, minorUnitDigits, toInputAmount, type MoneyStyle } from "./money.ts";
import type { MediaStorage } from "./storage.server.ts";
import { isStorefrontLanguage, STOREFRONT_LANGUAGE_NAMES, storefrontIntl, storefrontLanguage } from "./storefront-language.ts";

/** Field → message, shown next to the field. */
export type SettingsErrors = Record<string, string>;

export class SettingsValidationError extends Error {
  constructor(readonly errors: SettingsErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

/** The object named in the request isn't in this shop (another shop's id, or deleted). */
export class SettingsNotFoundError extends Error {}

/**
 * Every settings form and the policies carry the settings row's version (docs/decisions/035-edit-versions.md): checks
 * the one the form was opened on against the locked row and gives the raised one to write.
 */
function nextSettingsVersion(before: { version: number; updated_at: Date }, expectedVersion: number | undefined, changes: () => SavedChange[]): number {
  checkVersion("The settings on this page", before, expectedVersion, changes);
  return before.version + 1;
}

export async function getSettings(db: TenantDb) {
  return db.selectFrom("settings").selectAll().executeTakeFirstOrThrow();
}

/**
 * The shop's currency and locale, which every typed amount is read with (`parseMoney`).
 * `share` takes a shared lock on the settings row, so a concurrent currency change waits.
 */
export async function moneyStyle(db: TenantDb, { share = false }: { share?: boolean } = {}): Promise<MoneyStyle> {
  const query = db.selectFrom("settings").select(["currency", "locale"]);
  return share ? query.forShare().executeTakeFirstOrThrow() : query.executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------- general

export interface GeneralSettingsInput {
  name: string;
  contactEmail: string;
  currency: string;
  /** One of SHOP_LOCALES: how the shop writes numbers (which decimal mark typed amounts use). */
  locale: string;
}

/** The general settings. The name goes into page titles and email subjects: one line of text. */
const generalSettingsFields = z.object({
  name: singleLine({ max: 80, required: "Give your shop a name." }),
  contactEmail: email().optional(),
  currency: choice(CURRENCIES, "Choose a currency from the list."),
  locale: choice(SHOP_LOCALES, "Choose a number format from the list."),
});

/** The general settings form: the fields and the version they were opened on. */
export const generalSettingsForm = generalSettingsFields.extend({ version: editVersion() });

export function validateGeneralSettings(input: GeneralSettingsInput): SettingsErrors {
  return problemsOf(generalSettingsFields, input);
}

/**
 * What already carries amounts in the shop's currency. Amounts are integer
 * minor units, so they can't be reinterpreted in another currency, and there
 * is no exchange rate to convert them with (decision 021).
 */
export async function currencyChangeBlockers(db: TenantDb): Promise<string[]> {
  const [products, orders, rates, discounts, priceRules] = await Promise.all([
    db.selectFrom("products").select("id").limit(1).executeTakeFirst(),
    db.selectFrom("orders").select("id").limit(1).executeTakeFirst(),
    db.selectFrom("shipping_rates").select("id").limit(1).executeTakeFirst(),
    db
      .selectFrom("discounts")
      .select("id")
      .where((eb) => eb.or([eb("kind", "=", "fixed_amount"), eb("min_subtotal", ">", "0")]))
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("collections")
      .select("id")
      .where("rules", "@>", sql<CollectionRule[]>`${JSON.stringify([{ field: "price" }])}::jsonb`)
      .limit(1)
      .executeTakeFirst(),
  ]);
  return [
    products && "products",
    orders && "orders",
    rates && "shipping rates",
    discounts && "discounts with amounts",
    priceRules && "collections with price conditions",
  ].filter((x): x is string => Boolean(x));
}

export function currencyLockedMessage(current: string, wanted: string, blockers: string[]): string {
  const list = blockers.length > 1 ? `${blockers.slice(0, -1).join(", ")} and ${blockers.at(-1)}` : blockers[0];
  return (
    `The currency can't change because this shop already has ${list}. Prices are stored in minor units of ${current}, ` +
    `and the same number means something else in ${wanted}: 1000 is ${formatMoney(1000, current)} in ${current} but ${formatMoney(1000, wanted)} in ${wanted}.`
  );
}

/**
 * Saves the shop's name (in the registry, announced to every process's cache),
 * contact email and currency in one transaction, with an audit event.
 * The name lives in `platform.shops`, which is why this takes the platform
 * database and the registry row rather than only the shop's handle.
 */
export async function saveGeneralSettings(
  platform: PlatformDb,
  shop: Shop,
  actor: Actor,
  input: GeneralSettingsInput,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<string[]> {
  const errors = validateGeneralSettings(input);
  if (Object.keys(errors).length) throw new SettingsValidationError(errors);
  const name = input.name.trim();
  const contactEmail = normalizeEmail(input.contactEmail);

  return platform.transaction().execute(async (trx) => {
    const db = tenantDb(trx, shop.schema_name);
    const registry = await trx.selectFrom("platform.shops").select("name").where("id", "=", shop.id).forUpdate().executeTakeFirstOrThrow();
    const current = await db
      .selectFrom("settings")
      .select(["contact_email", "currency", "locale", "version", "updated_at"])
      .forUpdate()
      .executeTakeFirstOrThrow();
    const version = nextSettingsVersion(current, expectedVersion, () =>
      changedFields(
        { name: "shop name", contact_email: "contact email", currency: "currency", locale: "number format" },
        { name, contact_email: contactEmail, currency: input.currency, locale: input.locale },
        { ...current, name: registry.name },
      ),
    );
    if (input.currency !== current.currency) {
      const blockers = await currencyChangeBlockers(db);
      if (blockers.length) throw new SettingsValidationError({ currency: currencyLockedMessage(current.currency, input.currency, blockers) });
    }

    const changes: string[] = [];
    if (registry.name !== name) {
      await renameShop(trx, shop.id, name);
      changes.push(`name: ${registry.name} → ${name}`);
    }
    if (current.contact_email !== contactEmail) changes.push(`contact email: ${contactEmail || "(none)"}`);
    if (current.currency !== input.currency) changes.push(`currency: ${current.currency} → ${input.currency}`);
    if (current.locale !== input.locale) changes.push(`number format: ${current.locale} → ${input.locale}`);
    if (!changes.length) return changes;
    await db
      .updateTable("settings")
      .set({ contact_email: contactEmail, currency: input.currency, locale: input.locale, version, updated_at: new Date() })
      .execute();
    await recordAudit(db, actor, { action: "settings.updated", subjectType: "shop", subjectId: shop.id, summary: changes.join("; ") });
    return changes;
  });
}

// ---------------------------------------------------------------- storefront language

/** The intl of the shop's storefront language, for what its shoppers read outside a request (emails). */
export async function shopperIntl(db: TenantDb): Promise<IntlShape> {
  const settings = await db.selectFrom("settings").select("storefront_language").executeTakeFirstOrThrow();
  return storefrontIntl(storefrontLanguage(settings.storefront_language));
}

/**
 * Sets the language shoppers read the storefront and its emails in, with an audit event. Like every admin change it
 * bumps the page cache's version (server/app.server.ts), so no page in the old language is served afterwards.
 * Returns whether anything changed.
 */
export async function saveStorefrontLanguage(
  db: TenantDb,
  actor: Actor,
  language: string,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<boolean> {
  if (!isStorefrontLanguage(language)) throw new SettingsValidationError({ storefrontLanguage: "Choose a language from the list." });
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("settings").select(["storefront_language", "version", "updated_at"]).forUpdate().executeTakeFirstOrThrow();
    const version = nextSettingsVersion(current, expectedVersion, () =>
      changedFields({ storefront_language: "storefront language" }, { storefront_language: language }, current),
    );
    if (current.storefront_language === language) return false;
    await trx.updateTable("settings").set({ storefront_language: language, version, updated_at: new Date() }).execute();
    const from = STOREFRONT_LANGUAGE_NAMES[storefrontLanguage(current.storefront_language)];
    await recordAudit(trx, actor, {
      action: "settings.updated",
      subjectType: "shop",
      subjectId: null,
      summary: `storefront language: ${from} → ${STOREFRONT_LANGUAGE_NAMES[language]}`,
    });
    return true;
  });
}

// ---------------------------------------------------------------- logo

/** Logos show small (a header, an email); 480 pixels wide covers them on high-density screens. */
const LOGO_WIDTH = 480;
const LOGO_CONTENT_TYPES: Record<ImageFormat, string> = { avif: "image/avif", webp: "image/webp" };
const LOGO_HASH = /^[0-9a-f]{32}$/;

function logoFolder(shopId: string, hash: string): string {
  if (!/^\d{1,19}$/.test(shopId) || !LOGO_HASH.test(hash)) throw new Error("Logo keys need a numeric shop id and a content hash.");
  return `shops/${shopId}/logo/${hash}`;
}

/** The logo's URL path: `/logo/<hash>` on the shop's host, `/admin/<slug>/settings/logo/<hash>` in the admin. */
export function logoPath(logoKey: string | null, options: { adminSlug?: string } = {}): string | null {
  const hash = logoKey?.split("/").at(-1);
  if (!hash || !LOGO_HASH.test(hash)) return null;
  return options.adminSlug ? `/admin/${options.adminSlug}/settings/logo/${hash}` : `/logo/${hash}`;
}

/**
 * Checks the upload the way product images are checked (decoded by sharp;
 * JPEG, PNG, WebP or AVIF only; metadata dropped), stores a WebP and an AVIF
 * copy under the shop's own storage prefix, and points the settings at them.
 * Throws ImageRejectedError with a reason to show for anything else.
 */
export async function saveLogo(db: TenantDb, storage: MediaStorage, actor: Actor, shopId: string, bytes: Buffer): Promise<string> {
  const image = await prepareImage(bytes);
  const width = Math.max(...image.renditions.map((r) => r.width).filter((w) => w <= LOGO_WIDTH));
  const folder = logoFolder(shopId, image.hash);
  // Files first, so the settings never point at a logo that isn't stored.
  await Promise.all(
    image.renditions.filter((r) => r.width === width).map((r) => storage.put(`${folder}/logo.${r.format}`, r.body, LOGO_CONTENT_TYPES[r.format])),
  );
  const previous = await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("settings").select("logo_key").forUpdate().executeTakeFirstOrThrow();
    await trx.updateTable("settings").set({ logo_key: folder, updated_at: new Date() }).execute();
    await recordAudit(trx, actor, {
      action: "settings.logo_updated",
      subjectType: "shop",
      subjectId: shopId,
      summary: `New logo, ${image.width} × ${image.height} pixels`,
    });
    return before.logo_key;
  });
  // After the commit: a failure here only leaves an unused file behind.
  if (previous && previous !== folder) await storage.delete(`${previous}/`);
  return folder;
}

export async function removeLogo(db: TenantDb, storage: MediaStorage, actor: Actor, shopId: string): Promise<boolean> {
  const previous = await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("settings").select("logo_key").forUpdate().executeTakeFirstOrThrow();
    if (!before.logo_key) return null;
    await trx.updateTable("settings").set({ logo_key: null, updated_at: new Date() }).execute();
    await recordAudit(trx, actor, { action: "settings.logo_removed", subjectType: "shop", subjectId: shopId, summary: "Logo removed" });
    return before.logo_key;
  });
  if (previous) await storage.delete(`${previous}/`);
  return Boolean(previous);
}

/**
 * Answers `/logo/<hash>` for the shop `shopId` (from the registry, never the
 * URL), so one shop's path can't reach another's files. Content-addressed,
 * hence cached for a year.
 */
export async function logoResponse(
  storage: MediaStorage,
  shopId: string,
  hash: string,
  request: Request,
  { cache }: { cache: "public" | "private" },
): Promise<Response> {
  if (!LOGO_HASH.test(hash)) return new Response("Not found", { status: 404 });
  const format = preferredFormat(request.headers.get("accept"));
  const body = await storage.get(`${logoFolder(shopId, hash)}/logo.${format}`);
  if (!body) return new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": `${cache}, max-age=31536000, immutable`,
      "Content-Type": LOGO_CONTENT_TYPES[format],
      "Content-Length": String(body.length),
      "X-Content-Type-Options": "nosniff",
      Vary: "Accept",
    },
  });
}

// ---------------------------------------------------------------- policies

export const POLICY_TITLES: Record<PolicyHandle, string> = {
  "refund-policy": "Refund policy",
  "privacy-policy": "Privacy policy",
  "terms-of-service": "Terms of service",
  "shipping-policy": "Shipping policy",
};
export const POLICY_HANDLES = Object.keys(POLICY_TITLES) as PolicyHandle[];

const policyBodies = Object.fromEntries(POLICY_HANDLES.map((handle) => [handle, multiline({ max: LIMITS.longText }).optional()]));

/** The policies form: any of the four policies' HTML, each a page of text at most. */
export const policiesForm = z.object({ ...policyBodies, version: editVersion() });

export interface Policy {
  handle: PolicyHandle;
  title: string;
  bodyHtml: string;
  /** Null until first saved. */
  updatedAt: Date | null;
}

/** All four policies, empty where the merchant hasn't written one. */
export async function listPolicies(db: TenantDb): Promise<Policy[]> {
  const rows = await db.selectFrom("policies").select(["handle", "title", "body_html", "updated_at"]).execute();
  const byHandle = new Map(rows.map((r) => [r.handle, r]));
  return POLICY_HANDLES.map((handle) => {
    const row = byHandle.get(handle);
    return { handle, title: row?.title ?? POLICY_TITLES[handle], bodyHtml: row?.body_html ?? "", updatedAt: row?.updated_at ?? null };
  });
}

/** Sanitises and saves the policies given; returns the handles that changed. */
export async function savePolicies(
  db: TenantDb,
  actor: Actor,
  bodies: Partial<Record<PolicyHandle, string>>,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<PolicyHandle[]> {
  const errors = problemsOf(z.strictObject(policyBodies, { error: "Unknown policy." }), bodies);
  if (Object.keys(errors).length) throw new SettingsValidationError(errors);

  return db.transaction().execute(async (trx) => {
    const settings = await trx.selectFrom("settings").select(["version", "updated_at"]).forUpdate().executeTakeFirstOrThrow();
    const stored = new Map((await trx.selectFrom("policies").select(["handle", "body_html"]).forUpdate().execute()).map((r) => [r.handle, r.body_html]));
    const mine = Object.fromEntries(Object.entries(bodies).map(([handle, body]) => [handle, sanitizeRichText(body)]));
    const version = nextSettingsVersion(settings, expectedVersion, () =>
      changedFields(
        POLICY_TITLES,
        mine,
        Object.fromEntries(POLICY_HANDLES.map((handle) => [handle, stored.get(handle) ?? ""])) as Record<PolicyHandle, string>,
      ),
    );
    const changed: PolicyHandle[] = [];
    for (const handle of POLICY_HANDLES) {
      if (bodies[handle] === undefined) continue;
      const bodyHtml = sanitizeRichText(bodies[handle]);
      if ((stored.get(handle) ?? "") === bodyHtml) continue;
      await trx
        .insertInto("policies")
        .values({ handle, title: POLICY_TITLES[handle], body_html: bodyHtml })
        .onConflict((oc) => oc.column("handle").doUpdateSet({ body_html: bodyHtml, updated_at: new Date() }))
        .execute();
      await recordAudit(trx, actor, { action: "policy.updated", subjectType: "policy", subjectId: handle, summary: POLICY_TITLES[handle] });
      changed.push(handle);
    }
    if (changed.length) await trx.updateTable("settings").set({ version }).execute();
    return changed;
  });
}

// ---------------------------------------------------------------- shipping

export interface ShippingRate {
  id: string;
  name: string;
  /** Minor units. */
  price: string;
  minSubtotal: string | null;
  version: number;
}

export interface ShippingZone {
  id: string;
  name: string;
  countries: string[];
  rates: ShippingRate[];
  version: number;
}

export async function listShippingZones(db: TenantDb): Promise<ShippingZone[]> {
  const [zones, rates] = await Promise.all([
    db.selectFrom("shipping_zones").select(["id", "name", "countries", "version"]).orderBy("name").orderBy("id").execute(),
    db.selectFrom("shipping_rates").select(["id", "zone_id", "name", "price", "min_subtotal", "version"]).orderBy("price").orderBy("id").execute(),
  ]);
  return zones.map((zone) => ({
    ...zone,
    rates: rates.filter((r) => r.zone_id === zone.id).map((r) => ({ id: r.id, name: r.name, price: r.price, minSubtotal: r.min_subtotal, version: r.version })),
  }));
}

export interface ZoneInput {
  name: string;
  /** ISO 3166-1 alpha-2 codes separated by commas or spaces, e.g. "FR, DE, BE". */
  countries: string;
}

/** "fr, de de" → ["DE", "FR"] plus any codes that aren't ISO 3166-1 alpha-2. */
export function parseCountryList(text: string): { codes: string[]; unknown: string[] } {
  const tokens = [
    ...new Set(
      text
        .toUpperCase()
        .split(/[\s,;]+/)
        .filter(Boolean),
    ),
  ];
  return { codes: tokens.filter(isCountryCode).sort(), unknown: tokens.filter((t) => !isCountryCode(t)) };
}

/** The zone form; which countries another zone already has is checked when saving. */
export const zoneForm = z.object({
  name: singleLine({ required: "Name the zone, for example Europe." }).transform((name) => name.trim()),
  countries: multiline({ required: "Add at least one country code, such as FR or DE." }).transform((text, ctx) => {
    const { codes, unknown } = parseCountryList(text);
    if (unknown.length) {
      const message = `Unknown country code${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Use two-letter ISO codes such as FR or DE.`;
      ctx.addIssue({ code: "custom", message });
    } else if (!codes.length) ctx.addIssue({ code: "custom", message: "Add at least one country code, such as FR or DE." });
    return codes;
  }),
});

function isId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

async function validateZone(db: TenantDb, input: ZoneInput, zoneId?: string): Promise<{ name: string; countries: string[] }> {
  const checked = checkInput(zoneForm, input);
  if (!checked.ok) throw new SettingsValidationError(checked.problems);
  const { name, countries: codes } = checked.value;
  // A country belongs to one zone, so checkout always knows which rates apply.
  let query = db
    .selectFrom("shipping_zones")
    .select(["name", "countries"])
    .where((eb) => eb("countries", "&&", eb.val(codes)));
  if (zoneId) query = query.where("id", "<>", zoneId);
  const overlapping = await query.execute();
  if (overlapping.length) {
    const clashes = overlapping.map((z) => `${codes.filter((c) => z.countries.includes(c)).join(", ")} (in ${z.name})`);
    throw new SettingsValidationError({ countries: `Each country can be in one zone only: ${clashes.join("; ")}.` });
  }
  return { name, countries: codes };
}

export async function createShippingZone(db: TenantDb, actor: Actor, input: ZoneInput): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await lockShippingZones(trx);
    const values = await validateZone(trx, input);
    const { id } = await trx.insertInto("shipping_zones").values(values).returning("id").executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "shipping_zone.created",
      subjectType: "shipping_zone",
      subjectId: id,
      summary: `${values.name}: ${values.countries.join(", ")}`,
    });
    return id;
  });
}

export async function updateShippingZone(
  db: TenantDb,
  actor: Actor,
  zoneId: string,
  input: ZoneInput,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<void> {
  if (!isId(zoneId)) throw new SettingsNotFoundError();
  await db.transaction().execute(async (trx) => {
    await lockShippingZones(trx);
    const before = await trx.selectFrom("shipping_zones").select(["name", "countries", "version"]).where("id", "=", zoneId).executeTakeFirst();
    if (!before) throw new SettingsNotFoundError();
    const values = await validateZone(trx, input, zoneId);
    const list = (zone: { name: string; countries: string[] }) => ({ name: zone.name, countries: zone.countries.join(", ") });
    checkVersion(`Shipping zone “${before.name}”`, before, expectedVersion, () =>
      changedFields({ name: "zone name", countries: "countries" }, list(values), list(before)),
    );
    await trx
      .updateTable("shipping_zones")
      .set({ ...values, version: before.version + 1 })
      .where("id", "=", zoneId)
      .execute();
    await recordAudit(trx, actor, {
      action: "shipping_zone.updated",
      subjectType: "shipping_zone",
      subjectId: zoneId,
      summary: `${values.name}: ${values.countries.join(", ")}${before.name !== values.name ? ` (was ${before.name})` : ""}`,
    });
  });
}

export async function deleteShippingZone(db: TenantDb, actor: Actor, zoneId: string): Promise<void> {
  if (!isId(zoneId)) throw new SettingsNotFoundError();
  await db.transaction().execute(async (trx) => {
    const zone = await trx.deleteFrom("shipping_zones").where("id", "=", zoneId).returning(["id", "name"]).executeTakeFirst();
    if (!zone) throw new SettingsNotFoundError();
    await recordAudit(trx, actor, { action: "shipping_zone.deleted", subjectType: "shipping_zone", subjectId: zone.id, summary: zone.name });
  });
}

/** Zone edits check every other zone's countries; one at a time per shop keeps two edits from both passing. */
async function lockShippingZones(trx: TenantDb): Promise<void> {
  await trx.selectFrom("settings").select("singleton").forUpdate().executeTakeFirstOrThrow();
}

export interface RateInput {
  name: string;
  /** In the shop's currency and notation, e.g. "4.95", "4,95" (or "500" in JPY). */
  price: string;
  /** Blank: the rate applies to any order. */
  minSubtotal: string;
}

/** The rate form, with amounts in the shop's currency and notation. */
export function rateForm(style: MoneyStyle) {
  const { currency } = style;
  const digits = minorUnitDigits(currency);
  const example = digits ? toInputAmount(495n * 10n ** BigInt(digits - 2), currency, style.locale) : "500";
  return z.object({
    name: singleLine({ required: "Name the rate, for example Standard." }).transform((name) => name.trim()),
    price: money(style, { message: `Enter a price of zero or more in ${currency}, like ${example}.` }),
    minSubtotal: optionalMoney(style, { message: `Enter an amount of zero or more in ${currency}, or leave it blank.` }),
  });
}

/** The shipping page's forms, one per intent. Ids are checked by the save, which answers "not found" for another shop's. */
export function shippingForm(style: MoneyStyle) {
  const id = () => singleLine({ max: 40 });
  const rate = rateForm(style).shape;
  return z.discriminatedUnion(
    "intent",
    [
      z.object({ intent: z.literal("create-zone"), ...zoneForm.shape }),
      z.object({ intent: z.literal("update-zone"), zoneId: id(), version: editVersion(), ...zoneForm.shape }),
      z.object({ intent: z.literal("delete-zone"), zoneId: id() }),
      z.object({ intent: z.literal("create-rate"), zoneId: id(), ...rate }),
      z.object({ intent: z.literal("update-rate"), rateId: id(), version: editVersion(), ...rate }),
      z.object({ intent: z.literal("delete-rate"), rateId: id() }),
    ],
    { error: "Unknown action." },
  );
}

async function validateRate(db: TenantDb, input: RateInput): Promise<{ name: string; price: bigint; min_subtotal: bigint | null; currency: string }> {
  // Shared lock: a concurrent currency change waits for this rate, then sees it and refuses.
  const style = await moneyStyle(db, { share: true });
  const checked = checkInput(rateForm(style), { ...input, minSubtotal: input.minSubtotal.trim() });
  if (!checked.ok) throw new SettingsValidationError(checked.problems);
  const { name, price, minSubtotal } = checked.value;
  return { name, price, min_subtotal: minSubtotal, currency: style.currency };
}

function describeRate(rate: { name: string; price: bigint; min_subtotal: bigint | null; currency: string }): string {
  const min = rate.min_subtotal === null ? "" : `, orders from ${formatMoney(rate.min_subtotal, rate.currency)}`;
  return `${rate.name}: ${formatMoney(rate.price, rate.currency)}${min}`;
}

export async function createShippingRate(db: TenantDb, actor: Actor, zoneId: string, input: RateInput): Promise<string> {
  if (!isId(zoneId)) throw new SettingsNotFoundError();
  return db.transaction().execute(async (trx) => {
    const zone = await trx.selectFrom("shipping_zones").select(["id", "name"]).where("id", "=", zoneId).forUpdate().executeTakeFirst();
    if (!zone) throw new SettingsNotFoundError();
    const { currency, ...values } = await validateRate(trx, input);
    const { id } = await trx
      .insertInto("shipping_rates")
      .values({ ...values, zone_id: zone.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "shipping_rate.created",
      subjectType: "shipping_rate",
      subjectId: id,
      summary: `${zone.name} · ${describeRate({ ...values, currency })}`,
    });
    return id;
  });
}

export async function updateShippingRate(
  db: TenantDb,
  actor: Actor,
  rateId: string,
  input: RateInput,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<void> {
  if (!isId(rateId)) throw new SettingsNotFoundError();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("shipping_rates")
      .select(["name", "price", "min_subtotal", "version"])
      .where("id", "=", rateId)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) throw new SettingsNotFoundError();
    const { currency, ...values } = await validateRate(trx, input);
    // Amounts compared and quoted as the merchant reads them.
    const shown = (rate: { name: string; price: string | bigint; min_subtotal: string | bigint | null }) => ({
      name: rate.name,
      price: formatMoney(rate.price, currency),
      min_subtotal: rate.min_subtotal === null ? "" : formatMoney(rate.min_subtotal, currency),
    });
    checkVersion(`Rate “${existing.name}”`, existing, expectedVersion, () =>
      changedFields({ name: "rate name", price: "price", min_subtotal: "minimum subtotal" }, shown(values), shown(existing)),
    );
    await trx
      .updateTable("shipping_rates")
      .set({ ...values, version: existing.version + 1 })
      .where("id", "=", rateId)
      .execute();
    await recordAudit(trx, actor, {
      action: "shipping_rate.updated",
      subjectType: "shipping_rate",
      subjectId: rateId,
      summary: describeRate({ ...values, currency }),
    });
  });
}

export async function deleteShippingRate(db: TenantDb, actor: Actor, rateId: string): Promise<void> {
  if (!isId(rateId)) throw new SettingsNotFoundError();
  await db.transaction().execute(async (trx) => {
    const rate = await trx.deleteFrom("shipping_rates").where("id", "=", rateId).returning(["id", "name"]).executeTakeFirst();
    if (!rate) throw new SettingsNotFoundError();
    await recordAudit(trx, actor, { action: "shipping_rate.deleted", subjectType: "shipping_rate", subjectId: rate.id, summary: rate.name });
  });
}

// ---------------------------------------------------------------- taxes

export interface TaxInput {
  /** Percent in the shop's notation, e.g. "20", "7.25" or "7,25". */
  rate: string;
  pricesIncludeTax: boolean;
}

/** The taxes: one rate, typed in the shop's notation, and whether prices include it. */
function taxFields(locale: string) {
  return z.object({
    rate: percent(locale, { message: `Enter a rate from 0 to 100 with at most two decimals, like 20 or ${formatPercent(725, locale)}.` }),
    pricesIncludeTax: checkbox(),
  });
}

/** The taxes form: the fields and the version they were opened on. */
export function taxForm(locale: string) {
  return taxFields(locale).extend({ version: editVersion() });
}

export async function saveTaxSettings(db: TenantDb, actor: Actor, input: TaxInput, { expectedVersion }: { expectedVersion?: number } = {}): Promise<boolean> {
  const { locale } = await moneyStyle(db);
  const checked = checkInput(taxFields(locale), input);
  if (!checked.ok) throw new SettingsValidationError(checked.problems);
  const basisPoints = Number(checked.value.rate);
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("settings")
      .select(["tax_rate_bp", "prices_include_tax", "locale", "version", "updated_at"])
      .forUpdate()
      .executeTakeFirstOrThrow();
    const version = nextSettingsVersion(before, expectedVersion, () =>
      changedFields(
        { rate: "tax rate", prices_include_tax: "prices include tax" },
        { rate: formatPercent(basisPoints, before.locale), prices_include_tax: input.pricesIncludeTax },
        { rate: formatPercent(before.tax_rate_bp, before.locale), prices_include_tax: before.prices_include_tax },
      ),
    );
    if (before.tax_rate_bp === basisPoints && before.prices_include_tax === input.pricesIncludeTax) return false;
    await trx.updateTable("settings").set({ tax_rate_bp: basisPoints, prices_include_tax: input.pricesIncludeTax, version, updated_at: new Date() }).execute();
    await recordAudit(trx, actor, {
      action: "settings.taxes_updated",
      subjectType: "shop",
      summary: `Tax ${formatPercent(before.tax_rate_bp)} % → ${formatPercent(basisPoints)} %, prices ${input.pricesIncludeTax ? "include" : "exclude"} tax`,
    });
    return true;
  });
}

// ---------------------------------------------------------------- checkout

/** The delays a merchant can choose for the abandoned-checkout reminder, in minutes; null turns it off. */
export const REMINDER_DELAYS: readonly { minutes: number | null; label: string }[] = [
  { minutes: null, label: "Don't send reminders" },
  { minutes: 60, label: "After 1 hour" },
  { minutes: 360, label: "After 6 hours" },
  { minutes: 1440, label: "After 24 hours" },
];

export const checkoutSettingsForm = z.object({
  reminderMinutes: z
    .string()
    .optional()
    .transform((minutes) => minutes ?? "")
    .refine((minutes) => REMINDER_DELAYS.some((d) => String(d.minutes ?? "") === minutes), { error: "Choose one of the delays in the list." }),
  version: editVersion(),
});

/** Saves when a shopper who left an email (and agreed to be emailed) and didn't pay gets their one reminder. */
export async function saveCheckoutSettings(
  db: TenantDb,
  actor: Actor,
  input: { reminderMinutes: string },
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<boolean> {
  const choice = REMINDER_DELAYS.find((d) => String(d.minutes ?? "") === input.reminderMinutes);
  if (!choice) throw new SettingsValidationError({ reminderMinutes: "Choose one of the delays in the list." });
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("settings").select(["abandoned_checkout_minutes", "version", "updated_at"]).forUpdate().executeTakeFirstOrThrow();
    const label = (minutes: number | null) => REMINDER_DELAYS.find((d) => d.minutes === minutes)?.label ?? String(minutes);
    const version = nextSettingsVersion(before, expectedVersion, () =>
      changedFields({ reminder: "abandoned checkout reminder" }, { reminder: choice.label }, { reminder: label(before.abandoned_checkout_minutes) }),
    );
    if (before.abandoned_checkout_minutes === choice.minutes) return false;
    await trx.updateTable("settings").set({ abandoned_checkout_minutes: choice.minutes, version, updated_at: new Date() }).execute();
    await recordAudit(trx, actor, {
      action: "settings.checkout_updated",
      subjectType: "shop",
      summary: `Abandoned checkout reminders: ${choice.label.toLowerCase()}`,
    });
    return true;
  });
}
