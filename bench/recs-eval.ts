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
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { boughtTogether, recommendedFor } from "../shop/recommendations/recommendations.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { baselines, readLines, score, splitAt, togetherCases } from "./recs-data.ts";
import { importOrders } from "./recs-import.ts";
import { openBenchServer, runAdminQuery } from "./support.ts";

const { values } = parseArgs({ options: { orders: { type: "string" }, cutoff: { type: "string" } } });
if (!values.orders || !values.cutoff || !/^\d{4}-\d{2}-\d{2}$/.test(values.cutoff)) {
  console.error("usage: npm run recs:eval -- --orders FILE --cutoff YYYY-MM-DD");
  process.exit(2);
}
const log = (...args: unknown[]) => console.error(...args);
const cutoff = new Date(`${values.cutoff}T00:00:00Z`);

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
  log(await importOrders(db, split.train));

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
