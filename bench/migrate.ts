import { sql } from "kysely";
import { createDatabase } from "../db/database.server.ts";
import { DEFAULT_MIGRATION_CONCURRENCY, migrateAll } from "../db/migrate.ts";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import type { TenantMigration, TenantMigrationReport } from "../tenants/migrator.server.ts";
import { heading, seconds, type Figure } from "./support.ts";

const GOAL_NOOP_MS = 10_000;
const GOAL_ADDITIVE_MS = 60_000;

/**
 * Bench-only, never shipped: a small additive table like a typical feature
 * migration (identity sequence, primary key and a unique index). Qualified with
 * sql.id because the migrator never changes the search_path.
 */
const benchPages: TenantMigration = {
  name: "9000_bench_pages",
  async up(db, schema) {
    await sql`
      create table ${sql.id(schema, "bench_pages")} (
        id bigint generated always as identity primary key,
        path text not null unique,
        body text not null default '',
        updated_at timestamptz not null default now()
      )`.execute(db);
  },
};

async function timed(run: () => Promise<TenantMigrationReport>): Promise<{ report: TenantMigrationReport; elapsedMs: number }> {
  const started = performance.now();
  const report = await run();
  return { report, elapsedMs: performance.now() - started };
}

/** Fails the run on any schema failure, so a fast but broken migration never reads as a result. */
function check(label: string, report: TenantMigrationReport, expect: { migrated: number; upToDate: number }): void {
  if (report.failed.length) {
    const first = report.failed[0];
    throw new Error(`${label}: ${report.failed.length} schemas failed, e.g. ${first.schema}: ${first.error}`);
  }
  if (report.migrated.length !== expect.migrated || report.upToDate !== expect.upToDate) {
    throw new Error(`${label}: expected ${JSON.stringify(expect)}, got migrated=${report.migrated.length} upToDate=${report.upToDate}`);
  }
}

/** migrateAll over every provisioned shop: once with nothing to do, once with one new migration. */
export async function benchMigrate(
  databaseUrl: string,
  { shops, concurrency = DEFAULT_MIGRATION_CONCURRENCY }: { shops: number; concurrency?: number },
): Promise<{ figures: Figure[] }> {
  // The migrator's lanes each hold a connection; two spare keep the platform step from waiting.
  const poolSize = concurrency + 2;
  heading(`migrate: ${shops} shops, concurrency ${concurrency}, pool ${poolSize}`);
  const db = createDatabase({ url: databaseUrl, max: poolSize });
  try {
    const noop = await timed(() => migrateAll(db, { concurrency }));
    check("no-op run", noop.report, { migrated: 0, upToDate: shops });
    console.log(`nothing to do:          ${seconds(noop.elapsedMs)}  (${noop.report.upToDate} schemas up to date)`);

    const additive = await timed(() => migrateAll(db, { concurrency, migrations: [...tenantMigrations, benchPages] }));
    check("additive run", additive.report, { migrated: shops, upToDate: 0 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = 'bench_pages'`.execute(db);
    if (rows[0]?.n !== shops) throw new Error(`expected bench_pages in ${shops} schemas, found ${rows[0]?.n}`);
    console.log(`one additive migration: ${seconds(additive.elapsedMs)}  (${additive.report.migrated.length} schemas migrated)`);

    const label = `${shops} shops, concurrency ${concurrency}`;
    return {
      figures: [
        {
          benchmark: `migrate: nothing to do (${label})`,
          measured: seconds(noop.elapsedMs),
          goal: `< ${GOAL_NOOP_MS / 1000} s`,
          met: noop.elapsedMs < GOAL_NOOP_MS,
        },
        {
          benchmark: `migrate: one additive migration (${label})`,
          measured: seconds(additive.elapsedMs),
          goal: `< ${GOAL_ADDITIVE_MS / 1000} s`,
          met: additive.elapsedMs < GOAL_ADDITIVE_MS,
        },
      ],
    };
  } finally {
    await db.destroy();
  }
}
