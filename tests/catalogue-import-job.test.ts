import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Job, type Queue } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import {
  CATALOGUE_TRANSFERS_QUEUE,
  catalogueTransferHandlers,
  enqueueCatalogueImport,
  IMPORT_JOB_OPTIONS,
  ImportClaimedError,
  startCatalogueTransferWorker,
  type CatalogueTransferJob,
} from "../jobs/processors/catalogue-transfer.server.ts";
import { jobStore, openQueue, type JobStore } from "../jobs/queues.server.ts";
import { runShopJob } from "../jobs/shop-jobs.server.ts";
import type { Actor } from "../shop/audit.server.ts";
import { claimImport, ImportInProgressError, queueImport, transferFileKey, type CatalogueTransfer } from "../shop/csv/transfers.server.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { planOf } from "../tenants/plans.server.ts";
import { generatedCsv, startImageServer, type LocalServer } from "./support/catalogue-csv.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { createProduct, variant } from "./support/storefront.ts";
import { waitFor } from "./support/wait.ts";

// The catalogue import job against real Redis and PostgreSQL, delivered twice, stalled, failing and retried.
if (process.env.CI && !process.env.REDIS_URL) throw new Error("CI must set REDIS_URL");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/1";
const PREFIX = `bazaar-import-test-${process.pid}`;
const actor: Actor = { userId: null, email: "importer@example.com", ip: "" };

let t: TestDatabase;
let store: JobStore;
let queue: Queue<CatalogueTransferJob>;
let storage: LocalDiskStorage;
let mediaDir: string;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let images: LocalServer;

beforeAll(async () => {
  // The worker's image downloads read the environment: let them reach the local image server.
  process.env.MEDIA_FETCH_ALLOW_PRIVATE = "1";
  images = await startImageServer();
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-import-job-"));
  storage = new LocalDiskStorage(mediaDir);
  t = await createTestDatabase();
  store = jobStore({ redisUrl: REDIS_URL, databaseUrl: t.url, prefix: PREFIX });
  queue = openQueue<CatalogueTransferJob>(store, CATALOGUE_TRANSFERS_QUEUE);
  await queue.obliterate({ force: true });
  const owner = await createUser(t.db, { email: "importer@example.com", password: "import-password-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
});
afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  await images?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await queue.obliterate({ force: true });
  for (const db of [northDb, southDb]) {
    await db.deleteFrom("products").execute();
    await db.deleteFrom("catalogue_transfers").execute();
  }
});

/** An upload as the admin makes it: the stored file, the queued transfer, and its job (not yet run). */
async function upload(shop: Shop, csv: string): Promise<{ transfer: CatalogueTransfer; job: Job<CatalogueTransferJob> }> {
  const transfer = await queueImport(tenantDb(t.db, shop.schema_name), storage, actor, {
    shopId: shop.id,
    fileName: `${shop.slug}.csv`,
    bytes: Buffer.from(csv),
  });
  await enqueueCatalogueImport(store, { shopId: shop.id, transferId: transfer.id });
  const job = await Job.fromId<CatalogueTransferJob>(queue, `import-${shop.id}-${transfer.id}`);
  return { transfer, job: job! };
}

/** One delivery of the job, through the same code the worker runs. */
const deliver = (job: Job<CatalogueTransferJob>) => runShopJob(t.db, job, catalogueTransferHandlers(t.db, storage));

const transferRow = (db: TenantDb, id: string) => db.selectFrom("catalogue_transfers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const productCount = async (db: TenantDb) => (await db.selectFrom("products").select("id").execute()).length;
const finishedEvents = (db: TenantDb) => db.selectFrom("audit_events").select("summary").where("action", "=", "catalogue.import_finished").execute();

describe("the catalogue import job", () => {
  it("delivered twice at once, imports once; a delivery after it is finished changes nothing", async () => {
    const { transfer, job } = await upload(north, generatedCsv(30));
    const { transfer: southTransfer, job: southJob } = await upload(south, generatedCsv(12));

    const runs = await Promise.allSettled([deliver(job), deliver(job)]);
    const reports = runs.filter((r) => r.status === "fulfilled" && r.value !== null);
    expect(reports).toHaveLength(1);
    // The other one found the import held (or already done) and did nothing.
    for (const other of runs.filter((r) => !reports.includes(r))) {
      if (other.status === "rejected") expect(other.reason).toBeInstanceOf(ImportClaimedError);
      else expect(other.value).toBeNull();
    }
    expect(await productCount(northDb)).toBe(30);
    expect(await finishedEvents(northDb)).toHaveLength(1);
    expect(await transferRow(northDb, transfer.id)).toMatchObject({ status: "done", claimed_until: null });
    expect(await storage.get(transferFileKey(north.id, transfer))).toBeNull();

    expect(await deliver(job)).toBeNull();
    expect(await finishedEvents(northDb)).toHaveLength(1);

    // The other shop's import is its own: untouched by north's, then done with its own file.
    expect(await transferRow(southDb, southTransfer.id)).toMatchObject({ status: "queued" });
    expect(await productCount(southDb)).toBe(0);
    await deliver(southJob);
    expect(await productCount(southDb)).toBe(12);
    expect(await productCount(northDb)).toBe(30);
  });

  it("a stalled run's import is left alone while its lease lasts, and taken over once it lapses", async () => {
    const { transfer, job } = await upload(north, generatedCsv(8));
    // The first delivery claimed it, then its worker stopped answering.
    expect(await claimImport(northDb, transfer.id)).not.toBeNull();
    await expect(deliver(job)).rejects.toBeInstanceOf(ImportClaimedError);
    expect(await transferRow(northDb, transfer.id)).toMatchObject({ status: "running", processed_rows: 0 });
    expect(await productCount(northDb)).toBe(0);
    expect(await storage.get(transferFileKey(north.id, transfer))).not.toBeNull();

    // Its lease ran out (no heartbeat): BullMQ's redelivery of the stalled job takes the import over.
    await northDb
      .updateTable("catalogue_transfers")
      .set({ claimed_until: new Date(Date.now() - 1000) })
      .where("id", "=", transfer.id)
      .execute();
    expect(await deliver(job)).toMatchObject({ created: 8 });
    expect(await transferRow(northDb, transfer.id)).toMatchObject({ status: "done" });
  });

  it("a failed attempt keeps the file and retries with backoff; the retry imports everything", async () => {
    const { transfer } = await upload(south, generatedCsv(10));
    // The shop's products table is briefly unreachable, as in a database outage.
    const products = sql.id(south.schema_name, "products");
    const away = sql.id(south.schema_name, "products_away");
    await sql`alter table ${products} rename to ${sql.id("products_away")}`.execute(t.db);
    const worker = startCatalogueTransferWorker(store, t.db, storage);
    try {
      const retrying = await waitFor(async () => {
        const current = await Job.fromId<CatalogueTransferJob>(queue, `import-${south.id}-${transfer.id}`);
        return current?.attemptsMade === 1 && (await current.getState()) === "delayed" ? current : undefined;
      });
      expect(retrying.opts).toMatchObject({ attempts: 5, backoff: { type: "exponential", delay: 10_000 } });
      expect(await transferRow(southDb, transfer.id)).toMatchObject({ status: "queued", claimed_until: null });
      expect(await storage.get(transferFileKey(south.id, transfer))).not.toBeNull();

      await sql`alter table ${away} rename to ${sql.id("products")}`.execute(t.db);
      // Run the retry now rather than after its 10 s.
      await retrying.promote();
      const done = await waitFor(async () => {
        const row = await transferRow(southDb, transfer.id);
        return row.status === "done" || row.status === "failed" ? row : undefined;
      });
      expect(done.status).toBe("done");
      expect(await productCount(southDb)).toBe(10);
      expect(await storage.get(transferFileKey(south.id, transfer))).toBeNull();
      expect(await productCount(northDb)).toBe(0);
    } finally {
      await worker.close();
    }
  });

  it("the last failed attempt fails the import with a message and lets the shop upload again", async () => {
    const transfer = await queueImport(northDb, storage, actor, { shopId: north.id, fileName: "last.csv", bytes: Buffer.from(generatedCsv(3)) });
    const job = await queue.add("import", { shopId: north.id, transferId: transfer.id }, { ...IMPORT_JOB_OPTIONS, attempts: 1 });
    const products = sql.id(north.schema_name, "products");
    await sql`alter table ${products} rename to ${sql.id("products_away")}`.execute(t.db);
    try {
      await expect(deliver(job)).rejects.toThrow();
    } finally {
      await sql`alter table ${sql.id(north.schema_name, "products_away")} rename to ${sql.id("products")}`.execute(t.db);
    }
    const failed = await transferRow(northDb, transfer.id);
    expect(failed.status).toBe("failed");
    expect(failed.report).toEqual({ error: expect.stringContaining("unexpected error") });
    const again = await queueImport(northDb, storage, actor, { shopId: north.id, fileName: "again.csv", bytes: Buffer.from(generatedCsv(2)) });
    expect(again.status).toBe("queued");
  });

  it("two uploads at the same moment: one starts, the others are refused, in each shop on its own", async () => {
    const attempt = (shop: Shop, n: number) =>
      queueImport(tenantDb(t.db, shop.schema_name), storage, actor, {
        shopId: shop.id,
        fileName: `${shop.slug}-${n}.csv`,
        bytes: Buffer.from(generatedCsv(2)),
      });
    const results = await Promise.allSettled([1, 2, 3, 4].flatMap((n) => [attempt(north, n), attempt(south, n)]));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const refused of results.filter((r) => r.status === "rejected")) expect(refused.reason).toBeInstanceOf(ImportInProgressError);
    for (const db of [northDb, southDb]) {
      expect(await db.selectFrom("catalogue_transfers").select("status").execute()).toEqual([{ status: "queued" }]);
    }
  });

  it("stores imported images up to the plan's storage limit and names the rows whose images weren't stored", async () => {
    const names = ["a", "b", "c", "d", "e", "f"].map((n) => `limit-${n}`);
    const sizes = await Promise.all(names.map(async (n) => (await (await fetch(`${images.origin}/images/${n}.png`)).arrayBuffer()).byteLength));
    const sorted = [...sizes].sort((a, b) => a - b);
    // Room for any two of the six images, never for three.
    const room = sorted[5] + sorted[4] + Math.floor(sorted[0] / 2);
    expect(sorted[0] + sorted[1] + sorted[2]).toBeGreaterThan(room);
    const limitBytes = (await planOf(t.db, north)).max_storage_mb! * 1024 * 1024;
    // North's earlier images fill its plan's storage but for that room.
    const earlier = await createProduct(northDb, { title: "Poster", variants: [variant([], 1000)] });
    await northDb
      .insertInto("product_media")
      .values({ product_id: earlier.id, position: 0, storage_key: "earlier", width: 1, height: 1, content_type: "image/png", byte_size: limitBytes - room })
      .execute();
    const csv = ["Handle,Title,Variant Price,Image Src", ...names.map((n) => `${n},Print ${n},12.00,${images.origin}/images/${n}.png`)].join("\n");
    const northUpload = await upload(north, csv);
    const southUpload = await upload(south, csv);
    await deliver(northUpload.job);
    await deliver(southUpload.job);

    const report = (await transferRow(northDb, northUpload.transfer.id)).report as {
      created: number;
      imagesOverStorageLimit: number;
      warnings: { line: number; handle: string; message: string }[];
    };
    expect(report.created).toBe(6);
    expect(report.imagesOverStorageLimit).toBe(4);
    const stored = await northDb.selectFrom("product_media").select(["source_url", "byte_size"]).where("storage_key", "<>", "earlier").execute();
    expect(stored).toHaveLength(2);
    // Each image not stored is a warning on its own line (line n + 1 holds names[n - 1]), with the reason and the way up.
    const notStored = names.filter((n) => !stored.some((m) => m.source_url?.endsWith(`/${n}.png`)));
    expect(report.warnings.map((w) => [w.line, w.handle])).toEqual(notStored.map((n) => [names.indexOf(n) + 2, n]));
    for (const warning of report.warnings) expect(warning.message).toMatch(/storage is full.*Starter plan allows 1,024 MB of storage\. Upgrade/);
    const total = await northDb
      .selectFrom("product_media")
      .select((eb) => eb.fn.sum<string>("byte_size").as("bytes"))
      .executeTakeFirstOrThrow();
    expect(Number(total.bytes)).toBeLessThanOrEqual(limitBytes);

    // South's storage is empty: every image of the same file is stored there.
    const southReport = (await transferRow(southDb, southUpload.transfer.id)).report as { imagesOverStorageLimit: number; warnings: unknown[] };
    expect(southReport).toMatchObject({ imagesOverStorageLimit: 0, warnings: [] });
    expect(await southDb.selectFrom("product_media").select("id").execute()).toHaveLength(6);
  });
});
