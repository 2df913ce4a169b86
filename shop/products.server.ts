import { isUniqueViolation } from "../db/errors.ts";
import type { ProductStatus } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { PlanLimitError, type PlanLimit } from "../tenants/plan-limits.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { StaleEditError } from "./edit-versions.server.ts";
import { handleize, handleProblem } from "./handles.ts";
import { sanitizeRichText } from "./html.server.ts";
import { MAX_MINOR_UNITS } from "./money.ts";
import { refreshProductSummary } from "./product-summary.server.ts";
import { descriptionProblem, singleLineProblem } from "./text.ts";

export interface OptionInput {
  name: string;
  values: string[];
}

export interface VariantInput {
  /** One value per option, in option order; empty for a product without options. */
  optionValues: string[];
  sku: string;
  /** Minor units (as `parseMoney` returns them, or a safe integer). */
  price: bigint | number;
  compareAtPrice: bigint | number | null;
  inventoryQuantity: number;
  continueSelling: boolean;
  weightGrams: number;
  imageId?: string | null;
}

export interface ProductInput {
  title: string;
  /** Blank: made from the title. */
  handle: string;
  descriptionHtml: string;
  status: ProductStatus;
  vendor: string;
  productType: string;
  tags: string[];
  seoTitle: string;
  seoDescription: string;
  options: OptionInput[];
  variants: VariantInput[];
}

/** A stored amount: whole minor units from zero to the largest any field takes. */
function isMinorAmount(amount: bigint | number): boolean {
  if (typeof amount === "number" && !Number.isSafeInteger(amount)) return false;
  return BigInt(amount) >= 0n && BigInt(amount) <= MAX_MINOR_UNITS;
}

/** Field path ("title", "variants.2.price") → message. */
export type ProductErrors = Record<string, string>;

export const PRODUCT_STATUSES: readonly ProductStatus[] = ["draft", "active", "archived"];
const MAX_VARIANTS = 2000;
/** Shopify's limits: a vendor, a type and each tag are short labels. */
export const MAX_LABEL_LENGTH = 255;
export const MAX_TAGS = 250;

export function normalizeTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags) {
    const clean = tag.trim().replace(/\s+/g, " ");
    if (clean && !seen.has(clean.toLowerCase())) seen.set(clean.toLowerCase(), clean.slice(0, 255));
  }
  return [...seen.values()];
}

/** "Red / Large", or "Default Title" for a product without options (Shopify's name for it). */
export function variantTitle(optionValues: string[]): string {
  return optionValues.length ? optionValues.join(" / ") : "Default Title";
}

/** Every combination of option values, in option order: the variants a product with these options has. */
export function variantCombinations(options: OptionInput[]): string[][] {
  return options.reduce<string[][]>((combos, option) => combos.flatMap((combo) => option.values.map((value) => [...combo, value])), [[]]);
}

export function validateProduct(input: ProductInput): ProductErrors {
  const errors: ProductErrors = {};
  if (!input.title.trim()) errors.title = "Give the product a title.";
  else if (input.title.length > 255) errors.title = "Use at most 255 characters.";
  else if (singleLineProblem(input.title)) errors.title = singleLineProblem(input.title)!;
  const handle = handleProblem(input.handle, input.title);
  if (handle) errors.handle = handle;
  if (!PRODUCT_STATUSES.includes(input.status)) errors.status = "Choose draft, active or archived.";
  if (input.seoTitle.length > 70) errors.seoTitle = "Search engines show about 70 characters; use at most 70.";
  else if (singleLineProblem(input.seoTitle)) errors.seoTitle = singleLineProblem(input.seoTitle)!;
  if (input.seoDescription.length > 320) errors.seoDescription = "Use at most 320 characters.";
  else if (singleLineProblem(input.seoDescription)) errors.seoDescription = singleLineProblem(input.seoDescription)!;
  if (descriptionProblem(input.descriptionHtml)) errors.descriptionHtml = descriptionProblem(input.descriptionHtml)!;
  if (input.vendor.trim().length > MAX_LABEL_LENGTH) errors.vendor = `Use at most ${MAX_LABEL_LENGTH} characters.`;
  if (input.productType.trim().length > MAX_LABEL_LENGTH) errors.productType = `Use at most ${MAX_LABEL_LENGTH} characters.`;
  if (input.tags.some((tag) => tag.trim().length > MAX_LABEL_LENGTH)) errors.tags = `Use at most ${MAX_LABEL_LENGTH} characters for each tag.`;
  else if (normalizeTags(input.tags).length > MAX_TAGS) errors.tags = `Use at most ${MAX_TAGS} tags.`;

  const optionNames = new Set<string>();
  input.options.forEach((option, i) => {
    const name = option.name.trim();
    if (!name) errors[`options.${i}.name`] = "Name the option.";
    else if (name.length > 255) errors[`options.${i}.name`] = "Use at most 255 characters.";
    else if (optionNames.has(name.toLowerCase())) errors[`options.${i}.name`] = "Each option needs its own name.";
    optionNames.add(name.toLowerCase());
    const values = option.values.map((v) => v.trim()).filter(Boolean);
    if (!values.length) errors[`options.${i}.values`] = "Add at least one value.";
    else if (values.some((v) => v.length > 255)) errors[`options.${i}.values`] = "Use at most 255 characters for each value.";
    else if (new Set(values.map((v) => v.toLowerCase())).size !== values.length) errors[`options.${i}.values`] = "Values must differ.";
  });

  if (!input.variants.length) errors.variants = "A product needs at least one variant.";
  if (input.variants.length > MAX_VARIANTS) errors.variants = `A product can have at most ${MAX_VARIANTS} variants.`;
  const combos = new Set<string>();
  input.variants.forEach((variant, i) => {
    const key = JSON.stringify(variant.optionValues.map((v) => v.trim().toLowerCase()));
    if (variant.optionValues.length !== input.options.length) {
      errors[`variants.${i}.optionValues`] = "Give a value for every option.";
    } else if (variant.optionValues.some((v, o) => !input.options[o].values.map((x) => x.trim()).includes(v.trim()))) {
      errors[`variants.${i}.optionValues`] = "Use one of the option's values.";
    } else if (combos.has(key)) {
      errors[`variants.${i}.optionValues`] = "Two variants have the same option values.";
    }
    combos.add(key);
    if (!isMinorAmount(variant.price)) errors[`variants.${i}.price`] = "Enter a price of zero or more.";
    if (variant.compareAtPrice !== null && !isMinorAmount(variant.compareAtPrice)) {
      errors[`variants.${i}.compareAtPrice`] = "Enter a compare-at price of zero or more, or leave it empty.";
    }
    if (!Number.isSafeInteger(variant.inventoryQuantity) || Math.abs(variant.inventoryQuantity) > 1e9)
      errors[`variants.${i}.inventoryQuantity`] = "Enter a whole number.";
    if (!Number.isSafeInteger(variant.weightGrams) || variant.weightGrams < 0 || variant.weightGrams > 1e9)
      errors[`variants.${i}.weightGrams`] = "Enter a weight in grams, zero or more.";
    if (variant.sku.length > 255) errors[`variants.${i}.sku`] = "Use at most 255 characters.";
  });
  return errors;
}

export class ProductValidationError extends Error {
  constructor(readonly errors: ProductErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

/**
 * Creates (no `productId`) or updates a product with its options and variants,
 * in one transaction: a bad product never leaves half of itself behind. With a
 * `productLimit` (the shop's plan), creating one more than it allows throws
 * PlanLimitError.
 * Variants are matched by their option values, so their ids (and anything
 * pointing at them) survive edits. A changed handle keeps redirecting.
 */
/**
 * Raises the version of products whose stock an order, a refund or a cancellation just changed, so an editor
 * opened before it can't write the old stock back.
 */
export async function bumpProductVersions(db: TenantDb, productIds: string[]): Promise<void> {
  if (productIds.length)
    await db
      .updateTable("products")
      .set((eb) => ({ version: eb("version", "+", 1) }))
      .where("id", "in", productIds)
      .execute();
}

/** The fields in which the saved product differs from what a form would save, in words a merchant reads. */
export function differingFields(input: ProductInput, saved: ProductDetail): string[] {
  const fields: string[] = [];
  // Typed prices are bigint minor units, stored ones numbers: compare them as numbers.
  const key = (value: unknown) => JSON.stringify(value, (_name, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
  const differs = (label: string, a: unknown, b: unknown) => key(a) !== key(b) && fields.push(label);
  differs("title", input.title.trim(), saved.title);
  differs("handle", input.handle.trim() || handleize(input.title), saved.handle);
  differs("description", sanitizeRichText(input.descriptionHtml), saved.descriptionHtml);
  differs("status", input.status, saved.status);
  differs("vendor", input.vendor.trim(), saved.vendor);
  differs("type", input.productType.trim(), saved.productType);
  differs("tags", normalizeTags(input.tags), saved.tags);
  differs("options", input.options, saved.options);
  const savedVariants = new Map(saved.variants.map((v) => [v.optionValues.join(" / "), v]));
  for (const variant of input.variants) {
    const name = variant.optionValues.join(" / ") || "the variant";
    const before = savedVariants.get(variant.optionValues.join(" / "));
    if (!before) continue;
    differs(`price of ${name}`, variant.price, before.price);
    differs(`stock of ${name}`, variant.inventoryQuantity, before.inventoryQuantity);
  }
  if (input.variants.length !== saved.variants.length) fields.push("the list of variants");
  return fields;
}

export async function saveProduct(
  db: TenantDb,
  actor: Actor,
  input: ProductInput,
  productId?: string,
  { productLimit, expectedVersion }: { productLimit?: PlanLimit; /** The version the form was opened on. */ expectedVersion?: number } = {},
): Promise<{ id: string; handle: string; created: boolean }> {
  if (productId !== undefined && !isRecordId(productId)) throw new ProductValidationError({ product: "This product no longer exists." });
  const errors = validateProduct(input);
  const handle = input.handle.trim() || handleize(input.title);
  if (!errors.handle && (await handleTaken(db, handle, productId))) errors.handle = "Another product uses this handle.";
  if (Object.keys(errors).length) throw new ProductValidationError(errors);

  const values: ProductValues = {
    title: input.title.trim(),
    handle,
    description_html: sanitizeRichText(input.descriptionHtml),
    status: input.status,
    vendor: input.vendor.trim(),
    product_type: input.productType.trim(),
    tags: normalizeTags(input.tags),
    seo_title: input.seoTitle.trim(),
    seo_description: input.seoDescription.trim(),
  };

  try {
    return await writeProduct(db, actor, input, values, productId, productLimit, expectedVersion);
  } catch (error) {
    // Two saves racing for one handle: the loser hears about it like any other taken handle.
    if (isUniqueViolation(error, "products_handle_key")) throw new ProductValidationError({ handle: "Another product uses this handle." });
    throw error;
  }
}

type ProductValues = {
  title: string;
  handle: string;
  description_html: string;
  status: ProductStatus;
  vendor: string;
  product_type: string;
  tags: string[];
  seo_title: string;
  seo_description: string;
};

function writeProduct(
  db: TenantDb,
  actor: Actor,
  input: ProductInput,
  values: ProductValues,
  productId?: string,
  productLimit?: PlanLimit,
  expectedVersion?: number,
) {
  const { handle } = values;
  return db.transaction().execute(async (trx) => {
    let id: string;
    let created = false;
    if (productId) {
      const before = await trx
        .selectFrom("products")
        .select(["handle", "published_at", "version", "updated_at"])
        .where("id", "=", productId)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new ProductValidationError({ product: "This product no longer exists." });
      // Refused whatever differs: the editor names the differing fields afterwards, variants included.
      if (expectedVersion !== undefined && before.version !== expectedVersion) throw new StaleEditError("This product", before.version, before.updated_at);
      await trx
        .updateTable("products")
        .set({
          ...values,
          version: before.version + 1,
          updated_at: new Date(),
          published_at: before.published_at ?? (values.status === "active" ? new Date() : null),
        })
        .where("id", "=", productId)
        .execute();
      id = productId;
      if (before.handle !== handle) {
        await trx
          .insertInto("product_handle_redirects")
          .values({ old_handle: before.handle, product_id: id })
          .onConflict((oc) => oc.column("old_handle").doUpdateSet({ product_id: id }))
          .execute();
      }
    } else {
      if (productLimit) {
        // The settings row serialises creations, so two saves can't both take the last place on the plan.
        await trx.selectFrom("settings").select("singleton").forUpdate().execute();
        const { n } = await trx
          .selectFrom("products")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow();
        if (Number(n) >= productLimit.max) throw new PlanLimitError("products", productLimit.max, productLimit.planName);
      }
      const row = await trx
        .insertInto("products")
        .values({ ...values, published_at: values.status === "active" ? new Date() : null })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
      created = true;
    }
    // The new handle is live again, so it no longer redirects anywhere.
    await trx.deleteFrom("product_handle_redirects").where("old_handle", "=", handle).execute();

    await trx.deleteFrom("product_options").where("product_id", "=", id).execute();
    if (input.options.length) {
      await trx
        .insertInto("product_options")
        .values(
          input.options.map((o, position) => ({ product_id: id, position, name: o.name.trim(), option_values: o.values.map((v) => v.trim()).filter(Boolean) })),
        )
        .execute();
    }
    await replaceVariants(trx, id, input.variants);
    await refreshProductSummary(trx, id);
    await recordAudit(trx, actor, {
      action: created ? "product.created" : "product.updated",
      subjectType: "product",
      subjectId: id,
      summary: `${values.title} (${input.variants.length} variant${input.variants.length === 1 ? "" : "s"})`,
    });
    return { id, handle, created };
  });
}

async function handleTaken(db: TenantDb, handle: string, productId?: string): Promise<boolean> {
  let query = db.selectFrom("products").select("id").where("handle", "=", handle);
  if (productId) query = query.where("id", "<>", productId);
  return Boolean(await query.executeTakeFirst());
}

async function replaceVariants(trx: TenantDb, productId: string, variants: VariantInput[]): Promise<void> {
  const existing = await trx.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", productId).execute();
  const byKey = new Map(existing.map((v) => [JSON.stringify(v.option_values), v.id]));
  const kept = new Set<string>();
  for (const [position, variant] of variants.entries()) {
    const optionValues = variant.optionValues.map((v) => v.trim());
    const row = {
      position,
      sku: variant.sku.trim(),
      price: variant.price,
      compare_at_price: variant.compareAtPrice,
      inventory_quantity: variant.inventoryQuantity,
      continue_selling: variant.continueSelling,
      weight_grams: variant.weightGrams,
      ...(variant.imageId !== undefined ? { image_id: variant.imageId } : {}),
    };
    const id = byKey.get(JSON.stringify(optionValues));
    if (id) {
      kept.add(id);
      await trx
        .updateTable("variants")
        .set({ ...row, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
    } else {
      await trx
        .insertInto("variants")
        .values({ ...row, product_id: productId, option_values: optionValues })
        .execute();
    }
  }
  const removed = existing.filter((v) => !kept.has(v.id)).map((v) => v.id);
  if (removed.length) await trx.deleteFrom("variants").where("id", "in", removed).execute();
}

/** The product a handle names now, following redirects left by renamed handles. */
export async function resolveProductHandle(db: TenantDb, handle: string): Promise<{ id: string; handle: string; redirected: boolean } | null> {
  const product = await db.selectFrom("products").select(["id", "handle"]).where("handle", "=", handle).executeTakeFirst();
  if (product) return { ...product, redirected: false };
  const redirect = await db
    .selectFrom("product_handle_redirects as r")
    .innerJoin("products as p", "p.id", "r.product_id")
    .select(["p.id", "p.handle"])
    .where("r.old_handle", "=", handle)
    .executeTakeFirst();
  return redirect ? { ...redirect, redirected: true } : null;
}

/**
 * Deletes this shop's products among `ids` and returns the ids it deleted: only those may have their stored
 * files removed (deleteProductImageFiles), after the commit.
 */
export async function deleteProducts(db: TenantDb, actor: Actor, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return db.transaction().execute((trx) => deleteProductsIn(trx, actor, ids));
}

async function deleteProductsIn(trx: TenantDb, actor: Actor, ids: string[]): Promise<string[]> {
  const valid = ids.filter(isRecordId);
  if (!valid.length) return [];
  const deleted = await trx.deleteFrom("products").where("id", "in", valid).returning(["id", "title"]).execute();
  for (const p of deleted) await recordAudit(trx, actor, { action: "product.deleted", subjectType: "product", subjectId: p.id, summary: p.title });
  return deleted.map((p) => p.id);
}

/** Ids are bigint identities; anything else (from a URL or a form) names no row and must not reach a query. */
export function isRecordId(value: unknown): value is string {
  return typeof value === "string" && /^[1-9]\d{0,17}$/.test(value);
}

export interface ProductDetail {
  id: string;
  handle: string;
  title: string;
  descriptionHtml: string;
  status: ProductStatus;
  vendor: string;
  productType: string;
  tags: string[];
  seoTitle: string;
  seoDescription: string;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  options: OptionInput[];
  variants: (Omit<VariantInput, "imageId"> & { id: string; imageId: string | null })[];
  /** Old handles that still lead here. */
  redirects: string[];
  version: number;
}

/** A product with its options, variants (in position order) and old handles; null if this shop has no such product. */
export async function getProduct(db: TenantDb, id: string): Promise<ProductDetail | null> {
  if (!isRecordId(id)) return null;
  const product = await db.selectFrom("products").selectAll().where("id", "=", id).executeTakeFirst();
  if (!product) return null;
  const [options, variants, redirects] = await Promise.all([
    db.selectFrom("product_options").select(["name", "option_values"]).where("product_id", "=", id).orderBy("position").execute(),
    db.selectFrom("variants").selectAll().where("product_id", "=", id).orderBy("position").orderBy("id").execute(),
    db.selectFrom("product_handle_redirects").select("old_handle").where("product_id", "=", id).orderBy("old_handle").execute(),
  ]);
  return {
    id: product.id,
    handle: product.handle,
    title: product.title,
    descriptionHtml: product.description_html,
    status: product.status,
    vendor: product.vendor,
    productType: product.product_type,
    tags: product.tags,
    seoTitle: product.seo_title,
    seoDescription: product.seo_description,
    publishedAt: product.published_at,
    createdAt: product.created_at,
    updatedAt: product.updated_at,
    options: options.map((o) => ({ name: o.name, values: o.option_values })),
    variants: variants.map((v) => ({
      id: v.id,
      optionValues: v.option_values,
      sku: v.sku,
      price: Number(v.price),
      compareAtPrice: v.compare_at_price === null ? null : Number(v.compare_at_price),
      inventoryQuantity: v.inventory_quantity,
      continueSelling: v.continue_selling,
      weightGrams: v.weight_grams,
      imageId: v.image_id,
    })),
    redirects: redirects.map((r) => r.old_handle),
    version: product.version,
  };
}

export type ProductBulkAction =
  { kind: "publish" } | { kind: "archive" } | { kind: "add_tag"; tag: string } | { kind: "remove_tag"; tag: string } | { kind: "delete" };

/** At most one page of a list is selected at a time; this bounds one transaction's work. */
export const MAX_BULK_PRODUCTS = 500;

/**
 * Publishes, archives, tags, untags or deletes the given products in one
 * transaction, with an audit event per product changed. Ids this shop doesn't
 * have, and any past the first MAX_BULK_PRODUCTS, are ignored. Returns how many
 * products changed and, for a delete, which ones are gone.
 */
export async function applyProductBulkAction(
  db: TenantDb,
  actor: Actor,
  ids: string[],
  action: ProductBulkAction,
): Promise<{ changed: number; deletedIds: string[] }> {
  const valid = [...new Set(ids.filter(isRecordId))].slice(0, MAX_BULK_PRODUCTS);
  if (!valid.length) return { changed: 0, deletedIds: [] };
  if (action.kind === "delete") {
    const deletedIds = await deleteProducts(db, actor, valid);
    return { changed: deletedIds.length, deletedIds };
  }
  return { changed: await applyProductChange(db, actor, valid, action), deletedIds: [] };
}

async function applyProductChange(db: TenantDb, actor: Actor, valid: string[], action: Exclude<ProductBulkAction, { kind: "delete" }>): Promise<number> {
  if ((action.kind === "add_tag" || action.kind === "remove_tag") && !normalizeTags([action.tag]).length) {
    throw new ProductValidationError({ tag: "Enter a tag." });
  }
  return db.transaction().execute(async (trx) => {
    if (action.kind === "publish" || action.kind === "archive") {
      const status: ProductStatus = action.kind === "publish" ? "active" : "archived";
      const changed = await trx
        .updateTable("products")
        .set((eb) => ({
          status,
          updated_at: new Date(),
          published_at: status === "active" ? eb.fn.coalesce("published_at", eb.val(new Date())) : eb.ref("published_at"),
        }))
        .where("id", "in", valid)
        .where("status", "<>", status)
        .returning(["id", "title"])
        .execute();
      for (const p of changed) {
        await recordAudit(trx, actor, {
          action: status === "active" ? "product.published" : "product.archived",
          subjectType: "product",
          subjectId: p.id,
          summary: p.title,
        });
      }
      return changed.length;
    }
    const [tag] = normalizeTags([action.tag]);
    const rows = await trx.selectFrom("products").select(["id", "title", "tags"]).where("id", "in", valid).orderBy("id").forUpdate().execute();
    let changed = 0;
    for (const row of rows) {
      const tags = action.kind === "add_tag" ? normalizeTags([...row.tags, tag]) : row.tags.filter((t) => t.toLowerCase() !== tag.toLowerCase());
      if (tags.length === row.tags.length) continue;
      await trx.updateTable("products").set({ tags, updated_at: new Date() }).where("id", "=", row.id).execute();
      await recordAudit(trx, actor, {
        action: action.kind === "add_tag" ? "product.tagged" : "product.untagged",
        subjectType: "product",
        subjectId: row.id,
        summary: `${row.title}: ${action.kind === "add_tag" ? "+" : "−"}${tag}`,
      });
      changed++;
    }
    return changed;
  });
}
