import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import type { TenantDb } from "../../tenants/handle.server.ts";
import type { Actor } from "../audit.server.ts";
import { addProductImage, fetchImageFromUrl, ImageRejectedError, setVariantImages, type FetchImageOptions } from "../media.server.ts";
import { PlanLimitError, type PlanLimit } from "../../tenants/plan-limits.ts";
import { getProduct, ProductValidationError, saveProduct } from "../products.server.ts";
import type { MediaStorage } from "../storage.server.ts";
import {
  COLUMNS_KEPT_WHEN_MISSING,
  CsvHeader,
  handleOf,
  planProduct,
  productErrorsToIssues,
  type CsvRow,
  type ProductPlan,
  type RowIssue,
} from "./shopify-format.ts";
import type { MoneyStyle } from "../money.ts";

export interface ImportReport {
  created: number;
  updated: number;
  skipped: number;
  /** Problems that kept a product out; each names its line. */
  errors: RowIssue[];
  /** Problems that didn't: images that couldn't be added, cells that were ignored. */
  warnings: RowIssue[];
  /** Images not stored because the plan's storage was full (each is also a warning naming its line). */
  imagesOverStorageLimit: number;
  /** Errors and warnings past the first MAX_LISTED_ISSUES of each: counted, not listed. */
  unlisted: number;
}

/** The file is not a CSV we can read at all: nothing was imported. */
export class CsvFileError extends Error {}

export interface ImportOptions {
  shopId: string;
  /** The shop's currency and locale (`moneyStyle`): prices are read as the merchant would type them. */
  money: MoneyStyle;
  storage: MediaStorage;
  /** Called as rows are done, at most every PROGRESS_INTERVAL_MS and once at the end. */
  onProgress?: (processedRows: number, totalRows: number) => Promise<void> | void;
  /** Called once the first pass has counted the rows, before any product is written. */
  onCounted?: (totalRows: number) => Promise<void> | void;
  imageFetch?: FetchImageOptions;
  /** The shop's plan limit on products: rows that would create one more are skipped with a message. */
  productLimit?: PlanLimit;
  /** The plan's storage limit: images are stored until the next one would pass it; the rest are reported by line. */
  storageLimit?: PlanLimit;
}

const MAX_LISTED_ISSUES = 1000;
const PROGRESS_INTERVAL_MS = 250;
const PRODUCTS_AT_ONCE = 4;
/** More rows than any product can use (2,000 variants plus images); past this a handle's rows are dropped. */
const MAX_ROWS_PER_PRODUCT = 5000;
/** After this many failed downloads in a row from one host, the rest from it are skipped rather than waited for. */
const MAX_HOST_FAILURES = 3;
const IMAGE_TIMEOUT_MS = 15_000;

/** The rows of a CSV, with the line each starts on; csv-parse streams, so only a chunk is in memory at a time. */
async function* readRows(open: () => Readable): AsyncGenerator<CsvRow> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  pipeline(open(), parser, () => {});
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
      previousEnd = info.lines;
      previousEmpty = info.empty_lines;
      yield { line, cells: record };
    }
  } catch (error) {
    if (error instanceof Error && "code" in error && String(error.code).startsWith("CSV_"))
      throw new CsvFileError(`This isn't a readable CSV file: ${error.message}`);
    throw error;
  }
}

/** Spreadsheets often leave rows of empty cells at the end. */
const isBlank = (row: CsvRow) => row.cells.every((c) => !c.trim());

interface Scan {
  header: CsvHeader;
  totalRows: number;
  /** Handles whose rows are not all together, each with its last line. */
  scattered: Map<string, number>;
}

/**
 * First pass: checks the header, counts the rows and finds handles whose rows
 * are split up. Shopify lists a product's rows together; when a file doesn't,
 * those products are held back until their last row (only theirs are buffered).
 */
async function scan(open: () => Readable): Promise<Scan> {
  let header: CsvHeader | null = null;
  let totalRows = 0;
  const lastLine = new Map<string, number>();
  const scatteredHandles = new Set<string>();
  let previous = "";
  for await (const row of readRows(open)) {
    if (!header) {
      if (!row.cells.some((c) => c.trim().toLowerCase() === "handle")) {
        throw new CsvFileError("The first row has no Handle column: is this a Shopify product CSV?");
      }
      header = new CsvHeader(row.cells);
      continue;
    }
    if (isBlank(row)) continue;
    totalRows++;
    const handle = handleOf(header, row);
    if (handle !== previous && lastLine.has(handle)) scatteredHandles.add(handle);
    lastLine.set(handle, row.line);
    previous = handle;
  }
  if (!header) throw new CsvFileError("The file is empty.");
  scatteredHandles.delete("");
  return { header, totalRows, scattered: new Map([...scatteredHandles].map((h) => [h, lastLine.get(h)!])) };
}

/** Second pass: each product's rows, in file order; a product is yielded once its last row is read. */
async function* productGroups(open: () => Readable, { header, scattered }: Scan): AsyncGenerator<{ handle: string; rows: CsvRow[]; dropped: number }> {
  let current: { handle: string; rows: CsvRow[]; dropped: number } | null = null;
  const held = new Map<string, { handle: string; rows: CsvRow[]; dropped: number }>();
  const add = (group: { rows: CsvRow[]; dropped: number }, row: CsvRow) => {
    if (group.rows.length < MAX_ROWS_PER_PRODUCT) group.rows.push(row);
    else group.dropped++;
  };
  let first = true;
  for await (const row of readRows(open)) {
    if (first) {
      first = false;
      continue;
    }
    if (isBlank(row)) continue;
    const handle = handleOf(header, row);
    const lastLine = scattered.get(handle);
    if (lastLine !== undefined) {
      const group = held.get(handle) ?? { handle, rows: [], dropped: 0 };
      add(group, row);
      held.set(handle, group);
      if (row.line === lastLine) {
        held.delete(handle);
        yield group;
      }
      continue;
    }
    if (current && current.handle !== handle) yield current;
    if (!current || current.handle !== handle) current = { handle, rows: [], dropped: 0 };
    add(current, row);
  }
  if (current) yield current;
}

/**
 * Imports a Shopify product CSV into one shop: each handle's rows become one
 * product, created or (same handle) updated through saveProduct, so a product
 * with any bad row is skipped whole and reported line by line. Images are
 * downloaded after their product is saved; one that can't be is a warning.
 * `open` is called twice (a counting pass, then the import) and must give the
 * same bytes each time.
 */
export async function importProductsCsv(db: TenantDb, actor: Actor, open: () => Readable, options: ImportOptions): Promise<ImportReport> {
  const scanned = await scan(open);
  await options.onCounted?.(scanned.totalRows);
  const report: ImportReport = { created: 0, updated: 0, skipped: 0, errors: [], warnings: [], imagesOverStorageLimit: 0, unlisted: 0 };
  const note = (list: RowIssue[], issues: RowIssue[]) => {
    for (const issue of issues) {
      if (list.length < MAX_LISTED_ISSUES) list.push(issue);
      else report.unlisted++;
    }
  };
  const images = new ImageFetcher(options.imageFetch);
  const needsExisting = COLUMNS_KEPT_WHEN_MISSING.some((column) => !scanned.header.has(column));

  const context: ProductContext = { ...options, header: scanned.header, needsExisting, images, report, note };
  let processed = 0;
  let reportedAt = Date.now();
  // A few products at a time: each is its own transaction, so waiting on one round trip doesn't idle the import.
  const inFlight = new Set<Promise<void>>();
  // Saves still happen in file order (images download in parallel), so a plan's last places go to the first rows.
  let previousSave: Promise<void> = Promise.resolve();
  try {
    for await (const group of productGroups(open, scanned)) {
      const rows = group.rows.length + group.dropped;
      if (!group.handle) {
        processed += rows;
        note(
          report.errors,
          group.rows.map((row) => ({ line: row.line, handle: "", message: "Handle is empty: every row needs the handle of its product." })),
        );
      } else {
        if (group.dropped) {
          note(report.errors, [
            {
              line: group.rows[0].line,
              handle: group.handle,
              message: `This product has more than ${MAX_ROWS_PER_PRODUCT} rows; the ${group.dropped} rows after that were ignored.`,
            },
          ]);
        }
        const turn = savingTurn(previousSave);
        previousSave = turn.done;
        const work: Promise<void> = importProduct(db, actor, group.handle, group.rows, context, turn).then(() => {
          processed += rows;
          inFlight.delete(work);
        });
        // Marked as handled here; a failure still surfaces through Promise.race or Promise.all below.
        work.catch(() => {});
        inFlight.add(work);
        if (inFlight.size >= PRODUCTS_AT_ONCE) await Promise.race(inFlight);
      }
      if (Date.now() - reportedAt >= PROGRESS_INTERVAL_MS) {
        reportedAt = Date.now();
        await options.onProgress?.(processed, scanned.totalRows);
      }
    }
    await Promise.all(inFlight);
  } catch (error) {
    // Nothing may still be writing once the caller hears of the failure.
    await Promise.allSettled(inFlight);
    throw error;
  }
  await options.onProgress?.(processed, scanned.totalRows);
  // Products finish out of order; the report reads in file order.
  report.errors.sort((a, b) => a.line - b.line);
  report.warnings.sort((a, b) => a.line - b.line);
  return report;
}

/** One product's place in the file-order queue of saves: wait for `ready`, then call `release` (always, even on failure). */
interface SavingTurn {
  ready: Promise<void>;
  release: () => void;
  done: Promise<void>;
}

function savingTurn(previous: Promise<void>): SavingTurn {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { ready: previous, release, done };
}

interface ProductContext extends ImportOptions {
  header: CsvHeader;
  needsExisting: boolean;
  images: ImageFetcher;
  report: ImportReport;
  note: (list: RowIssue[], issues: RowIssue[]) => void;
}

async function importProduct(db: TenantDb, actor: Actor, handle: string, rows: CsvRow[], context: ProductContext, turn: SavingTurn): Promise<void> {
  let saved: Awaited<ReturnType<typeof planAndSave>>;
  try {
    saved = await planAndSave(db, actor, handle, rows, context, turn.ready);
  } finally {
    turn.release();
  }
  if (!saved) return;
  if (saved.created) context.report.created++;
  else context.report.updated++;
  if (saved.plan.images.length) context.note(context.report.warnings, await attachImages(db, actor, handle, saved.id, saved.plan, context));
}

/** Plans the product from its rows and, once `ready`, saves it; undefined when it was skipped (and reported). */
async function planAndSave(db: TenantDb, actor: Actor, handle: string, rows: CsvRow[], context: ProductContext, ready: Promise<void>) {
  const { header, money, report, note } = context;
  const match = await db.selectFrom("products").select("id").where("handle", "=", handle).executeTakeFirst();
  const existing = match && context.needsExisting ? await getProduct(db, match.id) : null;
  const plan: ProductPlan = planProduct(handle, rows, { header, money, existing });
  note(report.warnings, plan.warnings);
  if (!plan.ok) {
    report.skipped++;
    note(report.errors, plan.errors);
    return undefined;
  }
  await ready;
  try {
    return { ...(await saveProduct(db, actor, plan.input, match?.id, { productLimit: context.productLimit })), plan };
  } catch (error) {
    if (error instanceof PlanLimitError) {
      report.skipped++;
      note(report.errors, [{ line: rows[0].line, handle, message: error.message }]);
      return undefined;
    }
    if (!(error instanceof ProductValidationError)) throw error;
    report.skipped++;
    note(report.errors, productErrorsToIssues(error.errors, handle, rows[0].line, plan.variantLines));
    return undefined;
  }
}

/** Downloads and adds the product's images (skipping ones it already has from the same address), then links variant images. */
async function attachImages(
  db: TenantDb,
  actor: Actor,
  handle: string,
  productId: string,
  plan: Extract<ProductPlan, { ok: true }>,
  { storage, shopId, images, storageLimit, report }: ProductContext,
): Promise<RowIssue[]> {
  const warnings: RowIssue[] = [];
  const stored = await db.selectFrom("product_media").select(["id", "source_url"]).where("product_id", "=", productId).execute();
  const idBySource = new Map(stored.flatMap((m) => (m.source_url ? [[m.source_url, m.id] as const] : [])));
  for (const image of plan.images) {
    if (idBySource.has(image.src)) continue;
    try {
      const bytes = await images.fetch(image.src);
      const added = await addProductImage(db, storage, actor, productId, { bytes, alt: image.alt, sourceUrl: image.src, shopId }, { storageLimit });
      idBySource.set(image.src, added.id);
    } catch (error) {
      if (error instanceof PlanLimitError) report.imagesOverStorageLimit++;
      warnings.push({ line: image.line, handle, message: `Image not added: ${imageProblem(error)}` });
    }
  }

  const wanted = plan.variantImages.flatMap((url, i) =>
    url && idBySource.has(url) ? [{ values: plan.input.variants[i].optionValues, imageId: idBySource.get(url)! }] : [],
  );
  if (wanted.length) {
    const variants = await db.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", productId).execute();
    const idByValues = new Map(variants.map((v) => [JSON.stringify(v.option_values), v.id]));
    const assignments = wanted.flatMap((w) => {
      const variantId = idByValues.get(JSON.stringify(w.values));
      return variantId ? [{ variantId, imageId: w.imageId }] : [];
    });
    try {
      await setVariantImages(db, actor, productId, assignments);
    } catch (error) {
      // The product changed under the import (say, deleted in the admin): its data is saved, only the links are missing.
      console.error("linking variant images failed:", error);
      warnings.push({
        line: plan.variantLines[0],
        handle,
        message: "Variant images not linked: the product changed during the import; link them on its images page.",
      });
    }
  }
  return warnings;
}

function imageProblem(error: unknown): string {
  if (error instanceof ImageRejectedError) return error.reason;
  if (error instanceof PlanLimitError) return `the shop's storage is full. ${error.message}`;
  console.error("image import failed:", error);
  return "it could not be stored; add it on the product's images page.";
}

/** Downloads images, giving up on a host after several failures in a row instead of waiting on each of its images. */
class ImageFetcher {
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: FetchImageOptions = {}) {}

  async fetch(url: string): Promise<Buffer> {
    const host = hostOf(url);
    if ((this.failures.get(host) ?? 0) >= MAX_HOST_FAILURES) {
      throw new ImageRejectedError(`the last ${MAX_HOST_FAILURES} downloads from ${host} failed, so the import stopped trying that host.`);
    }
    try {
      const bytes = await fetchImageFromUrl(url, { timeoutMs: IMAGE_TIMEOUT_MS, ...this.options });
      this.failures.delete(host);
      return bytes;
    } catch (error) {
      this.failures.set(host, (this.failures.get(host) ?? 0) + 1);
      throw error;
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Serves a stored file to the importer in small chunks, so csv-parse never has the whole file's rows at once. */
export function bufferSource(bytes: Buffer, chunkSize = 64 * 1024): () => Readable {
  return () =>
    Readable.from(
      (function* () {
        for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
      })(),
    );
}
