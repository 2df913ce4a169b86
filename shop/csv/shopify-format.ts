import type { ProductStatus } from "../../db/types.ts";
import { decimalMark, exampleAmount, minorUnitDigits, parseMoney, toDecimalString, type MoneyStyle } from "../money.ts";
import type { ProductDetail, ProductErrors, ProductInput, VariantInput } from "../products.server.ts";
import { validateProduct, variantTitle } from "../products.server.ts";

/**
 * Shopify's product CSV: the columns we read and write, in Shopify's order.
 * Files may carry more (Google Shopping, Cost per item, …); they are accepted and ignored.
 */
export const SHOPIFY_COLUMNS = [
  "Handle",
  "Title",
  "Body (HTML)",
  "Vendor",
  "Product Category",
  "Type",
  "Tags",
  "Published",
  "Option1 Name",
  "Option1 Value",
  "Option2 Name",
  "Option2 Value",
  "Option3 Name",
  "Option3 Value",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Tracker",
  "Variant Inventory Qty",
  "Variant Inventory Policy",
  "Variant Fulfillment Service",
  "Variant Price",
  "Variant Compare At Price",
  "Variant Requires Shipping",
  "Variant Taxable",
  "Variant Barcode",
  "Image Src",
  "Image Position",
  "Image Alt Text",
  "Gift Card",
  "SEO Title",
  "SEO Description",
  "Variant Image",
  "Variant Weight Unit",
  "Status",
] as const;

export type ShopifyColumn = (typeof SHOPIFY_COLUMNS)[number];

const MAX_OPTIONS = 3;
const optionName = (n: number) => `Option${n} Name` as ShopifyColumn;
const optionValue = (n: number) => `Option${n} Value` as ShopifyColumn;

/** A row after the first carries a variant when any of these is filled; otherwise it only adds an image. */
const VARIANT_COLUMNS: ShopifyColumn[] = [
  "Option1 Value",
  "Option2 Value",
  "Option3 Value",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Qty",
  "Variant Price",
  "Variant Compare At Price",
  "Variant Barcode",
];

/** Columns that, when a file lacks them, keep the updated product's current values. */
export const COLUMNS_KEPT_WHEN_MISSING: ShopifyColumn[] = [
  "Title",
  "Body (HTML)",
  "Vendor",
  "Type",
  "Tags",
  "SEO Title",
  "SEO Description",
  "Status",
  "Option1 Name",
  "Variant Price",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Qty",
  "Variant Inventory Policy",
  "Variant Compare At Price",
];

/** One record of the file; `line` is the line of the file it starts on, as a merchant sees it in an editor. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** A problem tied to a line of the file. */
export interface RowIssue {
  line: number;
  handle: string;
  message: string;
}

/** Column name → position, matched without regard to case or surrounding spaces. */
export class CsvHeader {
  private readonly positions = new Map<string, number>();

  constructor(names: string[]) {
    names.forEach((name, i) => {
      const key = name.trim().toLowerCase();
      if (!this.positions.has(key)) this.positions.set(key, i);
    });
  }

  has(column: ShopifyColumn): boolean {
    return this.positions.has(column.toLowerCase());
  }

  /** The cell, or "" when the column is missing or the row is short. */
  get(row: CsvRow, column: ShopifyColumn): string {
    const i = this.positions.get(column.toLowerCase());
    return i === undefined ? "" : (row.cells[i] ?? "");
  }
}

export function handleOf(header: CsvHeader, row: CsvRow): string {
  return header.get(row, "Handle").trim();
}

/** An image a product's rows ask for; fetched after the product is saved. */
export interface PlannedImage {
  line: number;
  src: string;
  alt: string;
}

export type ProductPlan =
  | {
      ok: true;
      input: ProductInput;
      /** The line each of `input.variants` came from, in the same order. */
      variantLines: number[];
      /** In display order. */
      images: PlannedImage[];
      /** Per variant: the Variant Image URL to link once images are stored, or null. */
      variantImages: (string | null)[];
      warnings: RowIssue[];
    }
  | { ok: false; errors: RowIssue[]; warnings: RowIssue[] };

interface PlanContext {
  header: CsvHeader;
  /** The shop's currency and locale, which prices are read in. */
  money: MoneyStyle;
  /** The shop's product with this handle, when the file updates it: fills in columns the file lacks. */
  existing: ProductDetail | null;
}

/**
 * Turns one product's rows (all sharing a Handle, first row first) into the
 * input for saveProduct, checking every cell; each problem names its line.
 */
export function planProduct(handle: string, rows: CsvRow[], { header, money, existing }: PlanContext): ProductPlan {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const first = rows[0];
  const fail = (line: number, message: string) => errors.push({ line, handle, message });
  const cell = (row: CsvRow, column: ShopifyColumn) => header.get(row, column);
  /** A product-level column: the first row's cell, or the existing product's value when the file has no such column. */
  const productField = (column: ShopifyColumn, current: string | undefined, fallback = "") =>
    header.has(column) ? cell(first, column) : (current ?? fallback);

  const title = productField("Title", existing?.title).trim();
  if (!title) fail(first.line, "Title is empty: the first row of each product needs one.");
  const tags = header.has("Tags") ? splitTags(cell(first, "Tags")) : (existing?.tags ?? []);
  const status = readStatus(header, first, existing?.status, fail);

  // Options are named on the first row. Shopify writes a product without options as Title = "Default Title".
  // A file without Option Name columns (say, stock levels only) keeps the updated product's option names.
  const names: string[] = header.has("Option1 Name") ? [] : (existing?.options.map((o) => o.name) ?? []);
  for (let n = 1; n <= MAX_OPTIONS; n++) {
    const name = cell(first, optionName(n)).trim();
    if (name && names.length < n - 1) fail(first.line, `Option${n} Name is given but Option${n - 1} Name is empty.`);
    if (name) names.push(name);
  }
  const defaultTitleOnly = names.length === 1 && names[0] === "Title" && cell(first, "Option1 Value").trim() === "Default Title";
  if (defaultTitleOnly) names.length = 0;

  const optionValues = names.map(() => [] as string[]);
  const variants: VariantInput[] = [];
  const variantLines: number[] = [];
  const variantImages: (string | null)[] = [];
  const combos = new Map<string, number>();
  // Images: every Image Src in Position order (then row order), then Variant Image addresses not listed there.
  const images: (PlannedImage & { position: number | null })[] = [];
  const imageSources = new Set<string>();
  const addImage = (line: number, src: string, alt: string, position: number | null) => {
    if (imageSources.has(src)) return;
    if (!/^https?:\/\/\S+$/i.test(src)) {
      warnings.push({ line, handle, message: `Image "${src}" not added: it isn't a web address (http:// or https://).` });
      return;
    }
    imageSources.add(src);
    images.push({ line, src, alt, position });
  };
  for (const row of rows) {
    const src = cell(row, "Image Src").trim();
    if (!src) continue;
    const positionText = cell(row, "Image Position").trim();
    const position = /^\d{1,6}$/.test(positionText) && Number(positionText) > 0 ? Number(positionText) : null;
    if (positionText && position === null)
      warnings.push({ line: row.line, handle, message: `Image Position "${positionText}" ignored: use a whole number from 1.` });
    addImage(row.line, src, cell(row, "Image Alt Text").trim(), position);
  }
  // Stable: images without a position keep their row order, after those with one.
  images.sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));

  rows.forEach((row, index) => {
    if (index > 0 && !VARIANT_COLUMNS.some((column) => cell(row, column).trim())) return;

    const values: string[] = [];
    let valuesOk = true;
    for (let n = 1; n <= MAX_OPTIONS; n++) {
      const value = cell(row, optionValue(n)).trim();
      if (n <= names.length) {
        if (!value) {
          fail(row.line, `Option${n} Value is empty: give this variant's ${names[n - 1]}.`);
          valuesOk = false;
        } else {
          // "red" on a later row is the same value as "Red": keep the first spelling.
          const known = optionValues[n - 1].find((v) => v.toLowerCase() === value.toLowerCase());
          if (!known) optionValues[n - 1].push(value);
          values.push(known ?? value);
        }
      } else if (value && !(defaultTitleOnly && n === 1 && value === "Default Title")) {
        fail(row.line, `Option${n} Value "${value}" has no Option${n} Name on the product's first row.`);
        valuesOk = false;
      }
    }
    if (!valuesOk) return;
    const key = JSON.stringify(values.map((v) => v.toLowerCase()));
    const earlier = combos.get(key);
    if (earlier !== undefined) {
      fail(
        row.line,
        names.length
          ? `Same options as line ${earlier} (${variantTitle(values)}): each variant needs its own combination.`
          : `A product without options has one variant, already given on line ${earlier}.`,
      );
      return;
    }
    combos.set(key, row.line);
    const variant = readVariant(row, values, { header, money, existing, fail });
    if (!variant) return;
    variants.push(variant);
    variantLines.push(row.line);
    const variantImage = cell(row, "Variant Image").trim();
    variantImages.push(variantImage || null);
    if (variantImage) addImage(row.line, variantImage, "", null);
  });

  const input: ProductInput = {
    title,
    handle,
    descriptionHtml: productField("Body (HTML)", existing?.descriptionHtml),
    status,
    vendor: productField("Vendor", existing?.vendor),
    productType: productField("Type", existing?.productType),
    tags,
    seoTitle: productField("SEO Title", existing?.seoTitle),
    seoDescription: productField("SEO Description", existing?.seoDescription),
    options: names.map((name, i) => ({ name, values: optionValues[i] })),
    variants,
  };
  if (errors.length) return { ok: false, errors, warnings };

  const validation = productErrorsToIssues(validateProduct(input), handle, first.line, variantLines);
  if (validation.length) return { ok: false, errors: validation, warnings };

  return { ok: true, input, variantLines, images: images.map(({ line, src, alt }) => ({ line, src, alt })), variantImages, warnings };
}

function readStatus(header: CsvHeader, first: CsvRow, current: ProductStatus | undefined, fail: (line: number, message: string) => void): ProductStatus {
  const statusText = header.get(first, "Status").trim().toLowerCase();
  if (statusText) {
    if (statusText === "active" || statusText === "draft" || statusText === "archived") return statusText;
    fail(first.line, `Status "${header.get(first, "Status").trim()}" must be active, draft or archived.`);
    return "draft";
  }
  // Files from before Shopify had a Status column say only whether the product is published.
  const published = header.get(first, "Published").trim();
  if (published) {
    const flag = readBoolean(published);
    if (flag === null) fail(first.line, `Published "${published}" must be TRUE or FALSE.`);
    return flag === false ? "draft" : "active";
  }
  if (!header.has("Status") && !header.has("Published") && current) return current;
  return "active";
}

interface VariantContext extends PlanContext {
  fail: (line: number, message: string) => void;
}

function readVariant(row: CsvRow, values: string[], { header, money, existing, fail }: VariantContext): VariantInput | null {
  const cell = (column: ShopifyColumn) => header.get(row, column).trim();
  const current = existing?.variants.find((v) => JSON.stringify(v.optionValues) === JSON.stringify(values));
  let ok = true;
  const problem = (message: string) => {
    fail(row.line, message);
    ok = false;
  };

  let price = current?.price ?? 0;
  if (header.has("Variant Price")) {
    const text = cell("Variant Price");
    if (!text) problem("Variant Price is empty.");
    else {
      const parsed = readPrice(text, money, "Variant Price");
      if (typeof parsed === "string") problem(parsed);
      else price = parsed;
    }
  } else if (!current) {
    problem("The file has no Variant Price column, and this variant is new.");
  }

  let compareAtPrice = current?.compareAtPrice ?? null;
  if (header.has("Variant Compare At Price")) {
    const text = cell("Variant Compare At Price");
    const parsed = text ? readPrice(text, money, "Variant Compare At Price") : null;
    if (typeof parsed === "string") problem(parsed);
    else compareAtPrice = parsed;
  }

  let inventoryQuantity = current?.inventoryQuantity ?? 0;
  if (header.has("Variant Inventory Qty")) {
    const text = cell("Variant Inventory Qty");
    if (text && !/^-?\d{1,9}$/.test(text)) problem(`Variant Inventory Qty "${text}" must be a whole number.`);
    else inventoryQuantity = text ? Number(text) : 0;
  }

  let weightGrams = current?.weightGrams ?? 0;
  if (header.has("Variant Grams")) {
    const text = cell("Variant Grams");
    if (text && !/^\d{1,9}(\.\d+)?$/.test(text)) problem(`Variant Grams "${text}" must be a weight in grams, zero or more.`);
    else weightGrams = text ? Math.round(Number(text)) : 0;
  }

  let continueSelling = current?.continueSelling ?? false;
  if (header.has("Variant Inventory Policy")) {
    const policy = cell("Variant Inventory Policy").toLowerCase();
    if (policy && policy !== "deny" && policy !== "continue")
      problem(`Variant Inventory Policy "${cell("Variant Inventory Policy")}" must be deny or continue.`);
    else continueSelling = policy === "continue";
  }
  // Shopify leaves the tracker empty for stock it doesn't count: such a variant never sells out.
  if (header.has("Variant Inventory Tracker") && !cell("Variant Inventory Tracker")) continueSelling = true;

  if (!ok) return null;
  const sku = header.has("Variant SKU") ? cell("Variant SKU") : (current?.sku ?? "");
  // A blank Variant Image clears the link; a URL is linked once the image is stored.
  const imageId = header.has("Variant Image") && !cell("Variant Image") ? null : undefined;
  return { optionValues: values, sku, price, compareAtPrice, inventoryQuantity, continueSelling, weightGrams, imageId };
}

/**
 * A CSV price, read like a typed one in the shop's locale (`parseMoney`), so a Shopify
 * export (`12.50`) and a file saved by a spreadsheet in the shop's language (`12,50`)
 * both work. Zeros past the currency's decimals are fine ("1200.00" in JPY: Shopify
 * writes two decimals for every currency); other extra decimals are refused, never rounded.
 * Returns minor units, or a message naming the column.
 */
export function readPrice(text: string, money: MoneyStyle, column: string): bigint | string {
  const result = parseMoney(text, money, { extraZeros: true });
  if (result.ok) return result.value;
  const digits = minorUnitDigits(money.currency);
  const example = exampleAmount(money);
  const mark = decimalMark(money.locale) === "." ? "a dot" : "a comma";
  if (result.problem === "decimals")
    return digits
      ? `${column} "${text}" has more than ${digits} decimals, the most ${money.currency} allows.`
      : `${column} "${text}" has decimals, but ${money.currency} has no minor unit: use whole numbers, like ${example}.`;
  if (result.problem === "empty" || result.problem === "format" || result.problem === "negative")
    return `${column} "${text}" isn't an amount: use digits and ${mark} for decimals, like ${example}.`;
  return `${column} "${text}": ${result.message}`;
}

function readBoolean(text: string): boolean | null {
  const lower = text.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return null;
}

function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

const FIELD_COLUMNS: Record<string, string> = {
  title: "Title",
  handle: "Handle",
  status: "Status",
  seoTitle: "SEO Title",
  seoDescription: "SEO Description",
  price: "Variant Price",
  compareAtPrice: "Variant Compare At Price",
  inventoryQuantity: "Variant Inventory Qty",
  weightGrams: "Variant Grams",
  sku: "Variant SKU",
  optionValues: "Option values",
};

/** saveProduct's field errors ("variants.2.price") as issues on the lines those fields came from. */
export function productErrorsToIssues(errors: ProductErrors, handle: string, firstLine: number, variantLines: number[]): RowIssue[] {
  return Object.entries(errors).map(([field, message]) => {
    const parts = field.split(".");
    if (parts[0] === "variants" && parts.length === 3) {
      const line = variantLines[Number(parts[1])] ?? firstLine;
      return { line, handle, message: `${FIELD_COLUMNS[parts[2]] ?? parts[2]}: ${message}` };
    }
    if (parts[0] === "options" && parts.length === 3) {
      const n = Number(parts[1]) + 1;
      return { line: firstLine, handle, message: `Option${n} ${parts[2] === "name" ? "Name" : "Value"}: ${message}` };
    }
    const column = FIELD_COLUMNS[field];
    return { line: firstLine, handle, message: column ? `${column}: ${message}` : message };
  });
}

/** A product as the export writes it: stored values plus absolute image URLs. */
export interface ExportProduct {
  handle: string;
  title: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: ProductStatus;
  seoTitle: string;
  seoDescription: string;
  options: { name: string; values: string[] }[];
  variants: {
    optionValues: string[];
    sku: string;
    price: string;
    compareAtPrice: string | null;
    inventoryQuantity: number;
    continueSelling: boolean;
    weightGrams: number;
    imageUrl: string | null;
  }[];
  images: { url: string; alt: string }[];
}

/**
 * A product's rows in Shopify's layout: the first row carries the product,
 * row i carries variant i and image i, and extra images get rows of their own.
 */
export function productToRows(product: ExportProduct, currency: string): string[][] {
  const rows: string[][] = [];
  const count = Math.max(product.variants.length, product.images.length, 1);
  for (let i = 0; i < count; i++) {
    const row: Partial<Record<ShopifyColumn, string>> = { Handle: product.handle };
    if (i === 0) {
      Object.assign(row, {
        Title: product.title,
        "Body (HTML)": product.descriptionHtml,
        Vendor: product.vendor,
        Type: product.productType,
        Tags: product.tags.join(", "),
        Published: product.status === "active" ? "TRUE" : "FALSE",
        "Gift Card": "FALSE",
        "SEO Title": product.seoTitle,
        "SEO Description": product.seoDescription,
        Status: product.status,
      });
      if (product.options.length) product.options.forEach((o, n) => (row[optionName(n + 1)] = o.name));
      else row["Option1 Name"] = "Title";
    }
    const variant = product.variants[i];
    if (variant) {
      if (product.options.length) variant.optionValues.forEach((v, n) => (row[optionValue(n + 1)] = v));
      else row["Option1 Value"] = "Default Title";
      Object.assign(row, {
        "Variant SKU": variant.sku,
        "Variant Grams": String(variant.weightGrams),
        "Variant Inventory Tracker": "shopify",
        "Variant Inventory Qty": String(variant.inventoryQuantity),
        "Variant Inventory Policy": variant.continueSelling ? "continue" : "deny",
        "Variant Fulfillment Service": "manual",
        "Variant Price": toDecimalString(variant.price, currency),
        "Variant Compare At Price": variant.compareAtPrice === null ? "" : toDecimalString(variant.compareAtPrice, currency),
        "Variant Requires Shipping": "TRUE",
        "Variant Taxable": "TRUE",
        "Variant Image": variant.imageUrl ?? "",
        "Variant Weight Unit": "g",
      });
    }
    const image = product.images[i];
    if (image) Object.assign(row, { "Image Src": image.url, "Image Position": String(i + 1), "Image Alt Text": image.alt });
    rows.push(SHOPIFY_COLUMNS.map((column) => row[column] ?? ""));
  }
  return rows;
}
