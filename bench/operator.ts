/**
 * The operator console at scale: the shop list (default order, sorted by GMV, a search, a page deep in the
 * keyset) and the metrics page and CSV, over 10,000 shops with a year of ledger, snapshots and lifecycle history.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/operator.ts
 *
 * BENCH_OPERATOR_SHOPS (10000) and BENCH_OPERATOR_ROUNDS (40) shrink a run. The registry rows are bulk-inserted
 * (no shop schemas: the console's pages read platform tables only, which is what this measures). Runs a
 * production `npx remix build` first, and serves the real app in this process, requests one at a time.
 */
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "kysely";
import pg from "pg";
import { createDatabase } from "../db/database.server.ts";
import { startEmbeddedPostgres } from "../db/embedded.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { createApp } from "../server/app.server.ts";
import { readConfig } from "../server/config.ts";
import { createOperator, currentTotpCode } from "../server/operator-auth.server.ts";
import { createServices } from "../server/services.server.ts";
import { envInt, heading, ms, printFigures, printTable, seconds, summarize, type Figure } from "./support.ts";

const HOST = "bench.localhost";

function request(port: number, pathname: string, init: { method?: string; cookie?: string; form?: Record<string, string> } = {}) {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: init.method ?? "GET",
        headers: {
          host: HOST,
          origin: `http://${HOST}`,
          ...(init.cookie ? { cookie: init.cookie } : {}),
          ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** 10,000 shops in every state and plan, a usage row each, a year of payments, snapshots and lifecycle history. */
async function seed(db: ReturnType<typeof createDatabase>, shops: number): Promise<void> {
  await sql`
    insert into platform.shops (slug, name, status, plan, created_at, billed_price, billed_currency)
    select 'shop-' || n, 'Bench Shop ' || n,
           (array['active','active','active','trial','paused','frozen','suspended','closed'])[1 + n % 8],
           (array['starter','growth','pro'])[1 + n % 3],
           now() - (n % 365) * interval '1 day',
           case when n % 8 in (0, 1, 2, 4) then (array[1900, 4900, 19900])[1 + n % 3] end,
           case when n % 8 in (0, 1, 2, 4) then 'USD' end
      from generate_series(1, ${shops}) as n`.execute(db);
  await sql`
    insert into platform.shop_usage (shop_id, orders, gmv, currency, products, last_activity_at)
    select id, (id * 7919) % 5000, ((id * 104729) % 9000000), 'USD', (id * 31) % 1000, now() - ((id * 13) % 720) * interval '1 hour'
      from platform.shops`.execute(db);
  // About 30 payments per shop over the year.
  await sql`
    insert into platform.fee_ledger (shop_id, kind, source_id, amount, fee, currency, occurred_at)
    select s.id, 'payment', 'pi_' || s.id || '_' || k, 1000 + (s.id * k) % 20000, (1000 + (s.id * k) % 20000) / 50, 'USD',
           now() - ((s.id + k * 11) % 365) * interval '1 day'
      from platform.shops s, generate_series(1, 30) as k`.execute(db);
  // What recordPaymentFee keeps as it goes, summed here for the bulk-inserted rows.
  await sql`
    insert into platform.ledger_months (month, currency, gmv, fees)
    select date_trunc('month', occurred_at at time zone 'UTC')::date, currency, sum(amount), sum(fee)
      from platform.fee_ledger group by 1, 2`.execute(db);
  await sql`
    insert into platform.platform_snapshots (day, mrr, currency, active_shops, trial_shops, paying_shops)
    select d::date, 100000 + n * 1000, 'USD', 5000 + n * 10, 1000, 4000 + n * 8
      from generate_series(now() - interval '365 days', now(), interval '1 day') with ordinality as g(d, n)`.execute(db);
  await sql`
    insert into platform.shop_status_changes (shop_id, event, from_status, to_status, actor_kind, created_at)
    select id, (array['activate','close','freeze'])[1 + id % 3], 'trial', (array['active','closed','frozen'])[1 + id % 3], 'system',
           now() - (id % 365) * interval '1 day'
      from platform.shops`.execute(db);
  await sql`analyze`.execute(db);
}

async function main(): Promise<void> {
  const shops = envInt("BENCH_OPERATOR_SHOPS", 10_000);
  const rounds = envInt("BENCH_OPERATOR_ROUNDS", 40);
  let adminUrl: URL;
  let stop = async () => {};
  if (process.env.DATABASE_URL) {
    adminUrl = new URL(process.env.DATABASE_URL);
    adminUrl.pathname = "/postgres";
  } else {
    console.log("DATABASE_URL is unset: starting the embedded PostgreSQL in .data/bench-postgres on port 5435");
    const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench-postgres"), port: 5435, database: "postgres" });
    adminUrl = new URL(embedded.url);
    stop = embedded.stop;
  }
  const name = `bazaar_bench_operator_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl.href });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const version = (await admin.query<{ server_version: string }>("show server_version")).rows[0].server_version;
    console.log(`Bazaar operator console benchmark: ${new Date().toISOString()}, Node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores`);
    const built = performance.now();
    const result = spawnSync("npx", ["remix", "build"], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`npx remix build failed:\n${result.stdout}${result.stderr}`);
    console.log(`npx remix build: ${seconds(performance.now() - built)}`);

    const db = createDatabase({ url: databaseUrl.href, max: 4 });
    await migratePlatform(db);
    const seeded = performance.now();
    await seed(db, shops);
    console.log(`seeded ${shops.toLocaleString("en")} shops: ${seconds(performance.now() - seeded)}`);
    const { secret } = await createOperator(db, { email: "bench-operator@example.com", password: "bench-operator-password" });
    await db.destroy();

    const build: ServerBuild = await import(pathToFileURL(path.resolve("build/index.js")).href);
    const config = readConfig({ NODE_ENV: "production", PLATFORM_HOST: HOST, STORE_DOMAIN: "shops.bench.localhost" });
    // Nothing this run signs outlives it: a random secret does.
    process.env.PREVIEW_SECRET ||= randomBytes(32).toString("hex");
    const services = await createServices(config, databaseUrl.href);
    const server = createApp(services, build).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const login = await request(port, "/operator/login", {
        method: "POST",
        form: { email: "bench-operator@example.com", password: "bench-operator-password", code: currentTotpCode(secret) },
      });
      if (login.status !== 302) throw new Error(`operator login failed: ${login.status}`);
      const cookie = String(login.headers["set-cookie"]).split(";")[0];

      // A page 40 deep in the GMV order: the keyset cursor of the 40th "next" link.
      let deep = "/operator?sort=gmv&dir=desc";
      for (let i = 0; i < 40; i++) {
        const page = await request(port, deep, { cookie });
        const next = /href="(\/operator\?[^"]*after=[^"]+)"/.exec(page.body)?.[1];
        if (!next) throw new Error(`no next page after ${i} pages`);
        deep = next.replace(/&amp;/g, "&");
      }
      const pages: [string, string][] = [
        ["shop list, newest first", "/operator"],
        ["shop list, by GMV", "/operator?sort=gmv&dir=desc"],
        ["shop list, by last activity, suspended only", "/operator?sort=activity&status=suspended"],
        ["shop list, search 'shop 77'", "/operator?q=shop%2077"],
        ["shop list, page 41 by GMV (keyset)", deep],
        ["metrics page (12 months)", "/operator/metrics"],
        ["metrics CSV (24 months)", "/operator/metrics.csv"],
      ];
      const timings = new Map<string, number[]>(pages.map(([label]) => [label, []]));
      for (const [, url] of pages) {
        const warm = await request(port, url, { cookie });
        if (warm.status !== 200) throw new Error(`${url} answered ${warm.status}`);
      }
      for (let round = 0; round < rounds; round++) {
        for (const [label, url] of pages) {
          const started = performance.now();
          const res = await request(port, url, { cookie });
          timings.get(label)!.push(performance.now() - started);
          if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
        }
      }
      heading(`console pages, ${shops.toLocaleString("en")} shops, ${rounds} rounds, one request at a time`);
      const rows = pages.map(([label]) => {
        const stats = summarize(timings.get(label)!);
        return [label, ms(stats.p50), ms(stats.p95), ms(stats.max)];
      });
      printTable(["page", "p50", "p95", "max"], rows);
      const load = os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");
      console.log(`load average: ${load}`);
      const figures: Figure[] = pages.map(([label]) => {
        const p95 = summarize(timings.get(label)!).p95;
        return { benchmark: `operator: ${label}, p95`, measured: ms(p95), goal: "< 200 ms", met: p95 < 200 };
      });
      heading("summary");
      printFigures(figures);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await services.close();
    }
  } catch (error) {
    process.exitCode = 1;
    console.error(error);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.chdir(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  await main();
}
