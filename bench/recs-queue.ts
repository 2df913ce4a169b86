// `npx tsx bench/recs-queue.ts`: 1,000 shops with recommendation schedulers on one
// queue. Does a shop with a large history hold the small shops up by more than its one job, and how many shop-jobs
// a minute does one worker process get through?
//
// A throwaway database holds one large shop (the ~375,000 order lines of ../shared/data/online_retail before
// 2011-10-10) and RECS_SHOPS - 1 small ones (3 products, 5 orders each). Rounds alternate between the queue with
// the large shop's job first in line (A) and without it (B); each round schedules every shop (its first run is
// immediate), starts one worker process's worth of concurrency and times every job. Jobs run on Redis when
// REDIS_URL is set, else on PostgreSQL like the demo.
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import {
  RECOMMENDATIONS_QUEUE,
  scheduleRecommendations,
  startRecommendationsWorker,
  type RecommendationJob,
} from "../jobs/processors/recommendations.server.ts";
import { jobStore, openQueue } from "../jobs/queues.server.ts";
import { refreshAllProductSummaries } from "../shop/product-summary.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { readLines, splitAt } from "./recs-data.ts";
import { importOrders } from "./recs-import.ts";
import { envInt, heading, openBenchServer, printTable, runAdminQuery, seconds } from "./support.ts";

const SHOPS = envInt("RECS_SHOPS", 1000);
const ROUNDS = envInt("RECS_ROUNDS", 2);
const ORDERS_FILE = path.resolve(import.meta.dirname, "../../shared/data/online_retail/train.csv.gz");

const server = await openBenchServer();
const name = `bazaar_recs_queue_${Date.now()}`;
const databaseUrl = new URL(server.adminUrl);
databaseUrl.pathname = `/${name}`;
try {
  heading(`Recommendations queue: ${SHOPS} shops, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  await runAdminQuery(server.adminUrl, `create database ${name}`);
  const db = createDatabase({ url: databaseUrl.href, max: 10 });
  await migratePlatform(db);
  const owner = await createUser(db, { email: "recs-queue@example.com", password: "recs-queue-password" });
  const large = await provisionShop(db, { slug: "large", name: "Large", ownerId: owner.id });
  const cutoff = new Date("2011-10-10T00:00:00Z");
  const largeDb = tenantDb(db, large.schema_name);
  console.log(await importOrders(largeDb, splitAt(await readLines(ORDERS_FILE), cutoff).train));
  // The file's orders end in 2011: moved forward so that they end today, as a live shop's would.
  await largeDb
    .updateTable("orders")
    .set((eb) => ({ created_at: sql`${eb.ref("created_at")} + ${`${Date.now() - cutoff.getTime()} milliseconds`}::interval` }))
    .execute();
  const small: string[] = [];
  for (let i = 1; i < SHOPS; i++) {
    const shop = await provisionShop(db, { slug: `small-${i}`, name: `Small ${i}`, ownerId: owner.id });
    const shopDb = tenantDb(db, shop.schema_name);
    const products = await shopDb
      .insertInto("products")
      .values([1, 2, 3].map((n) => ({ handle: `p${n}`, title: `Product ${n}`, status: "active" as const, published_at: new Date() })))
      .returning("id")
      .execute();
    const variants = await shopDb
      .insertInto("variants")
      .values(products.map((p) => ({ product_id: p.id, position: 1, price: 1000, inventory_quantity: 10 })))
      .returning(["id", "product_id"])
      .execute();
    const orders = await shopDb
      .insertInto("orders")
      .values([1, 2, 3, 4, 5].map(() => ({ email: "", currency: "USD", subtotal: 2000, total: 2000, financial_status: "paid" as const })))
      .returning("id")
      .execute();
    await shopDb
      .insertInto("order_lines")
      .values(
        orders.flatMap((o, k) =>
          [variants[k % 3], variants[(k + 1) % 3]].map((v) => ({
            order_id: o.id,
            product_id: v.product_id,
            variant_id: v.id,
            title: "x",
            quantity: 1,
            unit_price: 1000,
          })),
        ),
      )
      .execute();
    await refreshAllProductSummaries(shopDb);
    small.push(shop.id);
  }
  console.log(`provisioned ${SHOPS} shops`);

  const store = jobStore({ redisUrl: process.env.REDIS_URL, databaseUrl: databaseUrl.href, prefix: `bazaar-bench-${process.pid}` });
  const queue = openQueue<RecommendationJob>(store, RECOMMENDATIONS_QUEUE);
  const rows: string[][] = [];
  const makespan: Record<"A" | "B", number[]> = { A: [], B: [] };
  let largeJobMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ["A", "B"] as const) {
      await queue.obliterate({ force: true });
      // The large shop asks first, so its job is the first the worker takes.
      const shops = variant === "A" ? [large.id, ...small] : small;
      for (const id of shops) await scheduleRecommendations(queue, id);
      const finished = new Map<string, { start: number; end: number }>();
      const started = Date.now();
      const worker = startRecommendationsWorker(store, db);
      worker.on("completed", (job) => finished.set(job.data.shopId, { start: job.processedOn!, end: job.finishedOn! }));
      while (finished.size < shops.length) await new Promise((r) => setTimeout(r, 100));
      await worker.close();
      const smallEnd = Math.max(...small.map((id) => finished.get(id)!.end)) - started;
      makespan[variant].push(smallEnd);
      if (variant === "A") largeJobMs = finished.get(large.id)!.end - finished.get(large.id)!.start;
      const total = Date.now() - started;
      rows.push([
        String(round + 1),
        variant === "A" ? "large shop first" : "small shops only",
        seconds(smallEnd),
        variant === "A" ? seconds(largeJobMs) : "",
        `${Math.round((shops.length / total) * 60_000).toLocaleString("en-US")}`,
        os.loadavg()[0].toFixed(1),
      ]);
    }
  }
  await queue.obliterate({ force: true });
  await queue.close();
  printTable(["round", "queue", "all small shops done", "large shop's job", "shop-jobs/min", "load"], rows);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const delay = median(makespan.A) - median(makespan.B);
  console.log(
    `\nThe large shop delays the last small shop by ${seconds(delay)} (A/B ${(median(makespan.A) / median(makespan.B)).toFixed(2)}), ` +
      `against its own job of ${seconds(largeJobMs)}: ${delay <= largeJobMs ? "at most one job, met" : "more than one job, NOT met"}. Load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}.`,
  );
  await db.destroy();
} finally {
  await runAdminQuery(server.adminUrl, `drop database if exists ${name} with (force)`).catch((error) => console.error(error));
  await server.stop();
}
