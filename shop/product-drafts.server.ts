import type { ProductStatus } from "../db/types.ts";
import { amountProblem, exampleAmount, minorUnitDigits, parseMoney, toInputAmount, type MoneyStyle } from "./money.ts";
import { variantCombinations, type OptionInput, type ProductDetail, type ProductErrors, type ProductInput } from "./products.server.ts";

/**
 * The product editor's state as the merchant typed it: every value a string,
 * so a bad price comes back to the form as typed, next to its error. Generating
 * variants and bulk edits work on a draft; only saving turns it into a
 * ProductInput and writes it.
 */
export interface ProductDraft {
  title: string;
  handle: string;
  descriptionHtml: string;
  status: string;
  vendor: string;
  productType: string;
  /** Comma-separated, as typed. */
  tags: string;
  seoTitle: string;
  seoDescription: string;
  options: OptionDraft[];
  /** The options the variant rows were built from: when the options differ, saving rebuilds the rows first. */
  builtFrom: OptionInput[];
  variants: VariantDraft[];
  /** The product version the form was opened on ("" for a new product): saving over a newer one is refused. */
  version: string;
}

export interface OptionDraft {
  name: string;
  /** Comma-separated, as typed. */
  values: string;
}

export interface VariantDraft {
  /** Values of the options in `builtFrom`, in that order. */
  optionValues: string[];
  sku: string;
  price: string;
  compareAtPrice: string;
  inventoryQuantity: string;
  continueSelling: boolean;
  weightGrams: string;
  /** Ticked for a bulk edit. */
  selected: boolean;
}

export type VariantBulkEdit =
  | { kind: "price" | "compareAtPrice" | "inventoryQuantity" | "weightGrams"; value: string }
  | { kind: "continueSelling" }
  | { kind: "stopSelling" }
  | { kind: "delete" };

const MAX_VARIANTS = 2000;
/** Options multiply variants, so more than this many could only ever describe a product by accident. */
export const MAX_OPTIONS = 20;

export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function draftOptions(draft: ProductDraft): OptionInput[] {
  return draft.options.map((o) => ({ name: o.name.trim(), values: splitList(o.values) }));
}

function blankVariant(optionValues: string[]): VariantDraft {
  return { optionValues, sku: "", price: "", compareAtPrice: "", inventoryQuantity: "0", continueSelling: false, weightGrams: "0", selected: false };
}

/** A new product, with Shopify's defaults: active, its stock counted from 0, not sold once out of stock. */
export function emptyProductDraft(): ProductDraft {
  return {
    title: "",
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: "",
    seoTitle: "",
    seoDescription: "",
    options: [],
    builtFrom: [],
    variants: [blankVariant([])],
    version: "",
  };
}

export function draftFromProduct(product: ProductDetail, style: MoneyStyle): ProductDraft {
  return {
    title: product.title,
    handle: product.handle,
    descriptionHtml: product.descriptionHtml,
    status: product.status,
    vendor: product.vendor,
    productType: product.productType,
    tags: product.tags.join(", "),
    seoTitle: product.seoTitle,
    seoDescription: product.seoDescription,
    options: product.options.map((o) => ({ name: o.name, values: o.values.join(", ") })),
    builtFrom: product.options,
    version: String(product.version),
    variants: product.variants.map((v) => ({
      optionValues: v.optionValues,
      sku: v.sku,
      price: toInputAmount(v.price, style.currency, style.locale),
      compareAtPrice: v.compareAtPrice === null ? "" : toInputAmount(v.compareAtPrice, style.currency, style.locale),
      inventoryQuantity: String(v.inventoryQuantity),
      continueSelling: v.continueSelling,
      weightGrams: String(v.weightGrams),
      selected: false,
    })),
  };
}

/** What to type for an amount in this currency and notation, e.g. "like 12,50" or "in whole yen". */
export function amountHint(style: MoneyStyle): string {
  return minorUnitDigits(style.currency) === 0
    ? `Enter a whole amount in ${style.currency}, like 1200.`
    : `Enter an amount in ${style.currency}, like ${exampleAmount(style)}.`;
}

/** A typed price: minor units, or the message the field shows. */
function readAmount(text: string, style: MoneyStyle): { amount: bigint } | { problem: string } {
  const result = parseMoney(text, style);
  return result.ok ? { amount: result.value } : { problem: amountProblem(result, amountHint(style)) };
}

function parseWholeNumber(text: string, { allowNegative }: { allowNegative: boolean }): number | null {
  const clean = text.trim();
  if (!clean) return 0;
  if (!(allowNegative ? /^-?\d{1,10}$/ : /^\d{1,10}$/).test(clean)) return null;
  return Number(clean);
}

/** Options are usable for variants once each has a distinct name and at least one value. */
function optionsAreComplete(options: OptionInput[]): boolean {
  const names = options.map((o) => o.name.toLowerCase());
  return options.every((o) => o.name && o.values.length) && new Set(names).size === names.length;
}

function optionsEqual(a: OptionInput[], b: OptionInput[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The ProductInput a draft describes, plus the errors parsing found (prices
 * in the shop's currency, whole numbers). Rows built for other options are
 * rebuilt first, keeping their data, so changing options and saving just works.
 */
export function draftToInput(draft: ProductDraft, style: MoneyStyle): { input: ProductInput; errors: ProductErrors; draft: ProductDraft } {
  const errors: ProductErrors = {};
  const options = draftOptions(draft);
  if (options.length > MAX_OPTIONS) errors.options = `Use at most ${MAX_OPTIONS} options.`;
  if (!optionsEqual(options, draft.builtFrom) && optionsAreComplete(options)) {
    const rebuilt = regenerateVariants(draft);
    if (rebuilt.error) errors.options = rebuilt.error;
    else draft = rebuilt.draft;
  }

  const variants = draft.variants.map((v, i) => {
    const price = v.price.trim() ? readAmount(v.price, style) : { problem: "Enter a price." };
    if ("problem" in price) errors[`variants.${i}.price`] = price.problem;
    const compareAt = v.compareAtPrice.trim() ? readAmount(v.compareAtPrice, style) : null;
    if (compareAt && "problem" in compareAt) errors[`variants.${i}.compareAtPrice`] = compareAt.problem;
    const inventoryQuantity = parseWholeNumber(v.inventoryQuantity, { allowNegative: true });
    if (inventoryQuantity === null) errors[`variants.${i}.inventoryQuantity`] = "Enter a whole number.";
    const weightGrams = parseWholeNumber(v.weightGrams, { allowNegative: false });
    if (weightGrams === null) errors[`variants.${i}.weightGrams`] = "Enter a weight in whole grams.";
    return {
      optionValues: v.optionValues,
      sku: v.sku,
      price: "amount" in price ? price.amount : 0n,
      compareAtPrice: compareAt && "amount" in compareAt ? compareAt.amount : null,
      inventoryQuantity: inventoryQuantity ?? 0,
      continueSelling: v.continueSelling,
      weightGrams: weightGrams ?? 0,
    };
  });

  const input: ProductInput = {
    title: draft.title,
    handle: draft.handle,
    descriptionHtml: draft.descriptionHtml,
    // validateProduct names an unknown status.
    status: draft.status as ProductStatus,
    vendor: draft.vendor,
    productType: draft.productType,
    tags: splitList(draft.tags),
    seoTitle: draft.seoTitle,
    seoDescription: draft.seoDescription,
    options,
    variants,
  };
  return { input, errors, draft };
}

/**
 * One row per combination of the draft's options. A row keeps all the data
 * of the existing variant with the same values (options matched by name, or
 * by position when renamed); a new option's first value inherits the old
 * rows, and other new combinations start from the closest existing variant's
 * (or else the first variant's) price, compare-at price, weight and selling
 * rule, with no SKU or stock.
 */
export function regenerateVariants(draft: ProductDraft): { draft: ProductDraft; error?: string } {
  const options = draftOptions(draft);
  if (!optionsAreComplete(options)) return { draft, error: "Give every option a distinct name and at least one value first." };
  const count = options.reduce((n, o) => n * o.values.length, 1);
  if (count > MAX_VARIANTS) return { draft, error: `These options make ${count} combinations; a product can have at most ${MAX_VARIANTS} variants.` };

  const oldNames = draft.builtFrom.map((o) => o.name.trim().toLowerCase());
  const newNames = options.map((o) => o.name.toLowerCase());
  // For each new option, the position of the same option among the old ones, or -1 for a new option.
  const mapping = newNames.map((name, i) => {
    const byName = oldNames.indexOf(name);
    if (byName >= 0) return byName;
    return i < oldNames.length && !newNames.includes(oldNames[i]) ? i : -1;
  });

  const variants = variantCombinations(options).map((combo) => {
    let best: VariantDraft | undefined;
    let bestScore = -1;
    let keeps = false;
    for (const variant of draft.variants) {
      let score = 0;
      let conflicts = false;
      mapping.forEach((old, i) => {
        if (old < 0 || old >= variant.optionValues.length) return;
        if (sameText(variant.optionValues[old], combo[i])) score++;
        else conflicts = true;
      });
      if (conflicts || score <= bestScore) continue;
      best = variant;
      bestScore = score;
      // Same values on every old option, and the first value of every new one.
      keeps = mapping.every((old, i) => (old >= 0 ? old < variant.optionValues.length : combo[i] === options[i].values[0]));
    }
    if (best && keeps) return { ...best, optionValues: combo, selected: false };
    const row = blankVariant(combo);
    // A brand-new value (Green, where only Red and Blue existed) starts from the first variant's price.
    const template = best ?? draft.variants[0];
    return template
      ? { ...row, price: template.price, compareAtPrice: template.compareAtPrice, weightGrams: template.weightGrams, continueSelling: template.continueSelling }
      : row;
  });
  return { draft: { ...draft, builtFrom: options, variants } };
}

/** Applies one change to every ticked variant row; the draft still has to be saved. */
export function applyVariantBulkEdit(
  draft: ProductDraft,
  edit: VariantBulkEdit,
  style: MoneyStyle,
): { draft: ProductDraft; errors: ProductErrors; changed: number } {
  const selected = draft.variants.filter((v) => v.selected).length;
  if (!selected) return { draft, errors: { bulk: "Tick the variants to change first." }, changed: 0 };
  if (edit.kind === "delete") {
    if (selected === draft.variants.length) return { draft, errors: { bulk: "A product needs at least one variant; keep one." }, changed: 0 };
    return { draft: { ...draft, variants: draft.variants.filter((v) => !v.selected) }, errors: {}, changed: selected };
  }
  if (edit.kind === "continueSelling" || edit.kind === "stopSelling") {
    const continueSelling = edit.kind === "continueSelling";
    return { draft: { ...draft, variants: draft.variants.map((v) => (v.selected ? { ...v, continueSelling } : v)) }, errors: {}, changed: selected };
  }
  const value = edit.value.trim();
  let problem: string | null = null;
  const amount = (text: string) => {
    const read = readAmount(text, style);
    return "problem" in read ? read.problem : null;
  };
  if (edit.kind === "price") problem = amount(value);
  if (edit.kind === "compareAtPrice") problem = value ? amount(value) : null;
  if (edit.kind === "inventoryQuantity") problem = value && parseWholeNumber(value, { allowNegative: true }) !== null ? null : "Enter a whole number.";
  if (edit.kind === "weightGrams") problem = value && parseWholeNumber(value, { allowNegative: false }) !== null ? null : "Enter a weight in whole grams.";
  if (problem) return { draft, errors: { bulkValue: problem }, changed: 0 };
  return { draft: { ...draft, variants: draft.variants.map((v) => (v.selected ? { ...v, [edit.kind]: value } : v)) }, errors: {}, changed: selected };
}
