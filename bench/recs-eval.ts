// `npm run recs:eval -- --orders FILE --cutoff YYYY-MM-DD`: issue 11's evaluation of the recommendations.
//
// Imports the order lines before the cutoff into a throwaway shop (in a throwaway database) as products,
// customers and paid orders; runs the real job in its own process (`npm run -s bazaar -- run-recommendations`, so
// its time and peak memory are the job's alone); reads what the storefront would show (recommendedFor and
// boughtTogether, the storefront's own reads); scores it on the lines from the cutoff on with the protocol of
// bench/recs-data.ts next to the three baselines; prints one JSON object on standard output (progress goes to
// standard error). DATABASE_URL picks the server, else the embedded PostgreSQL is used.
import { execFile } from "node:child_process";
import os from "node:os";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import { sql } from "kysely";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { refreshAllProductSummaries } from "../shop/product-summary.server.ts";
import { boughtTogether, recommendedFor } from "../shop/recommendations/recommendations.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { baselines, readLines, score, splitAt, togetherCases, type Line } from "./recs-data.ts";
import { openBenchServer, runAdminQuery } from "./support.ts";

const { values } = parseArgs({ options: { orders: { type: "string" }, cutoff: { type: "string" } } });
if (!values.orders || !values.cutoff || !/^\d{4}-\d{2}-\d{2}$/.test(values.cutoff)) {
  console.error("usage: npm run recs:eval -- --orders FILE --cutoff YYYY-MM-DD");
  process.exit(2);
}
const log = (...args: unknown[]) => console.error(...args);
const cutoff = new Date(`${values.cutoff}T00:00:00Z`);
// Orders have nine columns: 5,000 rows stay under the 65,535 parameters of one statement.
const CHUNK = 5_000;

/** The cleaned lines before the cutoff, as the shop's catalogue, customers and paid orders. */
async function importOrders(db: TenantDb, lines: readonly Line[]): Promise<void> {
  const items = new Map<string, Line>();
  for (const l of lines) if (!items.has(l.item)) items.set(l.item, l);
  const codes = [...items.keys()];
  const productIds = new Map<string, string>();
  const variantIds = new Map<string, string>();
  for (let start = 0; start < codes.length; start += CHUNK) {
    const chunk = codes.slice(start, start + CHUNK);
    const products = await db
      .insertInto("products")
      .values(
        chunk.map((code) => ({
          handle: code.toLowerCase(),
          title: items.get(code)!.description || code,
          status: "active" as const,
          published_at: new Date(0),
        })),
      )
      .returning(["id", "handle"])
      .execute();
    for (const p of products) productIds.set(p.handle.toUpperCase(), p.id);
    const variants = await db
      .insertInto("variants")
      .values(chunk.map((code) => ({ product_id: productIds.get(code)!, position: 1, price: items.get(code)!.unitPrice, inventory_quantity: 1_000_000 })))
      .returning(["id", "product_id"])
      .execute();
    const codeOf = new Map([...productIds].map(([code, id]) => [id, code]));
    for (const v of variants) variantIds.set(codeOf.get(v.product_id)!, v.id);
  }
  await refreshAllProductSummaries(db);

  const customers = [...new Set(lines.flatMap((l) => (l.customer ? [l.customer] : [])))];
  const customerIds = new Map<string, string>();
  for (let start = 0; start < customers.length; start += CHUNK) {
    const rows = await db
      .insertInto("customers")
      .values(customers.slice(start, start + CHUNK).map((c) => ({ email: `customer-${c}@example.com` })))
      .returning(["id", "email"])
      .execute();
    for (const r of rows) customerIds.set(r.email!.slice(9, -12), r.id);
  }

  const invoices = new Map<string, Line[]>();
  for (const l of lines) invoices.set(l.invoice, [...(invoices.get(l.invoice) ?? []), l]);
  const invoiceList = [...invoices];
  for (let start = 0; start < invoiceList.length; start += CHUNK) {
    const chunk = invoiceList.slice(start, start + CHUNK);
    const orders = await db
      .insertInto("orders")
      .values(
        chunk.map(([invoice, orderLines]) => {
          const total = orderLines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
          const first = orderLines[0];
          return {
            customer_id: first.customer ? customerIds.get(first.customer)! : null,
            email: first.customer ? `customer-${first.customer}@example.com` : "",
            currency: "GBP",
            subtotal: total,
            total,
            financial_status: "paid" as const,
            created_at: first.at,
            paid_at: first.at,
            // The invoice number finds the order again below; a throwaway shop's orders have no status page.
            status_token: `invoice-${invoice}`,
          };
        }),
      )
      .returning(["id", "status_token"])
      .execute();
    const orderOf = new Map(orders.map((o) => [o.status_token!.slice(8), o.id]));
    const rows = chunk.flatMap(([invoice, orderLines]) => orderLines.map((l) => ({ invoice, l })));
    await db
      .insertInto("order_lines")
      .columns(["order_id", "product_id", "variant_id", "title", "quantity", "unit_price"])
      .expression((eb) =>
        eb
          .selectFrom(
            sql`unnest(${rows.map((r) => orderOf.get(r.invoice)!)}::bigint[], ${rows.map((r) => productIds.get(r.l.item)!)}::bigint[],
              ${rows.map((r) => variantIds.get(r.l.item)!)}::bigint[], ${rows.map((r) => r.l.description || r.l.item)}::text[],
              ${rows.map((r) => r.l.quantity)}::int[], ${rows.map((r) => r.l.unitPrice)}::bigint[])`.as("u"),
          )
          .selectAll(),
      )
      .execute();
  }
  log(`imported ${codes.length} products, ${customers.length} customers, ${invoices.size} orders, ${lines.length} lines`);
}

const server = await openBenchServer();
const name = `bazaar_recs_eval_${Date.now()}`;
const databaseUrl = new URL(server.adminUrl);
databaseUrl.pathname = `/${name}`;
try {
  log(`recs:eval on ${values.orders}, cutoff ${values.cutoff}, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  const split = splitAt(await readLines(values.orders), cutoff);
  log(`${split.train.length} lines before the cutoff, ${split.test.length} from it`);
  await runAdminQuery(server.adminUrl, `create database ${name}`);
  const platform = createDatabase({ url: databaseUrl.href, max: 4 });
  await migratePlatform(platform);
  const owner = await createUser(platform, { email: "recs-eval@example.com", password: "recs-eval-password" });
  const shop = await provisionShop(platform, { slug: "recs-eval", name: "Recommendations evaluation", ownerId: owner.id });
  const db = tenantDb(platform, shop.schema_name);
  await importOrders(db, split.train);

  // The real job, in its own process: the same code the worker runs, measured alone.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "server/cli.ts", "run-recommendations", "--shop", shop.slug, "--now", cutoff.toISOString()],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl.href },
      maxBuffer: 1 << 20,
    },
  );
  const job = JSON.parse(stdout) as { tookMs: number; peakRssMb: number };
  log("job:", stdout.trim());

  // What the storefront would show: each customer's "for you", each query item's "bought together".
  const customerIds = new Map((await db.selectFrom("customers").select(["id", "email"]).execute()).map((c) => [c.email!.slice(9, -12), c.id]));
  const productIds = new Map((await db.selectFrom("products").select(["id", "handle"]).execute()).map((p) => [p.handle.toUpperCase(), p.id]));
  const codeOf = new Map([...productIds].map(([code, id]) => [id, code]));
  const testCustomers = [...new Set(split.test.flatMap((l) => (l.customer && customerIds.has(l.customer) ? [l.customer] : [])))];
  const cases = togetherCases(split);
  const forYou = new Map<string, string[]>();
  for (const customer of testCustomers) {
    const picks = await recommendedFor(db, { customerId: customerIds.get(customer) }, { limit: 40 });
    forYou.set(
      customer,
      picks.map((p) => codeOf.get(p.productId)!),
    );
  }
  const together = new Map<string, string[]>();
  for (const query of new Set(cases.map((c) => c.query))) {
    const picks = await boughtTogether(db, productIds.get(query)!, { limit: 10 });
    together.set(
      query,
      picks.map((p) => codeOf.get(p.productId)!),
    );
  }
  const ours = score(split, { forYou: (c) => forYou.get(c) ?? [], together: (item) => together.get(item) ?? [] }, cases);
  const base = baselines(split, cutoff);
  const result = {
    ...ours,
    baselines: {
      popularity: score(split, base.popularity, cases),
      buy_again: score(split, base.buy_again, cases),
      cooccurrence: score(split, base.cooccurrence, cases),
    },
    job_seconds: Number((job.tookMs / 1000).toFixed(2)),
    job_peak_rss_mb: job.peakRssMb,
  };
  console.log(JSON.stringify(result, (_key, value) => (typeof value === "number" ? Number(value.toFixed(4)) : value)));
  log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  await platform.destroy();
} finally {
  await runAdminQuery(server.adminUrl, `drop database if exists ${name} with (force)`).catch((error) => log(error));
  await server.stop();
}
