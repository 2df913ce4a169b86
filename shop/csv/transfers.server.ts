import path from "node:path";
import type { Readable } from "node:stream";
import type { Selectable } from "kysely";
import { isUniqueViolation } from "../../db/errors.ts";
import type { CatalogueTransfersTable } from "../../db/types.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { recordAudit, type Actor } from "../audit.server.ts";
import { bumpStorefrontVersion } from "../page-cache.server.ts";
import type { MediaStorage } from "../storage.server.ts";
import { CsvFileError, importProductsCsv, type ImportOptions, type ImportReport } from "./import.server.ts";

/** An import or export of the catalogue, with its progress and, once done, its report. */
export type CatalogueTransfer = Selectable<CatalogueTransfersTable>;

/** What a failed transfer's report says. */
export type FailedReport = { error: string };
export type ExportReport = { products: number; rows: number };

/** Shopify caps product CSVs at 15 MB; this leaves room and still bounds what an upload holds in memory. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The stored upload of an import: keyed by shop, transfer id and creation time, so a reused id never finds an old file. */
export function transferFileKey(shopId: string, transfer: Pick<CatalogueTransfer, "id" | "created_at">): string {
  return `transfers/${shopId}/${transfer.id}-${transfer.created_at.getTime()}.csv`;
}

/** The name to show for an uploaded file: no folders, no control characters, not too long. */
export function cleanFileName(name: string): string {
  const base = path
    .basename(name.replace(/\\/g, "/"))
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim();
  return (base || "products.csv").slice(0, 200);
}

/** Who to name in the log: a merchant's user id, or the email-like label of the command line. */
export function transferCreator(actor: Actor): string {
  return actor.userId ?? actor.email;
}

/** A transfer still unfinished after this long lost its worker; it no longer blocks a new upload. */
export const ABANDONED_TRANSFER_MS = 6 * 60 * 60 * 1000;

export class ImportInProgressError extends Error {
  constructor() {
    super("An import is already running for this shop: wait for it to finish.");
  }
}

/** Records that an import began (the row and its audit event), in the caller's transaction. */
async function recordImportStarted(trx: TenantDb, actor: Actor, fileName: string, status: "queued" | "running" = "queued"): Promise<CatalogueTransfer> {
  const transfer = await trx
    .insertInto("catalogue_transfers")
    .values({ kind: "import", status, file_name: fileName, created_by: transferCreator(actor) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: "catalogue.import_started",
    subjectType: "catalogue_transfer",
    subjectId: transfer.id,
    summary: `Import of ${fileName}`,
  });
  return transfer;
}

/** Only one import per shop may be waiting or running (a partial unique index, tenant migration 0020). */
const ONE_ACTIVE_IMPORT = "catalogue_transfers_one_active_import";

/**
 * Takes an uploaded CSV for the import job: stores the file and records a
 * queued transfer. One import at a time per shop, so two files can't fight over
 * the same handles: the database refuses a second waiting import, so two uploads
 * at the same moment can't both start.
 */
export async function queueImport(
  db: TenantDb,
  storage: MediaStorage,
  actor: Actor,
  { shopId, fileName, bytes }: { shopId: string; fileName: string; bytes: Buffer },
): Promise<CatalogueTransfer> {
  try {
    return await db.transaction().execute(async (trx) => {
      // An import whose worker vanished long ago no longer blocks the shop.
      await trx
        .updateTable("catalogue_transfers")
        .set({
          status: "failed",
          finished_at: new Date(),
          claimed_until: null,
          report: JSON.stringify({ error: "The import was abandoned. Upload the file again." }),
        })
        .where("kind", "=", "import")
        .where("status", "in", ["queued", "running"])
        .where("created_at", "<=", new Date(Date.now() - ABANDONED_TRANSFER_MS))
        .execute();
      const transfer = await recordImportStarted(trx, actor, cleanFileName(fileName));
      // Inside the transaction: if the file can't be stored, no transfer is left waiting for it.
      await storage.put(transferFileKey(shopId, transfer), bytes, "text/csv");
      return transfer;
    });
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_IMPORT)) throw new ImportInProgressError();
    throw error;
  }
}

/** How long a run's claim on an import lasts without a heartbeat; a run renews it every third of that. */
export const IMPORT_LEASE_MS = 2 * 60 * 1000;

/**
 * Takes a queued import for one run, or one whose run stopped renewing its lease (a worker that died), in one
 * statement: of two deliveries of the same job, one gets it. Null when another live run holds it or it is finished.
 */
export async function claimImport(db: TenantDb, transferId: string, now = new Date()): Promise<CatalogueTransfer | null> {
  const claimed = await db
    .updateTable("catalogue_transfers")
    .set({ status: "running", claimed_until: new Date(now.getTime() + IMPORT_LEASE_MS) })
    .where("id", "=", transferId)
    .where("kind", "=", "import")
    .where((eb) => eb.or([eb("status", "=", "queued"), eb.and([eb("status", "=", "running"), eb("claimed_until", "<", now)])]))
    .returningAll()
    .executeTakeFirst();
  return claimed ?? null;
}

/** Keeps a run's claim while it works; stops when the import is finished. */
export function holdImportClaim(db: TenantDb, transferId: string): () => void {
  const renew = () =>
    db
      .updateTable("catalogue_transfers")
      .set({ claimed_until: new Date(Date.now() + IMPORT_LEASE_MS) })
      .where("id", "=", transferId)
      .where("status", "=", "running")
      .execute()
      .catch((error) => console.error(`import ${transferId}: lease not renewed:`, error));
  const timer = setInterval(renew, IMPORT_LEASE_MS / 3);
  timer.unref();
  return () => clearInterval(timer);
}

/** Gives a claimed import back to the queue after a failed attempt, so the job's retry can claim it. */
export async function releaseImport(db: TenantDb, transferId: string): Promise<void> {
  await db
    .updateTable("catalogue_transfers")
    .set({ status: "queued", claimed_until: null })
    .where("id", "=", transferId)
    .where("status", "=", "running")
    .execute();
}

/** An import that runs right away (the command line): recorded as running from the start, and never beside another. */
export async function startImmediateImport(db: TenantDb, actor: Actor, fileName: string): Promise<CatalogueTransfer> {
  try {
    return await db.transaction().execute((trx) => recordImportStarted(trx, actor, cleanFileName(fileName), "running"));
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_IMPORT)) throw new ImportInProgressError();
    throw error;
  }
}

/**
 * Runs an import recorded by queueImport (and claimed) or startImmediateImport: keeps
 * processed_rows/total_rows current while it works, then stores the report
 * and records the outcome in the audit log. A file that isn't a readable CSV
 * fails the transfer before any product is written; any other error is the
 * caller's to handle (the job retries, the command line fails the transfer).
 */
export async function runImport(
  db: TenantDb,
  actor: Actor,
  transfer: CatalogueTransfer,
  open: () => Readable,
  options: Omit<ImportOptions, "onCounted">,
): Promise<ImportReport> {
  const row = db.updateTable("catalogue_transfers").where("id", "=", transfer.id);
  await row.set({ status: "running", processed_rows: 0 }).execute();
  let report: ImportReport;
  try {
    report = await importProductsCsv(db, actor, open, {
      ...options,
      onCounted: async (total) => void (await row.set({ total_rows: total }).execute()),
      onProgress: async (processed, total) => {
        await row.set({ processed_rows: processed }).execute();
        // Rows written so far are committed: shoppers see them on their next request.
        await bumpStorefrontVersion(db);
        await options.onProgress?.(processed, total);
      },
    });
  } catch (error) {
    if (error instanceof CsvFileError) await failImport(db, actor, transfer, error.message);
    await bumpStorefrontVersion(db);
    throw error;
  }
  await db.transaction().execute(async (trx) => {
    await bumpStorefrontVersion(trx);
    await trx
      .updateTable("catalogue_transfers")
      .where("id", "=", transfer.id)
      .set({ status: "done", report: JSON.stringify(report), finished_at: new Date(), claimed_until: null })
      .execute();
    await recordAudit(trx, actor, {
      action: "catalogue.import_finished",
      subjectType: "catalogue_transfer",
      subjectId: transfer.id,
      summary: `${transfer.file_name}: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped`,
    });
  });
  return report;
}

/** What the merchant reads when an import failed for a reason other than its file. */
export const UNEXPECTED_IMPORT_FAILURE = "The import stopped because of an unexpected error; products saved before it are kept. Try again.";

/** Marks an import failed, with the reason the merchant sees, and logs it. */
export async function failImport(db: TenantDb, actor: Actor, transfer: CatalogueTransfer, message: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const failed: FailedReport = { error: message };
    await trx
      .updateTable("catalogue_transfers")
      .where("id", "=", transfer.id)
      .set({ status: "failed", report: JSON.stringify(failed), finished_at: new Date(), claimed_until: null })
      .execute();
    await recordAudit(trx, actor, {
      action: "catalogue.import_failed",
      subjectType: "catalogue_transfer",
      subjectId: transfer.id,
      summary: `${transfer.file_name}: ${message}`,
    });
  });
}

/** Records an export as it starts (the download is its own proof of completion). */
export async function startExport(db: TenantDb, actor: Actor, fileName: string): Promise<CatalogueTransfer> {
  return db.transaction().execute(async (trx) => {
    const transfer = await trx
      .insertInto("catalogue_transfers")
      .values({ kind: "export", status: "running", file_name: fileName, created_by: transferCreator(actor) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "catalogue.exported",
      subjectType: "catalogue_transfer",
      subjectId: transfer.id,
      summary: `Export to ${fileName}`,
    });
    return transfer;
  });
}

export async function finishExport(db: TenantDb, transferId: string, outcome: ExportReport | FailedReport): Promise<void> {
  const done = !("error" in outcome);
  await db
    .updateTable("catalogue_transfers")
    .where("id", "=", transferId)
    .set({
      status: done ? "done" : "failed",
      report: JSON.stringify(outcome),
      finished_at: new Date(),
      ...(done ? { total_rows: outcome.rows, processed_rows: outcome.rows } : {}),
    })
    .execute();
}

export function listTransfers(db: TenantDb, limit = 20): Promise<CatalogueTransfer[]> {
  return db.selectFrom("catalogue_transfers").selectAll().orderBy("id", "desc").limit(limit).execute();
}

export async function getTransfer(db: TenantDb, id: string): Promise<CatalogueTransfer | null> {
  if (!/^[1-9]\d{0,17}$/.test(id)) return null;
  return (await db.selectFrom("catalogue_transfers").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

/**
 * A quick look at an upload before it is queued: does its first line name a
 * Handle column? Saves the merchant a wait for an obviously wrong file; the
 * import itself checks everything.
 */
export function looksLikeProductCsv(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 64 * 1024)
    .toString("utf8")
    .replace(/^\ufeff/, "");
  const firstLine = head.split(/\r?\n/, 1)[0];
  return firstLine.split(",").some((cell) => cell.trim().replace(/^"|"$/g, "").trim().toLowerCase() === "handle");
}
