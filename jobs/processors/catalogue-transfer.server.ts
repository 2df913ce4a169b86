import type { Job } from "bullmq";
import type { PlatformDb } from "../../db/database.server.ts";
import type { Shop } from "../../db/types.ts";
import type { Actor } from "../../shop/audit.server.ts";
import { bufferSource, type ImportReport } from "../../shop/csv/import.server.ts";
import { failImport, getTransfer, runImport, transferFileKey } from "../../shop/csv/transfers.server.ts";
import type { MediaStorage } from "../../shop/storage.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { planLimit } from "../../tenants/plan-limits.ts";
import { planOf } from "../../tenants/plans.server.ts";
import { openQueue, type JobStore } from "../queues.server.ts";
import { startShopWorker } from "../shop-jobs.server.ts";

export const CATALOGUE_TRANSFERS_QUEUE = "catalogue-transfers";

/** Ids only: the shop (and so its schema) is looked up in the registry, never taken from the job. */
export type CatalogueTransferJob = { shopId: string; transferId: string };

export type CatalogueTransferProgress = { processedRows: number; totalRows: number };

const RECORD_ID = /^[1-9]\d{0,17}$/;

export async function enqueueCatalogueImport(store: JobStore, data: CatalogueTransferJob): Promise<void> {
  const queue = openQueue<CatalogueTransferJob>(store, CATALOGUE_TRANSFERS_QUEUE);
  try {
    await queue.add("import", data, { removeOnComplete: 1000, removeOnFail: 1000 });
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
 * A transfer already finished (the job delivered twice) is left alone; one interrupted mid-way runs again, which
 * is safe because rows are matched to products by handle.
 */
async function runCatalogueTransfer(
  db: PlatformDb,
  storage: MediaStorage,
  job: Pick<Job<CatalogueTransferJob>, "data" | "updateProgress">,
  shop: Shop,
): Promise<Pick<ImportReport, "created" | "updated" | "skipped"> | null> {
  const { transferId } = job.data;
  if (!RECORD_ID.test(String(transferId))) throw new Error("malformed catalogue transfer job");
  const shopId = shop.id;
  const shopDb = tenantDb(db, shop.schema_name);
  const transfer = await getTransfer(shopDb, transferId);
  if (!transfer || transfer.kind !== "import") throw new Error(`shop ${shopId} has no import ${transferId}`);
  if (transfer.status === "done" || transfer.status === "failed") return null;

  const actor = await transferActor(db, transfer.created_by);
  const key = transferFileKey(shop.id, transfer);
  const bytes = await storage.get(key);
  if (!bytes) {
    await failImport(shopDb, actor, transfer, "The uploaded file is no longer there: upload it again.");
    throw new Error(`import ${transferId} of shop ${shopId}: file ${key} is missing`);
  }
  const money = await shopDb.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const plan = await planOf(db, shop);
  try {
    const report = await runImport(shopDb, actor, transfer, bufferSource(bytes), {
      shopId: shop.id,
      money,
      productLimit: planLimit(plan, plan.max_products),
      storage,
      onProgress: (processedRows, totalRows) => job.updateProgress({ processedRows, totalRows } satisfies CatalogueTransferProgress),
    });
    return { created: report.created, updated: report.updated, skipped: report.skipped };
  } finally {
    await storage.delete(key);
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

export function startCatalogueTransferWorker(store: JobStore, db: PlatformDb, storage: MediaStorage) {
  // Two at once: one shop's 50,000-row import must not hold up every other shop's.
  return startShopWorker<CatalogueTransferJob, Awaited<ReturnType<typeof runCatalogueTransfer>>>(
    store,
    db,
    CATALOGUE_TRANSFERS_QUEUE,
    { run: (job, shop) => runCatalogueTransfer(db, storage, job, shop), skipped: (job, shop) => skipCatalogueTransfer(db, storage, job, shop) },
    { concurrency: 2 },
  );
}
