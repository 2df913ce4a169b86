// `npx tsx bench/csv-import.ts`: imports a generated 50,000-row Shopify product CSV into one shop
// through the same code as `npm run bazaar -- import-products` and the import job, and prints the
// time taken and the process's peak resident memory.
//
// The file (12,500 products × 4 variants, with descriptions and tags, no images: there is no network
// to fetch them from) is written to a temporary folder and removed at the end; it is never committed.
// DATABASE_URL set: a new database on that server, dropped at the end. Unset: the embedded PostgreSQL
// in .data/bench-postgres on port 5435. BENCH_CSV_ROWS changes the row count (a multiple of 4).
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { runImport, startImmediateImport } from "../shop/csv/transfers.server.ts";
import { SHOPIFY_COLUMNS } from "../shop/csv/shopify-format.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { envInt, openBenchServer, runAdminQuery, heading, printFigures, seconds } from "./support.ts";

const ROWS = envInt("BENCH_CSV_ROWS", 50_000);
const VARIANTS = [
  ["Red", "S"],
  ["Red", "M"],
  ["Blue", "S"],
  ["Blue", "M"],
];
const MB = 1024 * 1024;

/** Writes the file row by row, so the generator itself never holds it. */
async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  const write = async (cells: Partial<Record<(typeof SHOPIFY_COLUMNS)[number], string>>) => {
    if (!out.write(`${SHOPIFY_COLUMNS.map((c) => quote(cells[c] ?? "")).join(",")}\n`)) await once(out, "drain");
  };
  await write(Object.fromEntries(SHOPIFY_COLUMNS.map((c) => [c, c])));
  for (let i = 1; i <= rows / VARIANTS.length; i++) {
    for (const [v, [color, size]] of VARIANTS.entries()) {
      await write({
        Handle: `bench-product-${i}`,
        ...(v === 0
          ? {
              Title: `Bench product ${i}`,
              "Body (HTML)": `<p>Product ${i}: made to last, "packed" with care.</p>\n<p>Machine washable.</p>`,
              Vendor: `Vendor ${i % 40}`,
              Type: `Type ${i % 12}`,
              Tags: `tag-${i % 9}, tag-${i % 13}, bench`,
              Published: "TRUE",
              "Option1 Name": "Color",
              "Option2 Name": "Size",
              "SEO Title": `Bench product ${i}`,
              Status: "active",
            }
          : {}),
        "Option1 Value": color,
        "Option2 Value": size,
        "Variant SKU": `B-${i}-${v}`,
        "Variant Grams": "250",
        "Variant Inventory Tracker": "shopify",
        "Variant Inventory Qty": String((i + v) % 50),
        "Variant Inventory Policy": "deny",
        "Variant Fulfillment Service": "manual",
        "Variant Price": `${10 + (i % 90)}.${String(v * 25).padStart(2, "0")}`,
        "Variant Requires Shipping": "TRUE",
        "Variant Taxable": "TRUE",
        "Variant Weight Unit": "kg",
      });
    }
  }
  out.end();
  await once(out, "finish");
}

const scratch = mkdtempSync(path.join(os.tmpdir(), "bazaar-bench-csv-"));
const file = path.join(scratch, "products.csv");
const server = await openBenchServer();
const name = `bazaar_bench_csv_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
const databaseUrl = new URL(server.adminUrl);
databaseUrl.pathname = `/${name}`;

try {
  heading(`CSV import: ${ROWS.toLocaleString("en-US")} rows, Node ${process.version}, ${os.cpus().length} cores`);
  await writeCsv(file, ROWS);
  console.log(`generated ${file}: ${(statSync(file).size / MB).toFixed(1)} MB`);

  await runAdminQuery(server.adminUrl, `create database ${name}`);
  const db = createDatabase({ url: databaseUrl.href, max: 8 });
  await migratePlatform(db);
  const owner = await createUser(db, { email: "bench@example.com", password: "bench-password" });
  const shop = await provisionShop(db, { slug: "bench-csv", name: "Bench CSV", ownerId: owner.id });
  const shopDb = tenantDb(db, shop.schema_name);
  const actor = { userId: null, email: "bench", ip: "" };
  const storage = new LocalDiskStorage(path.join(scratch, "media"));

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const transfer = await startImmediateImport(shopDb, actor, "products.csv");
  const report = await runImport(shopDb, actor, transfer, () => createReadStream(file), {
    shopId: shop.id,
    money: { currency: "USD", locale: "en-US" },
    storage,
    onProgress: (done, total) => void process.stdout.write(`\r${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows`),
  });
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  process.stdout.write("\n");
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const products = (
    await shopDb
      .selectFrom("products")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow()
  ).n;
  const variants = (
    await shopDb
      .selectFrom("variants")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow()
  ).n;
  console.log(
    `report: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.errors.length} errors; ${products} products, ${variants} variants in the shop`,
  );
  await db.destroy();

  printFigures([
    { benchmark: `import ${ROWS.toLocaleString("en-US")} rows`, measured: seconds(elapsed) },
    { benchmark: "rows per second", measured: Math.round(ROWS / (elapsed / 1000)).toLocaleString("en-US") },
    { benchmark: "RSS before the import", measured: `${(rssBefore / MB).toFixed(0)} MB` },
    { benchmark: "peak RSS during the import (sampled)", measured: `${(rssPeak / MB).toFixed(0)} MB` },
    { benchmark: "peak RSS of the process (getrusage)", measured: `${(maxRss / MB).toFixed(0)} MB` },
  ]);
} catch (error) {
  process.exitCode = 1;
  console.error(error);
} finally {
  await runAdminQuery(server.adminUrl, `drop database if exists ${name} with (force)`).catch((error) => console.error(error));
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
