import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  applyVariantBulkEdit,
  deleteProductImageFiles,
  deleteProducts,
  differingFields,
  draftToInput,
  getProduct,
  ImageRejectedError,
  isRecordId,
  listProductImages,
  MAX_ALT_LENGTH,
  MAX_OPTIONS,
  moneyStyle,
  ProductValidationError,
  productImageUrl,
  regenerateVariants,
  sanitizeRichText,
  saveImageEdits,
  saveProduct,
  staleEditMessage,
  StaleEditError,
  validateProduct,
  type ImageEdits,
  type ProductDraft,
  type ProductErrors,
  type VariantBulkEdit,
} from "../domain.server.ts";
import {
  checkboxValue,
  choice,
  editorIntent,
  editVersion,
  handleText,
  LIMITS,
  multiline,
  numberedRows,
  rowCount,
  seoDescription,
  seoTitle,
  singleLine,
  tickedBox,
  UNREADABLE_FORM,
  wholeNumber,
} from "../../shop/fields.server.ts";
import { planLimit, PlanLimitError } from "../../tenants/plan-limits.ts";
import { planOf } from "../../tenants/plans.server.ts";
import { requireShopAdmin } from "./guards.server.ts";
import { acceptedFields, parseForm, refusedFields, textFields, type FieldErrors, type RowFields } from "./forms.server.ts";
import { chosenFiles, prepareFiles, readImageForm } from "./image-upload.server.ts";

/** A stored image as the editor lists it: its place is its index; `remove` is ticked until saving removes it. */
export interface EditorImage {
  id: string;
  url: string;
  alt: string;
  remove: boolean;
}

/** What the editor re-renders after any non-saving action: the draft, its images, what's wrong with them, and a note. */
export type ProductEditorResult = { draft: ProductDraft; images: EditorImage[]; errors: ProductErrors; notice: string | null; revision: string };

/** Why a saved product's images weren't saved with it: a code in the address, so the page's words are ours. */
export const IMAGES_NOT_SAVED: Record<string, string> = {
  storage: "The product was saved, but its new images weren't: they would pass your plan's storage limit.",
  changed: "The product was saved, but its images weren't: they were changed elsewhere meanwhile. Edit them again.",
  rejected: "The product was saved, but its images weren't: a product can't take that many images.",
};

/** The stored images as the editor lists them. */
export async function editorImages(db: Parameters<typeof listProductImages>[0], productId: string, adminSlug: string): Promise<EditorImage[]> {
  return (await listProductImages(db, productId)).map((image) => ({
    id: image.id,
    url: productImageUrl(image, { width: 160, adminSlug }),
    alt: image.alt,
    remove: false,
  }));
}

/** Moves the image at `index` one place; out-of-range moves change nothing. */
function moveEditorImage(images: EditorImage[], index: number, direction: "up" | "down"): EditorImage[] {
  const to = direction === "up" ? index - 1 : index + 1;
  if (!(index >= 0 && index < images.length && to >= 0 && to < images.length)) return images;
  const moved = [...images];
  [moved[index], moved[to]] = [moved[to], moved[index]];
  return moved;
}

const MAX_FORM_VARIANTS = 2001;
const MAX_FORM_IMAGES = 251;
// Alt text is judged after its spaces are collapsed (MAX_ALT_LENGTH); this bounds what is read at all.
const MAX_ALT_FIELD = 5_000;
const INTENT = /^(save|delete|add-option|generate|bulk|remove-option:\d{1,2}|image-(up|down):\d{1,3})$/;
const BULK_KINDS = ["price", "compareAtPrice", "inventoryQuantity", "weightGrams", "continueSelling", "stopSelling", "delete"] as const;

/** Amounts and counts stay as typed (draftToInput reads them with parseMoney), bounded like any line. */
const typedNumber = () => singleLine({ max: 64 });

/**
 * The product editor's form (docs/decisions/030-forms-with-zod-and-conform.md): every field's limits and control
 * characters, the rows bounded by their counts, one intent. Editing a saved product needs the version it was opened on.
 */
export function productEditorForm({ editing }: { editing: boolean }) {
  return z.object({
    intent: editorIntent(INTENT),
    // A new product has no version to check.
    version: editing ? editVersion() : editVersion().optional(),
    title: singleLine(),
    handle: handleText(),
    descriptionHtml: multiline({ max: LIMITS.longText }),
    status: singleLine(),
    vendor: singleLine(),
    productType: singleLine(),
    // 250 tags of 255 characters, with their commas.
    tags: singleLine({ max: 65_000 }),
    seoTitle: seoTitle(),
    seoDescription: seoDescription(),
    optionCount: rowCount(MAX_OPTIONS + 1),
    options: numberedRows(z.object({ name: singleLine(), values: singleLine({ max: LIMITS.longText }) }), MAX_OPTIONS + 1),
    builtFrom: singleLine({ max: LIMITS.longText }),
    variantCount: rowCount(MAX_FORM_VARIANTS),
    variants: numberedRows(
      z.object({
        // The option's own field says when a value is too long.
        option: numberedRows(singleLine({ max: 1_000 }), MAX_OPTIONS),
        sku: singleLine(),
        price: typedNumber(),
        compareAtPrice: typedNumber(),
        inventoryQuantity: typedNumber(),
        weightGrams: typedNumber(),
        continueSelling: tickedBox(),
        selected: tickedBox(),
      }),
      MAX_FORM_VARIANTS,
    ),
    bulkAction: choice(BULK_KINDS, "Choose what to change.").optional(),
    bulkValue: typedNumber(),
    // Absent when the product had no images to list.
    imageCount: wholeNumber(UNREADABLE_FORM, { max: MAX_FORM_IMAGES }).optional(),
    images: numberedRows(z.object({ id: singleLine({ max: 20 }), alt: singleLine({ max: MAX_ALT_FIELD }), remove: tickedBox() }), MAX_FORM_IMAGES),
    newImages: numberedRows(z.object({ alt: singleLine({ max: MAX_ALT_FIELD }) }), MAX_FORM_IMAGES),
    filesKept: checkboxValue("1"),
  });
}

type ProductEditorForm = z.output<ReturnType<typeof productEditorForm>>;

/** The draft a form describes, its rows bounded by their counts; anything missing reads as blank. */
function draftOf({ text, ticked, count }: RowFields): ProductDraft {
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
    continueSelling: ticked(`variants.${i}.continueSelling`),
    weightGrams: text(`variants.${i}.weightGrams`),
    selected: ticked(`variants.${i}.selected`),
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

/** The image rows the form posted, in their order, or null when the form listed none (it had none to list). */
function imageRows(value: ProductEditorForm): { id: string; alt: string; remove: boolean }[] | null {
  if (value.imageCount === undefined) return null;
  return Array.from({ length: value.imageCount }, (_, i) => ({ id: "", alt: "", remove: false, ...value.images?.[i] }));
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

function bulkEditOf({ bulkAction, bulkValue }: ProductEditorForm): VariantBulkEdit | null {
  switch (bulkAction) {
    case "price":
    case "compareAtPrice":
    case "inventoryQuantity":
    case "weightGrams":
      return { kind: bulkAction, value: bulkValue };
    case "continueSelling":
    case "stopSelling":
    case "delete":
      return { kind: bulkAction };
    default:
      return null;
  }
}

// Fields the editor shows a message next to; any other refused field's message goes at the top of the form.
const FIELDS_WITH_MESSAGES =
  /^(title|handle|descriptionHtml|status|vendor|productType|tags|seoTitle|seoDescription|bulkValue)$|^options\.\d+\.(name|values)$|^variants\.\d+\.(sku|price|compareAtPrice|inventoryQuantity|weightGrams)$/;

/** Where the editor shows a refused field's message: a row's option values on the row, images together, else the top. */
function shownAt(name: string): string {
  const optionValue = /^variants\.(\d+)\.option\b/.exec(name);
  if (optionValue) return `variants.${optionValue[1]}.optionValues`;
  if (/^(images|newImages)\b/.test(name)) return "images";
  if (name === "bulkAction") return "bulk";
  return FIELDS_WITH_MESSAGES.test(name) ? name : "form";
}

function shownErrors(errors: FieldErrors): ProductErrors {
  const shown: ProductErrors = {};
  for (const [name, message] of Object.entries(errors)) shown[shownAt(name)] ??= message;
  return shown;
}

function resultOf(draft: ProductDraft, images: EditorImage[], errors: ProductErrors, notice: string | null, status = 200) {
  // What goes back into the page is what saving would keep, so the visual editor never renders raw input.
  const body: ProductEditorResult = {
    draft: { ...draft, descriptionHtml: sanitizeRichText(draft.descriptionHtml) },
    images,
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
  // With images chosen (or the page's drop zone) the form comes as multipart; without, urlencoded.
  let form: FormData;
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const read = await readImageForm(request);
    if ("refusal" in read) throw new Response(read.refusal, { status: read.status });
    form = read.form;
  } else {
    form = await request.formData();
  }
  const style = await moneyStyle(db);
  const base = `/admin/${shop.slug}/products`;
  const stored = productId ? await editorImages(db, productId, shop.slug) : [];
  // The files are read from the form as they came; the schema reads its text.
  const submitted = parseForm(textFields(form), productEditorForm({ editing: productId !== undefined }));
  if (!submitted.ok) {
    // What saving would also say about the typed draft, so every field's problem shows at once.
    const typed = draftToInput(draftOf(refusedFields(submitted.values)), style);
    const errors = { ...saveErrors(typed.errors, validateProduct(typed.input)), ...shownErrors(submitted.errors) };
    return resultOf(typed.draft, stored, errors, null, 400);
  }
  const fields = submitted.value;
  const { intent } = fields;
  const draft = draftOf(acceptedFields(fields));

  // The stored images in the posted order with the posted alt text; ids this product doesn't have are left out.
  const rows = imageRows(fields);
  const storedById = new Map(stored.map((image) => [image.id, image]));
  let images: EditorImage[] = rows
    ? rows.flatMap((row) => {
        const known = storedById.get(row.id);
        return known ? [{ ...known, alt: row.alt, remove: row.remove }] : [];
      })
    : stored;
  const files = chosenFiles(form, "newImages");
  // Without JavaScript a file input comes back empty after a round trip; with it, the page keeps the files.
  const filesLost = files.length && !fields.filesKept ? " Choose the new images again: they're kept only when you save." : "";
  const result = (d: ProductDraft, errors: ProductErrors, notice: string | null, status = 200) =>
    resultOf(d, images, errors, notice || filesLost ? `${notice ?? ""}${filesLost}`.trim() : null, status);

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
    const edit = bulkEditOf(fields);
    if (!edit) return result(draft, { bulk: "Choose what to change." }, null, 400);
    const applied = applyVariantBulkEdit(draft, edit, style);
    if (Object.keys(applied.errors).length) return result(draft, applied.errors, null, 400);
    const what = edit.kind === "delete" ? "Removed" : "Changed";
    return result(applied.draft, {}, `${what} ${applied.changed} variant${applied.changed === 1 ? "" : "s"}. Save to keep the change.`);
  }
  const imageMove = /^image-(up|down):(\d{1,3})$/.exec(intent);
  if (imageMove) {
    images = moveEditorImage(images, Number(imageMove[2]), imageMove[1] as "up" | "down");
    return result(draft, {}, "Image moved. Save to keep the order.");
  }
  if (intent !== "save") return result(draft, { form: "Unknown action." }, null, 400);

  const parsed = draftToInput(draft, style);
  const errors = saveErrors(parsed.errors, validateProduct(parsed.input));
  const edits: ImageEdits | null = rows && {
    kept: images.filter((image) => !image.remove).map(({ id, alt }) => ({ id, alt })),
    removed: images.filter((image) => image.remove).map((image) => image.id),
  };
  if (edits && images.length !== stored.length) errors.images = "The images changed while you were editing them: reload the page and try again.";
  const newAlts = files.map((_, n) => fields.newImages?.[n]?.alt ?? "");
  const { prepared, fileErrors } = await prepareFiles(files);
  if (fileErrors.length) errors.newImages = fileErrors.join(" ");
  const altError = [...images.map((image) => image.alt), ...newAlts].find((alt) => alt.trim().replace(/\s+/g, " ").length > MAX_ALT_LENGTH);
  if (altError !== undefined) errors.images = `Use at most ${MAX_ALT_LENGTH} characters of alt text.`;
  if (Object.keys(errors).length) return result(parsed.draft, errors, null, 400);
  try {
    const plan = await planOf(context.services.db, shop);
    const saved = await saveProduct(db, actor, parsed.input, productId, {
      productLimit: productId ? undefined : planLimit(plan, plan.max_products),
      expectedVersion: fields.version,
    });
    const done = `${base}/${saved.id}?${saved.created ? "created" : "saved"}=1`;
    const notSaved = await saveImagesOf(() =>
      saveImageEdits(
        db,
        context.services.media,
        actor,
        saved.id,
        shop.id,
        edits,
        prepared.map((image, n) => ({ image, alt: newAlts[n] })),
        { storageLimit: planLimit(plan, plan.max_storage_mb) },
      ),
    );
    throw redirect(notSaved ? `${done}&imagesNotSaved=${notSaved}` : done);
  } catch (error) {
    if (error instanceof PlanLimitError) return result(parsed.draft, { planLimit: error.message }, null, 403);
    if (error instanceof StaleEditError) {
      // Keep what was typed; the next save is made knowingly over the newer version.
      const current = await getProduct(db, productId!);
      const changes = current ? differingFields(parsed.input, current).map((label) => ({ label })) : [];
      return result(
        { ...parsed.draft, version: String(error.currentVersion) },
        { form: staleEditMessage(error, { note: ", or its stock changed with an order", changes }) },
        null,
        409,
      );
    }
    if (!(error instanceof ProductValidationError)) throw error;
    if (error.errors.product) throw new Response("Not found", { status: 404 });
    return result(parsed.draft, error.errors, null, 400);
  }
}

/** Saves the images after their product: a refusal now leaves the saved product and says why (an IMAGES_NOT_SAVED code). */
async function saveImagesOf(save: () => Promise<void>): Promise<keyof typeof IMAGES_NOT_SAVED | null> {
  try {
    await save();
    return null;
  } catch (error) {
    if (error instanceof PlanLimitError) return "storage";
    if (error instanceof ImageRejectedError) return error.field === "order" ? "changed" : "rejected";
    throw error;
  }
}
