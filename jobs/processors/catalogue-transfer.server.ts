import { UnrecoverableError, type Job } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import type { Shop } from "../../db/types.ts";
import type { Actor } from "../../shop/audit.server.ts";
import { bufferSource, CsvFileError, type ImportReport } from "../../shop/csv/import.server.ts";
import {
  claimImport,
  failImport,
  getTransfer,
  holdImportClaim,
  releaseImport,
  runImport,
  transferFileKey,
  UNEXPECTED_IMPORT_FAILURE,
} from "../../shop/csv/transfers.server.ts";
import type { MediaStorage } from "../../shop/storage.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { planLimit } from "../../tenants/plan-limits.ts";
import { planOf } from "../../tenants/plans.server.ts";
import { openQueue, type JobStore } from "../queues.server.ts";
import { startShopWorker, type ShopJobHandlers } from "../shop-jobs.server.ts";

export const CATALOGUE_TRANSFERS_QUEUE = "catalogue-transfers";

/** Ids only: the shop (and so its schema) is looked up in the registry, never taken from the job. */
export type CatalogueTransferJob = { shopId: string; transferId: string };

export type CatalogueTransferProgress = { processedRows: number; totalRows: number };

const RECORD_ID = /^[1-9]\d{0,17}$/;

/** A failed attempt (a database or storage outage) runs again after 10 s, 20 s, 40 s, 80 s; the file waits for it. */
export const IMPORT_JOB_OPTIONS = { attempts: 5, backoff: { type: "exponential" as const, delay: 10_000 }, removeOnComplete: 1000, removeOnFail: 1000 };

/** Another delivery of the job holds the import: this one leaves it alone, and its retry looks again later. */
export class ImportClaimedError extends Error {}

export async function enqueueCatalogueImport(store: JobStore, data: CatalogueTransferJob): Promise<void> {
  const queue = openQueue<CatalogueTransferJob>(store, CATALOGUE_TRANSFERS_QUEUE);
  try {
    // One job per transfer: asking twice queues nothing more.
    await queue.add("import", data, { ...IMPORT_JOB_OPTIONS, jobId: `import-${data.shopId}-${data.transferId}` });
  } finally {
    await queue.close();
  }
}

/** The merchant who uploaded the file, for the audit events the import records. */
async function transferActor(db: PlatformDb, createdBy: string): Promise<Actor> {
  const user = await db.selectFrom("platform.users").select(["id", "email"]).where("id", "=", createdBy).executeTakeFirst();
  return user ? { userId: user.id, email: user.email, ip: "" } : { userId: null, email: createdBy, ip: "" };
}

/**
 * Runs one queued import for its shop, which runShopJob looked up in the registry and found allowed to run jobs.
 * The run claims the transfer first (claimImport), so a redelivered job, or a second worker that took a stalled
 * one, finds it held or finished and changes nothing. Rerunning an interrupted import is safe because rows are
 * matched to products by handle. The upload is deleted once the import has succeeded or failed for good.
 */
async function runCatalogueTransfer(
  db: PlatformDb,
  storage: MediaStorage,
  job: Pick<Job<CatalogueTransferJob>, "data" | "updateProgress" | "attemptsMade" | "opts">,
  shop: Shop,
): Promise<Pick<ImportReport, "created" | "updated" | "skipped"> | null> {
  const { transferId } = job.data;
  if (!RECORD_ID.test(String(transferId))) throw new UnrecoverableError("malformed catalogue transfer job");
  const shopId = shop.id;
  const shopDb = tenantDb(db, shop.schema_name);
  const found = await getTransfer(shopDb, transferId);
  if (!found || found.kind !== "import") throw new UnrecoverableError(`shop ${shopId} has no import ${transferId}`);
  const key = transferFileKey(shop.id, found);
  const transfer = await claimImport(shopDb, transferId);
  if (!transfer) {
    const now = await getTransfer(shopDb, transferId);
    if (now?.status === "done" || now?.status === "failed") {
      // A run that finished but died before deleting its file leaves that to this one.
      await storage.delete(key);
      return null;
    }
    throw new ImportClaimedError(`import ${transferId} of shop ${shopId} is held by another run until ${now?.claimed_until?.toISOString()}`);
  }

  const actor = await transferActor(db, transfer.created_by);
  const bytes = await storage.get(key);
  if (!bytes) {
    await failImport(shopDb, actor, transfer, "The uploaded file is no longer there: upload it again.");
    throw new UnrecoverableError(`import ${transferId} of shop ${shopId}: file ${key} is missing`);
  }
  const money = await shopDb.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const plan = await planOf(db, shop);
  const release = holdImportClaim(shopDb, transfer.id);
  try {
    const report = await runImport(shopDb, actor, transfer, bufferSource(bytes), {
      shopId: shop.id,
      money,
      productLimit: planLimit(plan, plan.max_products),
      storageLimit: planLimit(plan, plan.max_storage_mb),
      storage,
      onProgress: (processedRows, totalRows) => job.updateProgress({ processedRows, totalRows } satisfies CatalogueTransferProgress),
    });
    await storage.delete(key);
    return { created: report.created, updated: report.updated, skipped: report.skipped };
  } catch (error) {
    // A file that isn't a readable CSV won't read better next time: runImport has failed the transfer.
    if (error instanceof CsvFileError) {
      await storage.delete(key);
      throw new UnrecoverableError(error.message);
    }
    if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
      await releaseImport(shopDb, transfer.id);
    } else {
      await failImport(shopDb, actor, transfer, UNEXPECTED_IMPORT_FAILURE);
      await storage.delete(key);
    }
    throw error;
  } finally {
    release();
  }
}

/** A queued import of a shop whose lifecycle stops its jobs fails with a message the merchant sees when back. */
async function skipCatalogueTransfer(db: PlatformDb, storage: MediaStorage, job: Job<CatalogueTransferJob>, shop: Shop): Promise<void> {
  const shopDb = tenantDb(db, shop.schema_name);
  const transfer = RECORD_ID.test(String(job.data.transferId)) ? await getTransfer(shopDb, job.data.transferId) : undefined;
  if (!transfer || transfer.kind !== "import" || transfer.status === "done" || transfer.status === "failed") return;
  await failImport(
    shopDb,
    await transferActor(db, transfer.created_by),
    transfer,
    "The import didn't run because the shop was not open. Upload the file again.",
  );
  await storage.delete(transferFileKey(shop.id, transfer));
}

type CatalogueTransferResult = Awaited<ReturnType<typeof runCatalogueTransfer>>;

/** What the worker runs for each job (through runShopJob), also for tests that deliver one job twice. */
export function catalogueTransferHandlers(db: PlatformDb, storage: MediaStorage): ShopJobHandlers<CatalogueTransferJob, CatalogueTransferResult> {
  return { run: (job, shop) => runCatalogueTransfer(db, storage, job, shop), skipped: (job, shop) => skipCatalogueTransfer(db, storage, job, shop) };
}

export function startCatalogueTransferWorker(store: JobStore, db: PlatformDb, storage: MediaStorage) {
  // Two at once: one shop's 50,000-row import must not hold up every other shop's.
  return startShopWorker(store, db, CATALOGUE_TRANSFERS_QUEUE, catalogueTransferHandlers(db, storage), { concurrency: 2 });
}
