import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import {
  applyVariantBulkEdit,
  deleteProductImageFiles,
  deleteProducts,
  differingFields,
  draftToInput,
  getProduct,
  isRecordId,
  MAX_OPTIONS,
  moneyStyle,
  ProductConflictError,
  ProductValidationError,
  regenerateVariants,
  sanitizeRichText,
  saveProduct,
  validateProduct,
  type ProductDraft,
  type ProductErrors,
  type VariantBulkEdit,
} from "../domain.server.ts";
import { planLimit, PlanLimitError } from "../../tenants/plan-limits.ts";
import { planOf } from "../../tenants/plans.server.ts";
import { requireShopAdmin } from "./guards.server.ts";

/** What the editor re-renders after any non-saving action: the draft, what's wrong with it, and a note. */
export type ProductEditorResult = { draft: ProductDraft; errors: ProductErrors; notice: string | null; revision: string };

const MAX_FORM_VARIANTS = 2001;

/** The editor form, read back into a draft. Counts bound the loops; anything missing reads as blank. */
export function readProductDraft(form: FormData): ProductDraft {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const count = (name: string, max: number) => Math.min(Math.max(Number.parseInt(text(name), 10) || 0, 0), max);
  const options = Array.from({ length: count("optionCount", MAX_OPTIONS + 1) }, (_, i) => ({
    name: text(`options.${i}.name`),
    values: text(`options.${i}.values`),
  }));
  const builtFrom = readBuiltFrom(text("builtFrom"));
  const variants = Array.from({ length: count("variantCount", MAX_FORM_VARIANTS) }, (_, i) => ({
    optionValues: builtFrom.map((_, o) => text(`variants.${i}.option.${o}`)),
    sku: text(`variants.${i}.sku`),
    price: text(`variants.${i}.price`),
    compareAtPrice: text(`variants.${i}.compareAtPrice`),
    inventoryQuantity: text(`variants.${i}.inventoryQuantity`),
    continueSelling: form.get(`variants.${i}.continueSelling`) === "on",
    weightGrams: text(`variants.${i}.weightGrams`),
    selected: form.get(`variants.${i}.selected`) === "on",
  }));
  return {
    title: text("title"),
    handle: text("handle").trim().toLowerCase(),
    descriptionHtml: text("descriptionHtml"),
    status: text("status"),
    vendor: text("vendor"),
    productType: text("productType"),
    tags: text("tags"),
    seoTitle: text("seoTitle"),
    seoDescription: text("seoDescription"),
    version: /^\d{1,9}$/.test(text("version")) ? text("version") : "",
    options,
    builtFrom,
    variants,
  };
}

/** The options the rows were built from travel as JSON in a hidden field; anything malformed counts as none. */
function readBuiltFrom(json: string): ProductDraft["builtFrom"] {
  try {
    const parsed: unknown = JSON.parse(json || "[]");
    if (!Array.isArray(parsed) || parsed.length > MAX_OPTIONS) return [];
    const valid = parsed.every((o) => o && typeof o.name === "string" && Array.isArray(o.values) && o.values.every((v: unknown) => typeof v === "string"));
    return valid ? parsed.map((o) => ({ name: o.name, values: o.values })) : [];
  } catch {
    return [];
  }
}

function readBulkEdit(form: FormData): VariantBulkEdit | null {
  const kind = form.get("bulkAction");
  const value = String(form.get("bulkValue") ?? "");
  switch (kind) {
    case "price":
    case "compareAtPrice":
    case "inventoryQuantity":
    case "weightGrams":
      return { kind, value };
    case "continueSelling":
    case "stopSelling":
    case "delete":
      return { kind };
    default:
      return null;
  }
}

function result(draft: ProductDraft, errors: ProductErrors, notice: string | null, status = 200) {
  // What goes back into the page is what saving would keep, so the visual editor never renders raw input.
  const body: ProductEditorResult = {
    draft: { ...draft, descriptionHtml: sanitizeRichText(draft.descriptionHtml) },
    errors,
    notice,
    revision: crypto.randomUUID(),
  };
  return data(body, { status });
}

/** Saving errors: option problems make every row's "use one of the option's values" noise, so those wait. */
function saveErrors(parseErrors: ProductErrors, validation: ProductErrors): ProductErrors {
  const errors = { ...validation, ...parseErrors };
  if (Object.keys(errors).some((key) => key === "options" || key.startsWith("options."))) {
    for (const key of Object.keys(errors)) if (/^variants\.\d+\.optionValues$/.test(key)) delete errors[key];
  }
  return errors;
}

/**
 * The product editor's action, shared by the new-product page and the editor:
 * save, delete, or one of the draft operations (add or remove an option,
 * generate variants, bulk-edit ticked variants), which change nothing stored.
 */
export async function productEditorAction({ request, context, params }: ActionFunctionArgs, productId?: string) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  // Ids are per shop: look the product up in this shop's schema, so another shop's id is simply not found here.
  if (productId !== undefined && !(isRecordId(productId) && (await db.selectFrom("products").select("id").where("id", "=", productId).executeTakeFirst()))) {
    throw new Response("Not found", { status: 404 });
  }
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const draft = readProductDraft(form);
  const style = await moneyStyle(db);
  const base = `/admin/${shop.slug}/products`;

  if (intent === "delete" && productId) {
    const deleted = await deleteProducts(db, actor, [productId]);
    if (!deleted.length) throw new Response("Not found", { status: 404 });
    // The rows are gone for good; now their stored files can go too.
    await deleteProductImageFiles(context.services.media, shop.id, productId);
    throw redirect(`${base}?deleted=1`);
  }
  if (intent === "add-option") {
    if (draft.options.length >= MAX_OPTIONS) return result(draft, { options: `Use at most ${MAX_OPTIONS} options.` }, null, 400);
    return result({ ...draft, options: [...draft.options, { name: "", values: "" }] }, {}, null);
  }
  if (intent.startsWith("remove-option:")) {
    const index = Number(intent.slice("remove-option:".length));
    const options = draft.options.filter((_, i) => i !== index);
    const rebuilt = regenerateVariants({ ...draft, options });
    // With the remaining options still incomplete, the rows wait for "Generate variants".
    return result(
      rebuilt.error ? { ...draft, options } : rebuilt.draft,
      {},
      rebuilt.error ? null : "Option removed and variants rebuilt. Save to keep the change.",
    );
  }
  if (intent === "generate") {
    const rebuilt = regenerateVariants(draft);
    if (rebuilt.error) return result(draft, { options: rebuilt.error }, null, 400);
    const count = rebuilt.draft.variants.length;
    return result(rebuilt.draft, {}, `${count} variant${count === 1 ? "" : "s"} from the options. Set their prices and save.`);
  }
  if (intent === "bulk") {
    const edit = readBulkEdit(form);
    if (!edit) return result(draft, { bulk: "Choose what to change." }, null, 400);
    const applied = applyVariantBulkEdit(draft, edit, style);
    if (Object.keys(applied.errors).length) return result(draft, applied.errors, null, 400);
    const what = edit.kind === "delete" ? "Removed" : "Changed";
    return result(applied.draft, {}, `${what} ${applied.changed} variant${applied.changed === 1 ? "" : "s"}. Save to keep the change.`);
  }
  if (intent !== "save") return result(draft, { form: "Unknown action." }, null, 400);

  const parsed = draftToInput(draft, style);
  const errors = saveErrors(parsed.errors, validateProduct(parsed.input));
  if (Object.keys(errors).length) return result(parsed.draft, errors, null, 400);
  try {
    const plan = productId ? null : await planOf(context.services.db, shop);
    const saved = await saveProduct(db, actor, parsed.input, productId, {
      productLimit: plan ? planLimit(plan, plan.max_products) : undefined,
      expectedVersion: productId && draft.version ? Number(draft.version) : undefined,
    });
    throw redirect(`${base}/${saved.id}?${saved.created ? "created" : "saved"}=1`);
  } catch (error) {
    if (error instanceof PlanLimitError) return result(parsed.draft, { planLimit: error.message }, null, 403);
    if (error instanceof ProductConflictError) {
      // Keep what was typed; the next save is made knowingly over the newer version.
      const current = await getProduct(db, productId!);
      const changed = current ? differingFields(parsed.input, current) : [];
      const at = error.changedAt.toISOString().slice(11, 16);
      return result(
        { ...parsed.draft, version: String(error.currentVersion) },
        {
          form: `This product changed since you opened it (saved at ${at} UTC, or its stock changed with an order). Nothing was saved. ${
            changed.length ? `The saved version differs from yours in: ${changed.join(", ")}. ` : ""
          }Your changes are still below: save again to replace the saved version with them, or reload the page to start from it.`,
        },
        null,
        409,
      );
    }
    if (!(error instanceof ProductValidationError)) throw error;
    if (error.errors.product) throw new Response("Not found", { status: 404 });
    return result(parsed.draft, error.errors, null, 400);
  }
}
