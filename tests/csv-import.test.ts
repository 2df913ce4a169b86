import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { CATALOGUE_TRANSFERS_QUEUE, startCatalogueTransferWorker, type CatalogueTransferJob } from "../jobs/processors/catalogue-transfer.server.ts";
import { openQueue } from "../jobs/queues.server.ts";
import type { Actor } from "../shop/audit.server.ts";
import { CsvFileError, importProductsCsv, type ImportOptions } from "../shop/csv/import.server.ts";
import type { CatalogueTransfer } from "../shop/csv/transfers.server.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { changeShopPlan } from "../tenants/plans.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { catalogueSnapshot, generatedCsv, logIn, ORIGIN, PLATFORM, startImageServer, UNREACHABLE_IMAGES, type LocalServer } from "./support/catalogue-csv.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { multipartBody, rawRequest } from "./support/raw-http.ts";
import { waitFor } from "./support/wait.ts";

const fixture = (name: string) => path.resolve("tests/fixtures", name);
const actor: Actor = { userId: null, email: "test@example.com", ip: "" };

let t: TestDatabase;
let app: TestApp;
let images: LocalServer;
let mediaDir: string;
let storage: LocalDiskStorage;
let north: Shop;
let south: Shop;
let tokyo: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let tokyoDb: TenantDb;
let ownerCookie: string;
let outsiderCookie: string;

beforeAll(async () => {
  // The import and the app store files here, apart from other test files' media.
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-csv-media-"));
  process.env.MEDIA_DIR = mediaDir;
  // Lets the worker (which reads the environment) download from the local image server.
  process.env.MEDIA_FETCH_ALLOW_PRIVATE = "1";
  storage = new LocalDiskStorage(mediaDir);
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass-1" });
  const outsider = await createUser(t.db, { email: "outsider@example.com", password: "outsider-pass-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: outsider.id });
  tokyo = await provisionShop(t.db, { slug: "tokyo", name: "Tokyo", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  tokyoDb = tenantDb(t.db, tokyo.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await southDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await tokyoDb.updateTable("settings").set({ currency: "JPY" }).execute();
  images = await startImageServer();
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass-1");
  outsiderCookie = await logIn(app, "outsider@example.com", "outsider-pass-1");
});
afterAll(async () => {
  await app?.close();
  await images?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

function options(shop: Shop, currency: string, extra: Partial<ImportOptions> = {}, locale = "en-US"): ImportOptions {
  return { shopId: shop.id, money: { currency, locale }, storage, imageFetch: { allowPrivateNetwork: true }, ...extra };
}
const fromFile = (name: string) => () => createReadStream(fixture(name));
const fromText = (text: string) => () => Readable.from([Buffer.from(text)]);
/** The fixture with its image host swapped for the local image server. */
const withImagesFrom = (name: string, origin: string) => readFileSync(fixture(name), "utf8").replaceAll(UNREACHABLE_IMAGES, origin);

async function productByHandle(db: TenantDb, handle: string) {
  return (await catalogueSnapshot(db)).find((p) => p.handle === handle);
}

describe("importing a Shopify product CSV", () => {
  it("creates products with their options, variants, prices, stock, tags, SEO and status", async () => {
    const report = await importProductsCsv(northDb, actor, fromFile("shopify-products.csv"), options(north, "EUR"));
    expect(report).toMatchObject({ created: 4, updated: 0, skipped: 0, errors: [], unlisted: 0 });

    const tee = await productByHandle(northDb, "classic-tee");
    expect(tee).toMatchObject({
      title: "Classic Tee",
      descriptionHtml: "<p>Soft <strong>organic</strong> cotton.</p>\n<p>Made in Portugal.</p>",
      status: "active",
      vendor: "Lumen",
      productType: "T-Shirt",
      tags: ["cotton", "summer", "basics"],
      seoTitle: "Classic Tee in organic cotton",
      seoDescription: "A soft tee for every day.",
      options: [
        { name: "Color", values: ["Red", "Blue"] },
        { name: "Size", values: ["S", "M"] },
      ],
    });
    expect(tee!.variants).toEqual([
      {
        optionValues: ["Red", "S"],
        sku: "TEE-RED-S",
        price: "2500",
        compareAtPrice: "3000",
        inventoryQuantity: 10,
        continueSelling: false,
        weightGrams: 180,
        image: null,
      },
      {
        optionValues: ["Red", "M"],
        sku: "TEE-RED-M",
        price: "2500",
        compareAtPrice: "3000",
        inventoryQuantity: 5,
        continueSelling: false,
        weightGrams: 190,
        image: null,
      },
      {
        optionValues: ["Blue", "S"],
        sku: "TEE-BLU-S",
        price: "2650",
        compareAtPrice: null,
        inventoryQuantity: 0,
        continueSelling: true,
        weightGrams: 180,
        image: null,
      },
      {
        optionValues: ["Blue", "M"],
        sku: "TEE-BLU-M",
        price: "2650",
        compareAtPrice: null,
        inventoryQuantity: 3,
        continueSelling: false,
        weightGrams: 190,
        image: null,
      },
    ]);
    const tote = await productByHandle(northDb, "canvas-tote");
    expect(tote).toMatchObject({ status: "draft", options: [], variants: [{ optionValues: [], sku: "TOTE-1", price: "1800", inventoryQuantity: 12 }] });
    expect(await productByHandle(northDb, "gift-mug")).toMatchObject({
      status: "archived",
      tags: [],
      variants: [{ price: "1250" }, { price: "1400", continueSelling: false }],
    });
    // An empty Variant Inventory Tracker is Shopify's "don't track": such a variant never sells out.
    expect(await productByHandle(northDb, "art-poster")).toMatchObject({ variants: [{ price: "999", inventoryQuantity: 0, continueSelling: true }] });
  });

  it("reports images it can't download per line, without failing their products", async () => {
    const report = await importProductsCsv(southDb, actor, fromFile("shopify-products.csv"), options(south, "EUR"));
    expect(report.created).toBe(4);
    expect(report.errors).toEqual([]);
    // The Body cell of line 2 spans two lines, so the second row of the file starts on line 4.
    expect(report.warnings.map((w) => [w.line, w.handle])).toEqual([
      [2, "classic-tee"],
      [4, "classic-tee"],
      [5, "classic-tee"],
      [7, "classic-tee"],
      [8, "canvas-tote"],
      [9, "canvas-tote"],
    ]);
    expect(report.warnings[0].message).toMatch(/^Image not added: could not download http:\/\/127\.0\.0\.1:9\/images\/tee-front\.png: /);
    // After three failures in a row the host is given up on rather than waited for.
    expect(report.warnings[3].message).toContain("the last 3 downloads from 127.0.0.1:9 failed");
    expect(await southDb.selectFrom("product_media").select("id").execute()).toEqual([]);
  });

  it("downloads images from Image Src, in Position order with their alt text, and links Variant Image", async () => {
    const shop = await provisionShop(t.db, {
      slug: "pictures",
      name: "Pictures",
      ownerId: (await t.db.selectFrom("platform.users").select("id").executeTakeFirstOrThrow()).id,
    });
    const db = tenantDb(t.db, shop.schema_name);
    const csv = withImagesFrom("shopify-products.csv", images.origin);
    const report = await importProductsCsv(db, actor, fromText(csv), options(shop, "USD"));
    expect(report).toMatchObject({ created: 4, errors: [], warnings: [] });

    const tee = await productByHandle(db, "classic-tee");
    expect(tee!.images.map((i) => i.alt)).toEqual(["Classic Tee, front", "Classic Tee, back", "Classic Tee in red", "Classic Tee in blue"]);
    expect(tee!.variants.map((v) => v.image)).toEqual([2, 2, 3, 3]);
    expect((await productByHandle(db, "canvas-tote"))!.images.map((i) => i.alt)).toEqual(["", "Inside"]);
    const sources = await db
      .selectFrom("product_media as m")
      .innerJoin("products as p", "p.id", "m.product_id")
      .select("m.source_url")
      .where("p.handle", "=", "classic-tee")
      .orderBy("m.position")
      .execute();
    expect(sources.map((m) => m.source_url)).toEqual(["tee-front", "tee-back", "tee-red", "tee-blue"].map((name) => `${images.origin}/images/${name}.png`));

    // Importing again updates the products and doesn't download or add the same images twice.
    const downloads = images.requests.length;
    const again = await importProductsCsv(db, actor, fromText(csv), options(shop, "USD"));
    expect(again).toMatchObject({ created: 0, updated: 4, skipped: 0, warnings: [] });
    expect(images.requests.length).toBe(downloads);
    expect((await productByHandle(db, "classic-tee"))!.images).toHaveLength(4);
  });

  it("skips every product with a bad row, naming each line, and imports the rest", async () => {
    const shop = await provisionShop(t.db, {
      slug: "mixed",
      name: "Mixed",
      ownerId: (await t.db.selectFrom("platform.users").select("id").executeTakeFirstOrThrow()).id,
    });
    const db = tenantDb(t.db, shop.schema_name);
    const report = await importProductsCsv(db, actor, fromFile("shopify-bad-rows.csv"), options(shop, "EUR"));
    expect(report).toMatchObject({ created: 3, updated: 0, skipped: 6, warnings: [] });
    expect(report.errors).toEqual([
      { line: 3, handle: "no-title", message: "Title is empty: the first row of each product needs one." },
      { line: 5, handle: "bad-price", message: 'Variant Price "12,34.5" isn\'t an amount: use digits and a dot for decimals, like 12.50.' },
      { line: 6, handle: "bad-status", message: 'Status "published" must be active, draft or archived.' },
      { line: 9, handle: "dup-options", message: "Same options as line 7 (Red / S): each variant needs its own combination." },
      { line: 13, handle: "", message: "Handle is empty: every row needs the handle of its product." },
      { line: 14, handle: "long-seo", message: "SEO Title: Search engines show about 70 characters; use at most 70." },
      { line: 15, handle: "bad-qty", message: 'Variant Inventory Qty "lots" must be a whole number.' },
    ]);
    // Nothing of a skipped product exists; a handle whose rows are apart in the file still makes one product.
    const products = await catalogueSnapshot(db);
    expect(products.map((p) => p.handle)).toEqual(["good-hat", "good-socks", "split-scarf"]);
    expect(products.find((p) => p.handle === "split-scarf")!.variants.map((v) => [v.optionValues, v.price])).toEqual([
      [["Grey"], "2000"],
      [["Navy"], "2200"],
    ]);
    expect(await db.selectFrom("variants").select("id").execute()).toHaveLength(4);
  });

  it("reads prices in the shop's currency: whole yen only in a JPY shop", async () => {
    const report = await importProductsCsv(tokyoDb, actor, fromFile("shopify-jpy.csv"), options(tokyo, "JPY"));
    expect(report).toMatchObject({ created: 1, skipped: 1 });
    expect(report.errors).toEqual([
      { line: 3, handle: "yen-cup", message: 'Variant Price "980.5" has decimals, but JPY has no minor unit: use whole numbers, like 1200.' },
    ]);
    expect(await productByHandle(tokyoDb, "yen-bowl")).toMatchObject({ variants: [{ price: "1200", compareAtPrice: "1500" }] });
    // The same file is fine for a shop in euros.
    const euros = await importProductsCsv(northDb, actor, fromFile("shopify-jpy.csv"), options(north, "EUR"));
    expect(euros).toMatchObject({ created: 2, skipped: 0 });
    expect(await productByHandle(northDb, "yen-cup")).toMatchObject({ variants: [{ price: "98050" }] });
  });

  it("reads prices in the shop's number format: a spreadsheet's 12,50 is 12.50, never 1250.00", async () => {
    const file = [
      "Handle,Title,Variant Price,Variant Compare At Price",
      'comma-mug,Comma Mug,"12,50","1.234,50"',
      "point-mug,Point Mug,12.50,",
      'grouped-mug,Grouped Mug,"1,500",',
    ].join("\n");
    const german = await importProductsCsv(southDb, actor, fromText(file), options(south, "EUR", {}, "de-DE"));
    expect(german).toMatchObject({ created: 3, skipped: 0 });
    expect(await productByHandle(southDb, "comma-mug")).toMatchObject({ variants: [{ price: "1250", compareAtPrice: "123450" }] });
    expect(await productByHandle(southDb, "point-mug")).toMatchObject({ variants: [{ price: "1250" }] });
    // "1,500" in a German file is 1,5: three decimals in euros are refused... unless they are zeros, as Shopify writes them.
    expect(await productByHandle(southDb, "grouped-mug")).toMatchObject({ variants: [{ price: "150" }] });

    const english = await importProductsCsv(northDb, actor, fromText(file), options(north, "EUR"));
    expect(english).toMatchObject({ created: 1, skipped: 2 });
    expect(english.errors).toEqual([
      { line: 2, handle: "comma-mug", message: 'Variant Compare At Price "1.234,50" isn\'t an amount: use digits and a dot for decimals, like 12.50.' },
      {
        line: 4,
        handle: "grouped-mug",
        message: 'Variant Price "1,500": "1,500" could mean 1500 or 1.50. Type 1500 without a separator, or 1.50 with "." as the decimal mark.',
      },
    ]);
    expect(await productByHandle(northDb, "point-mug")).toMatchObject({ variants: [{ price: "1250" }] });
  });

  it("updates products by handle, keeping variant ids, and keeps values of columns the file lacks", async () => {
    const before = await northDb
      .selectFrom("variants as v")
      .innerJoin("products as p", "p.id", "v.product_id")
      .select(["v.id", "v.option_values"])
      .where("p.handle", "=", "classic-tee")
      .orderBy("v.position")
      .execute();
    // Stock levels only: no Title, no prices, no option names.
    const stock = [
      "Handle,Option1 Value,Option2 Value,Variant Inventory Qty",
      "classic-tee,Red,S,41",
      "classic-tee,Red,M,42",
      "classic-tee,Blue,S,43",
      "classic-tee,Blue,M,44",
    ].join("\n");
    const report = await importProductsCsv(northDb, actor, fromText(stock), options(north, "EUR"));
    expect(report).toMatchObject({ created: 0, updated: 1, skipped: 0, errors: [] });
    const tee = await productByHandle(northDb, "classic-tee");
    expect(tee).toMatchObject({ title: "Classic Tee", tags: ["cotton", "summer", "basics"], status: "active" });
    expect(tee!.variants.map((v) => [v.inventoryQuantity, v.price, v.sku])).toEqual([
      [41, "2500", "TEE-RED-S"],
      [42, "2500", "TEE-RED-M"],
      [43, "2650", "TEE-BLU-S"],
      [44, "2650", "TEE-BLU-M"],
    ]);
    const after = await northDb
      .selectFrom("variants")
      .select(["id", "option_values"])
      .where("product_id", "=", (await northDb.selectFrom("products").select("id").where("handle", "=", "classic-tee").executeTakeFirstOrThrow()).id)
      .orderBy("position")
      .execute();
    expect(after).toEqual(before);
  });

  it("gives two shops importing the same file catalogues of their own", async () => {
    const northTee = await productByHandle(northDb, "classic-tee");
    const southTee = await productByHandle(southDb, "classic-tee");
    // North's stock update above changed only North.
    expect(northTee!.variants.map((v) => v.inventoryQuantity)).toEqual([41, 42, 43, 44]);
    expect(southTee!.variants.map((v) => v.inventoryQuantity)).toEqual([10, 5, 0, 3]);
    // North has the euro import of the yen file too; South never saw it.
    expect(await productByHandle(northDb, "yen-cup")).toBeDefined();
    expect(await productByHandle(southDb, "yen-cup")).toBeUndefined();
  });

  it("refuses a file that isn't a product CSV before writing anything", async () => {
    const shop = await provisionShop(t.db, {
      slug: "refused",
      name: "Refused",
      ownerId: (await t.db.selectFrom("platform.users").select("id").executeTakeFirstOrThrow()).id,
    });
    const db = tenantDb(t.db, shop.schema_name);
    await expect(importProductsCsv(db, actor, fromText("Name,Price\nShirt,10\n"), options(shop, "EUR"))).rejects.toThrow(/no Handle column/);
    const broken = `Handle,Title,Variant Price\nfine-product,Fine,5.00\nbroken,"Unclosed quote,5.00\n`;
    await expect(importProductsCsv(db, actor, fromText(broken), options(shop, "EUR"))).rejects.toBeInstanceOf(CsvFileError);
    expect(await db.selectFrom("products").select("id").execute()).toEqual([]);
  });
});

describe("importing through the admin, as a job", () => {
  const upload = (slug: string, csv: string, cookie = ownerCookie, fileName = "catalogue.csv") => {
    const { body, contentType } = multipartBody({}, [{ field: "file", filename: fileName, contentType: "text/csv", data: Buffer.from(csv) }]);
    return rawRequest(app.port, PLATFORM, `/admin/${slug}/transfers?index`, {
      method: "POST",
      body,
      headers: { cookie, origin: ORIGIN, "content-type": contentType },
    });
  };

  it("uploads a file, runs it on the worker with a growing progress count, and shows the report", async () => {
    const shop = await provisionShop(t.db, {
      slug: "jobshop",
      name: "Job Shop",
      ownerId: (await t.db.selectFrom("platform.users").select("id").where("email", "=", "owner@example.com").executeTakeFirstOrThrow()).id,
    });
    // 500 products: more than the Starter plan allows (plan limits are tests/plans.test.ts's).
    await changeShopPlan(t.db, shop.id, "pro", { kind: "operator" });
    const db = tenantDb(t.db, shop.schema_name);
    const csv = generatedCsv(500, { badPriceEvery: 125 });
    const res = await upload("jobshop", csv, ownerCookie, "big-catalogue.csv");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/jobshop/transfers");
    const transfer = await db.selectFrom("catalogue_transfers").selectAll().executeTakeFirstOrThrow();
    expect(transfer).toMatchObject({ kind: "import", status: "queued", file_name: "big-catalogue.csv", processed_rows: 0 });

    // Queued and waiting: the page says so and polls.
    const waiting = await app.request(PLATFORM, "/admin/jobshop/transfers", { headers: { cookie: ownerCookie } });
    expect(waiting.body).toContain("Waiting to import big-catalogue.csv");
    expect(waiting.body).toContain('http-equiv="refresh"');

    // A second upload while the first is pending is refused.
    const second = await upload("jobshop", csv);
    expect(second.status).toBe(409);
    expect(second.text()).toContain("An import is already running");

    const worker = startCatalogueTransferWorker(app.services.jobs, t.db, app.services.media);
    const queue = openQueue<CatalogueTransferJob>(app.services.jobs, CATALOGUE_TRANSFERS_QUEUE);
    try {
      const seen: number[] = [];
      let runningPage = "";
      const done = await waitFor(
        async () => {
          const row = await db.selectFrom("catalogue_transfers").selectAll().where("id", "=", transfer.id).executeTakeFirstOrThrow();
          if (row.status === "running" && row.processed_rows > 0 && !runningPage) {
            runningPage = (await app.request(PLATFORM, "/admin/jobshop/transfers", { headers: { cookie: ownerCookie } })).body;
          }
          if (seen.at(-1) !== row.processed_rows) seen.push(row.processed_rows);
          return row.status === "done" || row.status === "failed" ? row : undefined;
        },
        60_000,
        20,
      );
      expect(done.status).toBe("done");
      expect(done.total_rows).toBe(2000);
      expect(done.processed_rows).toBe(2000);
      // The count only grows, and was seen part-way.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.some((n) => n > 0 && n < 2000)).toBe(true);
      expect(runningPage).toMatch(/Importing big-catalogue\.csv/);
      expect(runningPage).toMatch(/<progress[^>]*max="2000"/);
      expect(runningPage).toMatch(/[\d,]+ of 2,000 rows/);

      const report = done.report as { created: number; skipped: number; errors: { line: number; handle: string; message: string }[] };
      expect(report.created).toBe(496);
      expect(report.skipped).toBe(4);
      // Product 125's fourth variant is on line 1 + 124 * 4 + 4.
      expect(report.errors.map((e) => [e.line, e.handle])).toEqual([
        [501, "generated-125"],
        [1001, "generated-250"],
        [1501, "generated-375"],
        [2001, "generated-500"],
      ]);
      expect(await db.selectFrom("products").select("id").execute()).toHaveLength(496);

      // The job completes just after it has written the report.
      const job = await waitFor(async () => (await queue.getJobs(["completed"]))[0]);
      expect(job.data).toEqual({ shopId: shop.id, transferId: transfer.id });
      expect(job.progress).toEqual({ processedRows: 2000, totalRows: 2000 });

      const page = await app.request(PLATFORM, "/admin/jobshop/transfers", { headers: { cookie: ownerCookie } });
      expect(page.body).toContain("Imported big-catalogue.csv");
      expect(page.body).toMatch(/<strong>496<\/strong> created/);
      expect(page.body).toMatch(/<td>501<\/td><td>generated-125<\/td><td>Variant Price &quot;12,34.5&quot;/);
      expect(page.body).not.toContain('http-equiv="refresh"');

      const audit = await db
        .selectFrom("audit_events")
        .select(["action", "actor_email", "summary"])
        .where("subject_type", "=", "catalogue_transfer")
        .orderBy("id")
        .execute();
      expect(audit).toEqual([
        { action: "catalogue.import_started", actor_email: "owner@example.com", summary: "Import of big-catalogue.csv" },
        { action: "catalogue.import_finished", actor_email: "owner@example.com", summary: "big-catalogue.csv: 496 created, 0 updated, 4 skipped" },
      ]);
      // The uploaded file is removed once imported.
      expect(await app.services.media.get(`transfers/${shop.id}/${transfer.id}-${transfer.created_at.getTime()}.csv`)).toBeNull();
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await worker.close();
    }
  });

  it("refuses uploads that are empty or not a product CSV, with the reason next to the field", async () => {
    const empty = await upload("north", "");
    expect(empty.status).toBe(400);
    expect(empty.text()).toContain("Choose a CSV file to import.");
    const wrong = await upload("north", "Name,Price\nShirt,10\n");
    expect(wrong.status).toBe(400);
    expect(wrong.text()).toContain("its first row has no Handle column");
    const transfers: CatalogueTransfer[] = await northDb.selectFrom("catalogue_transfers").selectAll().execute();
    expect(transfers).toEqual([]);
  });

  it("keeps each shop's imports to its members: other shops' pages and transfer ids are 404", async () => {
    await southDb
      .insertInto("catalogue_transfers")
      .values([
        { kind: "import", file_name: "south-1.csv", created_by: "x" },
        { kind: "import", file_name: "south-2.csv", created_by: "x", status: "done" },
        { kind: "import", file_name: "south-secret.csv", created_by: "x", status: "done" },
      ])
      .execute();
    const southIds = (await southDb.selectFrom("catalogue_transfers").select("id").orderBy("id").execute()).map((r) => r.id);
    // North's owner is not a member of South.
    expect((await app.request(PLATFORM, "/admin/south/transfers", { headers: { cookie: ownerCookie } })).status).toBe(404);
    expect((await upload("south", generatedCsv(1))).status).toBe(404);
    expect(await southDb.selectFrom("catalogue_transfers").select("id").execute()).toHaveLength(3);
    // South's transfer id on North's page finds nothing in North.
    const tampered = await app.request(PLATFORM, `/admin/north/transfers?transfer=${southIds.at(-1)}`, { headers: { cookie: ownerCookie } });
    expect(tampered.status).toBe(404);
    const own = await app.request(PLATFORM, "/admin/south/transfers", { headers: { cookie: outsiderCookie } });
    expect(own.status).toBe(200);
    expect(own.body).toContain("south-secret.csv");
    const northPage = await app.request(PLATFORM, "/admin/north/transfers", { headers: { cookie: ownerCookie } });
    expect(northPage.body).not.toContain("south-secret.csv");
  });
});
