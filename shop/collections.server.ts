import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import { isUniqueViolation } from "../db/errors.ts";
import type { CollectionRule, ProductStatus, TenantDatabase } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { handleize, handleProblem } from "./handles.ts";
import { sanitizeRichText } from "./html.server.ts";
import { changedFields, checkVersion } from "./edit-versions.server.ts";
import { amountProblem, exampleAmount, parseMoney, toInputAmount, type MoneyStyle } from "./money.ts";
import { containsPattern, PAGE_SIZE, readPage, readSort, type SortDirection } from "./product-list.server.ts";
import { isRecordId } from "./products.server.ts";
import type { ProductSet } from "./search.server.ts";
import { descriptionProblem, singleLineProblem } from "./text.ts";

export type CollectionKind = "manual" | "automated";
export type RuleField = CollectionRule["field"];
export type RuleRelation = CollectionRule["relation"];

/** A condition as typed in the editor: a price is text in the shop's notation until saved. */
export interface RuleInput {
  field: RuleField;
  relation: RuleRelation;
  value: string;
}

/** Which comparisons make sense for each field, in the order the editor offers them. */
export const RULE_RELATIONS: Record<RuleField, RuleRelation[]> = {
  tag: ["equals", "not_equals", "contains"],
  product_type: ["equals", "not_equals", "contains"],
  vendor: ["equals", "not_equals", "contains"],
  price: ["equals", "not_equals", "greater_than", "less_than"],
  inventory: ["equals", "not_equals", "greater_than", "less_than"],
};
const MAX_RULES = 60;
const MAX_DEPTH = 100;

export interface CollectionInput {
  title: string;
  /** Blank: made from the title. */
  handle: string;
  descriptionHtml: string;
  /** Fixed when the collection is created. */
  kind: CollectionKind;
  /** Automated collections only. Price values are amounts typed in the shop's currency and locale, inventory values whole numbers. */
  rules: RuleInput[];
  rulesMatch: "all" | "any";
  parentId: string | null;
  seoTitle: string;
  seoDescription: string;
}

/** Field path ("title", "rules.1.value") → message. */
export type CollectionErrors = Record<string, string>;

export class CollectionValidationError extends Error {
  constructor(readonly errors: CollectionErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

export function validateCollection(input: CollectionInput, money: MoneyStyle): CollectionErrors {
  const errors: CollectionErrors = {};
  if (!input.title.trim()) errors.title = "Give the collection a title.";
  else if (input.title.length > 255) errors.title = "Use at most 255 characters.";
  else if (singleLineProblem(input.title)) errors.title = singleLineProblem(input.title)!;
  const handle = handleProblem(input.handle, input.title);
  if (handle) errors.handle = handle;
  if (descriptionProblem(input.descriptionHtml)) errors.descriptionHtml = descriptionProblem(input.descriptionHtml)!;
  if (input.kind !== "manual" && input.kind !== "automated") errors.kind = "Choose manual or automated.";
  if (input.rulesMatch !== "all" && input.rulesMatch !== "any") errors.rulesMatch = "Choose all or any.";
  if (input.parentId !== null && !isRecordId(input.parentId)) errors.parentId = "Choose a collection from the list.";
  if (input.seoTitle.length > 70) errors.seoTitle = "Search engines show about 70 characters; use at most 70.";
  else if (singleLineProblem(input.seoTitle)) errors.seoTitle = singleLineProblem(input.seoTitle)!;
  if (input.seoDescription.length > 320) errors.seoDescription = "Use at most 320 characters.";
  else if (singleLineProblem(input.seoDescription)) errors.seoDescription = singleLineProblem(input.seoDescription)!;
  if (input.kind === "automated") {
    if (!input.rules.length) errors.rules = "Add at least one condition.";
    if (input.rules.length > MAX_RULES) errors.rules = `Use at most ${MAX_RULES} conditions.`;
    input.rules.forEach((rule, i) => {
      const relations = RULE_RELATIONS[rule.field];
      if (!relations) errors[`rules.${i}.field`] = "Choose what to compare.";
      else if (!relations.includes(rule.relation)) errors[`rules.${i}.relation`] = "This comparison doesn't fit that field.";
      const value = rule.value.trim();
      if (!value) errors[`rules.${i}.value`] = "Enter a value.";
      else if (value.length > 255) errors[`rules.${i}.value`] = "Use at most 255 characters.";
      else if (rule.field === "price") {
        const amount = parseMoney(value, money);
        if (!amount.ok) errors[`rules.${i}.value`] = amountProblem(amount, `Enter an amount in ${money.currency}, like ${exampleAmount(money)}.`);
      } else if (rule.field === "inventory" && !/^-?\d{1,9}$/.test(value)) errors[`rules.${i}.value`] = "Enter a whole number.";
    });
  }
  return errors;
}

async function shopCurrency(db: TenantDb): Promise<string> {
  const { currency } = await db.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  return currency;
}

/** Stored rules as the editor shows them: a price in its currency, written the shop's way ("12,50"). */
export function ruleInputs(rules: CollectionRule[], locale: string): RuleInput[] {
  return rules.map((rule) =>
    rule.field === "price"
      ? { field: rule.field, relation: rule.relation, value: toInputAmount(rule.amount, rule.currency, locale) }
      : { field: rule.field, relation: rule.relation, value: rule.value },
  );
}

/**
 * The rules as stored: a price in integer minor units with the currency it was typed in, so
 * it keeps its meaning whatever happens to the shop's settings. Input already validated.
 */
function storedRules(rules: RuleInput[], money: MoneyStyle): CollectionRule[] {
  return rules.map((rule): CollectionRule => {
    if (rule.field !== "price") return { field: rule.field, relation: rule.relation, value: rule.value.trim() };
    const amount = parseMoney(rule.value, money);
    if (!amount.ok) throw new CollectionValidationError({ rules: amount.message });
    return { field: "price", relation: rule.relation, amount: amount.value.toString(), currency: money.currency };
  });
}

const COLLECTION_FIELDS = {
  title: "title",
  handle: "handle",
  description_html: "description",
  rules: "conditions",
  rules_match: "which conditions to match",
  parent_id: "parent collection",
  seo_title: "page title",
  seo_description: "meta description",
} as const;

/**
 * Creates (no `collectionId`) or updates a collection. The parent must exist
 * and must not be the collection itself or one of its descendants. Serializable,
 * so two concurrent moves can't make a cycle between them. An update from the
 * form names the version it was opened on (`expectedVersion`): a newer saved
 * collection refuses it with StaleEditError.
 */
export async function saveCollection(
  db: TenantDb,
  actor: Actor,
  input: CollectionInput,
  collectionId?: string,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<{ id: string; handle: string; created: boolean }> {
  if (collectionId !== undefined && !isRecordId(collectionId)) throw new CollectionValidationError({ collection: "This collection no longer exists." });
  const money = await db.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const errors = validateCollection(input, money);
  if (Object.keys(errors).length) throw new CollectionValidationError(errors);
  const handle = input.handle.trim() || handleize(input.title);

  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel("serializable")
        .execute(async (trx) => {
          const before = collectionId
            ? await trx
                .selectFrom("collections")
                .select(["kind", "version", "updated_at", ...(Object.keys(COLLECTION_FIELDS) as (keyof typeof COLLECTION_FIELDS)[])])
                .where("id", "=", collectionId)
                .forUpdate()
                .executeTakeFirst()
            : undefined;
          if (collectionId && !before) throw new CollectionValidationError({ collection: "This collection no longer exists." });
          const kind = before?.kind ?? input.kind;
          // Shared lock: a currency change waits for this save, then sees its price rules and refuses.
          const now = await trx.selectFrom("settings").select(["currency", "locale"]).forShare().executeTakeFirstOrThrow();
          if (now.currency !== money.currency || now.locale !== money.locale)
            throw new CollectionValidationError({ rules: "The shop's currency or number format just changed: check the amounts and save again." });
          const values = {
            title: input.title.trim(),
            handle,
            description_html: sanitizeRichText(input.descriptionHtml),
            rules: kind === "automated" ? storedRules(input.rules, money) : [],
            rules_match: input.rulesMatch,
            parent_id: input.parentId,
            seo_title: input.seoTitle.trim(),
            seo_description: input.seoDescription.trim(),
          };
          if (before) checkVersion("This collection", before, expectedVersion, () => changedFields(COLLECTION_FIELDS, values, before));
          const problems: CollectionErrors = {};
          if (
            await trx
              .selectFrom("collections")
              .select("id")
              .where("handle", "=", handle)
              .$if(Boolean(collectionId), (q) => q.where("id", "<>", collectionId!))
              .executeTakeFirst()
          ) {
            problems.handle = "Another collection uses this handle.";
          }
          if (input.parentId) {
            const parentProblem = await parentCycleProblem(trx, input.parentId, collectionId);
            if (parentProblem) problems.parentId = parentProblem;
          }
          if (Object.keys(problems).length) throw new CollectionValidationError(problems);

          const row = { ...values, rules: JSON.stringify(values.rules) };
          let id: string;
          if (before) {
            await trx
              .updateTable("collections")
              .set({ ...row, version: before.version + 1, updated_at: new Date() })
              .where("id", "=", collectionId!)
              .execute();
            id = collectionId!;
          } else {
            ({ id } = await trx
              .insertInto("collections")
              .values({ ...row, kind })
              .returning("id")
              .executeTakeFirstOrThrow());
          }
          await recordAudit(trx, actor, {
            action: collectionId ? "collection.updated" : "collection.created",
            subjectType: "collection",
            subjectId: id,
            summary: `${values.title} (${kind})`,
          });
          return { id, handle, created: !collectionId };
        });
    } catch (error) {
      if (isUniqueViolation(error, "collections_handle_key")) throw new CollectionValidationError({ handle: "Another collection uses this handle." });
      // Serialization failure: another save moved collections at the same time; the retry sees its result.
      if ((error as { code?: string }).code === "40001" && attempt < 3) continue;
      throw error;
    }
  }
}

/** Why `parentId` can't be the parent of `collectionId` (missing, itself, or below it), or null. */
async function parentCycleProblem(db: TenantDb, parentId: string, collectionId: string | undefined): Promise<string | null> {
  const ancestors = await db
    .withRecursive("ancestors(id, parent_id, depth)", (qb) =>
      qb
        .selectFrom("collections")
        .select(["id", "parent_id", sql<number>`0`.as("depth")])
        .where("id", "=", parentId)
        .union(
          qb
            .selectFrom("collections as c")
            .innerJoin("ancestors as a", "a.parent_id", "c.id")
            .select(["c.id", "c.parent_id", sql<number>`a.depth + 1`.as("depth")])
            .where("a.depth", "<", MAX_DEPTH),
        ),
    )
    .selectFrom("ancestors")
    .select("id")
    .execute();
  if (!ancestors.length) return "Choose a collection from the list.";
  if (collectionId && ancestors.some((a) => a.id === collectionId)) return "A collection can't sit inside itself or one of its own sub-collections.";
  if (ancestors.length > MAX_DEPTH) return "Collections can be nested at most 100 deep.";
  return null;
}

export interface CollectionDetail {
  id: string;
  handle: string;
  title: string;
  descriptionHtml: string;
  kind: CollectionKind;
  rules: CollectionRule[];
  rulesMatch: "all" | "any";
  parentId: string | null;
  seoTitle: string;
  seoDescription: string;
  updatedAt: Date;
  version: number;
}

export async function getCollection(db: TenantDb, id: string): Promise<CollectionDetail | null> {
  if (!isRecordId(id)) return null;
  const c = await db.selectFrom("collections").selectAll().where("id", "=", id).executeTakeFirst();
  if (!c) return null;
  return {
    id: c.id,
    handle: c.handle,
    title: c.title,
    descriptionHtml: c.description_html,
    kind: c.kind,
    rules: c.rules,
    rulesMatch: c.rules_match,
    parentId: c.parent_id,
    seoTitle: c.seo_title,
    seoDescription: c.seo_description,
    updatedAt: c.updated_at,
    version: c.version,
  };
}

export async function deleteCollection(db: TenantDb, actor: Actor, id: string): Promise<boolean> {
  if (!isRecordId(id)) return false;
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("collections").where("id", "=", id).returning(["id", "title"]).executeTakeFirst();
    if (deleted) await recordAudit(trx, actor, { action: "collection.deleted", subjectType: "collection", subjectId: deleted.id, summary: deleted.title });
    return Boolean(deleted);
  });
}

/** Collections that may become `collectionId`'s parent: every other one except its own descendants. */
export async function parentChoices(db: TenantDb, collectionId?: string): Promise<{ id: string; title: string; handle: string }[]> {
  const excluded = collectionId && isRecordId(collectionId) ? await subtreeIds(db, collectionId) : [];
  return db
    .selectFrom("collections")
    .select(["id", "title", "handle"])
    .$if(excluded.length > 0, (q) => q.where("id", "not in", excluded))
    .orderBy("title")
    .orderBy("id")
    .limit(1000)
    .execute();
}

/** The collection and everything nested below it. */
async function subtreeIds(db: TenantDb, collectionId: string): Promise<string[]> {
  const rows = await db
    .withRecursive("subtree(id, depth)", (qb) =>
      qb
        .selectFrom("collections")
        .select(["id", sql<number>`0`.as("depth")])
        .where("id", "=", collectionId)
        .union(
          qb
            .selectFrom("collections as c")
            .innerJoin("subtree as s", "s.id", "c.parent_id")
            .select(["c.id", sql<number>`s.depth + 1`.as("depth")])
            .where("s.depth", "<", MAX_DEPTH),
        ),
    )
    .selectFrom("subtree")
    .select("id")
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

type ProductsEb = ExpressionBuilder<TenantDatabase & { p: TenantDatabase["products"] }, "p">;

/** One rule as a condition on `products as p`, built with Kysely's expression builder (values are bound parameters). */
function ruleCondition(eb: ProductsEb, rule: CollectionRule, currency: string): Expression<SqlBool> {
  if (rule.field === "price") {
    // An amount in another currency means nothing here: it matches no product rather than a wrong one.
    if (rule.currency !== currency || !/^\d{1,19}$/.test(rule.amount)) return sql<SqlBool>`false`;
    // Any variant at that price (or above, or below); "not equal" means no variant at that price.
    const op = rule.relation === "greater_than" ? ">" : rule.relation === "less_than" ? "<" : "=";
    const priced = eb.exists(eb.selectFrom("variants as rv").select("rv.id").whereRef("rv.product_id", "=", "p.id").where("rv.price", op, rule.amount));
    return rule.relation === "not_equals" ? eb.not(priced) : priced;
  }
  const value = rule.value.trim();
  if (rule.field === "tag") {
    const matching = (op: "=" | "ilike") =>
      eb.exists(
        eb
          .selectFrom(sql<{ tag: string }>`unnest(${eb.ref("p.tags")})`.as("tag"))
          .select(sql.lit(1).as("one"))
          .where(op === "=" ? eb.fn("lower", [sql.ref("tag")]) : sql.ref("tag"), op, op === "=" ? eb.fn("lower", [eb.val(value)]) : containsPattern(value)),
      );
    if (rule.relation === "contains") return matching("ilike");
    return rule.relation === "not_equals" ? eb.not(matching("=")) : matching("=");
  }
  if (rule.field === "product_type" || rule.field === "vendor") {
    const column = rule.field === "vendor" ? "p.vendor" : "p.product_type";
    if (rule.relation === "contains") return eb(column, "ilike", containsPattern(value));
    const same = eb(eb.fn("lower", [column]), "=", eb.fn("lower", [eb.val(value)]));
    return rule.relation === "not_equals" ? eb.not(same) : same;
  }
  // Inventory: the product's total stock across its variants.
  const stock = eb
    .selectFrom("variants as iv")
    .whereRef("iv.product_id", "=", "p.id")
    .select((s) => s.fn.coalesce(s.fn.sum<string>("iv.inventory_quantity"), sql.lit(0)).as("stock"));
  const op = { equals: "=", not_equals: "<>", greater_than: ">", less_than: "<", contains: "=" } as const;
  return eb(stock, op[rule.relation], String(Number(value)));
}

/** An automated collection's rules as one condition on `products as p`: all of them, or any. */
function rulesCondition(eb: ProductsEb, collection: Pick<CollectionDetail, "rules" | "rulesMatch">, currency: string): Expression<SqlBool> {
  const conditions = collection.rules.map((rule) => ruleCondition(eb, rule, currency));
  return collection.rulesMatch === "any" ? eb.or(conditions) : eb.and(conditions);
}

export interface CollectionProduct {
  id: string;
  title: string;
  handle: string;
  status: ProductStatus;
  vendor: string;
}

/**
 * A collection's products, a page at a time: in the merchant's order for a
 * manual collection, by title for an automated one (whose rules become the
 * WHERE clause). `status` narrows to, say, the active ones for a storefront.
 */
export async function listCollectionProducts(
  db: TenantDb,
  collection: Pick<CollectionDetail, "id" | "kind" | "rules" | "rulesMatch">,
  { limit = PAGE_SIZE, offset = 0, status }: { limit?: number; offset?: number; status?: ProductStatus } = {},
): Promise<{ products: CollectionProduct[]; total: number }> {
  const columns = ["p.id", "p.title", "p.handle", "p.status", "p.vendor"] as const;
  if (collection.kind === "manual") {
    const base = manualProducts(db, collection.id, status);
    const [{ total }, products] = await Promise.all([
      base.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow(),
      base.select(columns).orderBy("cp.position").orderBy("p.id").limit(limit).offset(offset).execute(),
    ]);
    return { products, total: Number(total) };
  }
  if (!collection.rules.length) return { products: [], total: 0 };
  const base = await automatedProducts(db, collection, status);
  const [{ total }, products] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow(),
    base.select(columns).orderBy("p.title").orderBy("p.id").limit(limit).offset(offset).execute(),
  ]);
  return { products, total: Number(total) };
}

/** Which of `productIds` are in the collection: by hand for a manual one, by its rules for an automated one. */
export async function collectionMembersAmong(
  db: TenantDb,
  collection: Pick<CollectionDetail, "id" | "kind" | "rules" | "rulesMatch">,
  productIds: string[],
): Promise<string[]> {
  if (!productIds.length || (collection.kind === "automated" && !collection.rules.length)) return [];
  const base = collection.kind === "manual" ? manualProducts(db, collection.id, undefined) : await automatedProducts(db, collection, undefined);
  const rows = await base.select("p.id").where("p.id", "in", productIds).execute();
  return rows.map((row) => row.id);
}

export async function countCollectionProducts(
  db: TenantDb,
  collection: Pick<CollectionDetail, "id" | "kind" | "rules" | "rulesMatch">,
  status?: ProductStatus,
): Promise<number> {
  if (collection.kind === "automated" && !collection.rules.length) return 0;
  const base = collection.kind === "manual" ? manualProducts(db, collection.id, status) : await automatedProducts(db, collection, status);
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow();
  return Number(total);
}

/**
 * The collection as a product set for search (shop/search.server.ts): a collection page filters and sorts within it
 * with search's own filters and sorts. "Featured" is the merchant's order for a manual collection and the title for
 * an automated one, as listCollectionProducts has them.
 */
export async function collectionProductSet(db: TenantDb, collection: Pick<CollectionDetail, "id" | "kind" | "rules" | "rulesMatch">): Promise<ProductSet> {
  if (collection.kind === "manual") {
    const placement = (eb: ProductsEb) =>
      eb.selectFrom("collection_products as cp").whereRef("cp.product_id", "=", "p.id").where("cp.collection_id", "=", collection.id);
    return {
      contains: (eb) => eb.exists(placement(eb).select(sql.lit(1).as("one"))),
      manualOrder: (eb) => placement(eb).select("cp.position"),
    };
  }
  const currency = collection.rules.some((r) => r.field === "price") ? await shopCurrency(db) : "";
  return {
    contains: (eb) => (collection.rules.length ? rulesCondition(eb, collection, currency) : sql<SqlBool>`false`),
    manualOrder: (eb) => eb.fn("lower", [eb.ref("p.title")]),
  };
}

function manualProducts(db: TenantDb, collectionId: string, status: ProductStatus | undefined) {
  return db
    .selectFrom("collection_products as cp")
    .innerJoin("products as p", "p.id", "cp.product_id")
    .where("cp.collection_id", "=", collectionId)
    .$if(Boolean(status), (q) => q.where("p.status", "=", status!));
}

async function automatedProducts(db: TenantDb, collection: Pick<CollectionDetail, "rules" | "rulesMatch">, status: ProductStatus | undefined) {
  const currency = collection.rules.some((r) => r.field === "price") ? await shopCurrency(db) : "";
  return db
    .selectFrom("products as p")
    .where((eb) => rulesCondition(eb, collection, currency))
    .$if(Boolean(status), (q) => q.where("p.status", "=", status!));
}

/** Appends products to a manual collection, skipping ones already in it or unknown to this shop. Returns how many were added. */
export async function addProductsToCollection(db: TenantDb, actor: Actor, collectionId: string, productIds: string[]): Promise<number> {
  const ids = [...new Set(productIds.filter(isRecordId))];
  if (!isRecordId(collectionId) || !ids.length) return 0;
  return db.transaction().execute(async (trx) => {
    // Locks the collection so concurrent additions get distinct positions.
    const collection = await manualCollectionForUpdate(trx, collectionId);
    const products = await trx
      .selectFrom("products")
      .select(["id", "title"])
      .where("id", "in", ids)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("collection_products as cp")
              .select("cp.product_id")
              .where("cp.collection_id", "=", collectionId)
              .whereRef("cp.product_id", "=", "products.id"),
          ),
        ),
      )
      .execute();
    if (!products.length) return 0;
    const order = new Map(ids.map((id, i) => [id, i]));
    products.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const { last } = await trx
      .selectFrom("collection_products")
      .select((eb) => eb.fn.coalesce(eb.fn.max("position"), sql.lit(-1)).as("last"))
      .where("collection_id", "=", collectionId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("collection_products")
      .values(products.map((p, i) => ({ collection_id: collectionId, product_id: p.id, position: Number(last) + 1 + i })))
      .execute();
    await recordAudit(trx, actor, {
      action: "collection.products_added",
      subjectType: "collection",
      subjectId: collectionId,
      summary: `${collection.title}: ${products.map((p) => p.title).join(", ")}`.slice(0, 1000),
    });
    return products.length;
  });
}

export async function removeProductFromCollection(db: TenantDb, actor: Actor, collectionId: string, productId: string): Promise<boolean> {
  if (!isRecordId(collectionId) || !isRecordId(productId)) return false;
  return db.transaction().execute(async (trx) => {
    const collection = await manualCollectionForUpdate(trx, collectionId);
    const removed = await trx
      .deleteFrom("collection_products")
      .where("collection_id", "=", collectionId)
      .where("product_id", "=", productId)
      .executeTakeFirst();
    if (!removed.numDeletedRows) return false;
    await recordAudit(trx, actor, {
      action: "collection.product_removed",
      subjectType: "collection",
      subjectId: collectionId,
      summary: `${collection.title}: product ${productId}`,
    });
    return true;
  });
}

/** Swaps a product with its neighbour above or below in a manual collection. */
export async function moveProductInCollection(db: TenantDb, actor: Actor, collectionId: string, productId: string, direction: "up" | "down"): Promise<boolean> {
  if (!isRecordId(collectionId) || !isRecordId(productId)) return false;
  return db.transaction().execute(async (trx) => {
    const collection = await manualCollectionForUpdate(trx, collectionId);
    const current = await trx
      .selectFrom("collection_products")
      .select("position")
      .where("collection_id", "=", collectionId)
      .where("product_id", "=", productId)
      .executeTakeFirst();
    if (!current) return false;
    const neighbour = await trx
      .selectFrom("collection_products")
      .select(["product_id", "position"])
      .where("collection_id", "=", collectionId)
      .where("position", direction === "up" ? "<" : ">", current.position)
      .orderBy("position", direction === "up" ? "desc" : "asc")
      .limit(1)
      .executeTakeFirst();
    if (!neighbour) return false;
    await trx
      .updateTable("collection_products")
      .set({ position: neighbour.position })
      .where("collection_id", "=", collectionId)
      .where("product_id", "=", productId)
      .execute();
    await trx
      .updateTable("collection_products")
      .set({ position: current.position })
      .where("collection_id", "=", collectionId)
      .where("product_id", "=", neighbour.product_id)
      .execute();
    await recordAudit(trx, actor, {
      action: "collection.product_moved",
      subjectType: "collection",
      subjectId: collectionId,
      summary: `${collection.title}: product ${productId} ${direction}`,
    });
    return true;
  });
}

async function manualCollectionForUpdate(trx: TenantDb, collectionId: string) {
  const collection = await trx.selectFrom("collections").select(["id", "title", "kind"]).where("id", "=", collectionId).forUpdate().executeTakeFirst();
  if (!collection) throw new CollectionValidationError({ collection: "This collection no longer exists." });
  if (collection.kind !== "manual") throw new CollectionValidationError({ collection: "Products join an automated collection through its conditions." });
  return collection;
}

export const COLLECTION_SORTS = ["updated", "created", "title"] as const;
export type CollectionSort = (typeof COLLECTION_SORTS)[number];

export interface CollectionListQuery {
  q: string;
  kind: CollectionKind | null;
  sort: CollectionSort;
  direction: SortDirection;
  page: number;
}

export function readCollectionListQuery(params: URLSearchParams): CollectionListQuery {
  const kind = params.get("kind");
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    kind: kind === "manual" || kind === "automated" ? kind : null,
    ...readSort(params.get("sort"), COLLECTION_SORTS, "updated"),
    page: readPage(params.get("page")),
  };
}

export interface CollectionListRow {
  id: string;
  title: string;
  handle: string;
  kind: CollectionKind;
  parentTitle: string | null;
  productCount: number;
  updatedAt: Date;
}

export async function listCollections(
  db: TenantDb,
  query: CollectionListQuery,
): Promise<{ collections: CollectionListRow[]; total: number; pageCount: number }> {
  const filtered = db.selectFrom("collections as c").where((eb) => {
    const conditions = [];
    if (query.q) conditions.push(eb.or([eb("c.title", "ilike", containsPattern(query.q)), eb("c.handle", "ilike", containsPattern(query.q))]));
    if (query.kind) conditions.push(eb("c.kind", "=", query.kind));
    return eb.and(conditions);
  });
  const { total } = await filtered.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow();
  const sortColumn = { updated: "c.updated_at", created: "c.created_at", title: "c.title" } as const;
  const rows = await filtered
    .leftJoin("collections as parent", "parent.id", "c.parent_id")
    .select(["c.id", "c.title", "c.handle", "c.kind", "c.rules", "c.rules_match", "c.updated_at", "parent.title as parent_title"])
    .orderBy(sortColumn[query.sort], query.direction)
    .orderBy("c.id", query.direction)
    .limit(PAGE_SIZE)
    .offset((query.page - 1) * PAGE_SIZE)
    .execute();
  const collections: CollectionListRow[] = [];
  // One count per row, in turn: automated collections each have their own conditions.
  for (const r of rows) {
    const productCount = await countCollectionProducts(db, { id: r.id, kind: r.kind, rules: r.rules, rulesMatch: r.rules_match });
    collections.push({ id: r.id, title: r.title, handle: r.handle, kind: r.kind, parentTitle: r.parent_title, productCount, updatedAt: r.updated_at });
  }
  const count = Number(total);
  return { collections, total: count, pageCount: Math.max(1, Math.ceil(count / PAGE_SIZE)) };
}
