import { sql, type Kysely, type Transaction } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";

export interface TenantMigration {
  name: string;
  /**
   * Runs inside the tenant's migration transaction. Raw SQL must qualify every
   * table with `sql.id(schema, ...)`: the search_path is never changed.
   */
  up(db: Kysely<any>, schema: string): Promise<void>;
}

// First key of the two-int advisory lock; the second is the schema's hash.
const MIGRATION_LOCK_NAMESPACE = 0x6261_7a72; // "bazr"
const LEDGER = "_migrations";

async function appliedMigrations(db: Kysely<any>, schema: string): Promise<Set<string> | null> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass(${`"${schema}"."${LEDGER}"`}) is not null as exists`.execute(db);
  if (!rows[0]?.exists) return null;
  const applied = await sql<{ name: string }>`select name from ${sql.id(schema, LEDGER)}`.execute(db);
  return new Set(applied.rows.map((r) => r.name));
}

function pending(applied: Set<string> | null, migrations: readonly TenantMigration[]): TenantMigration[] {
  return migrations.filter((m) => !applied?.has(m.name));
}

/**
 * Applies the pending migrations to one schema inside the caller's transaction,
 * holding a per-schema advisory lock until it ends. The schema must exist.
 * Returns the names applied.
 */
export async function migrateSchemaInTransaction(trx: Transaction<any>, schema: string, migrations: readonly TenantMigration[]): Promise<string[]> {
  await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_NAMESPACE}, hashtext(${schema}))`.execute(trx);
  await sql`
    create table if not exists ${sql.id(schema, LEDGER)} (
      name text primary key,
      applied_at timestamptz not null default now()
    )`.execute(trx);
  const todo = pending(await appliedMigrations(trx, schema), migrations);
  for (const migration of todo) {
    await migration.up(trx, schema);
    await sql`insert into ${sql.id(schema, LEDGER)} (name) values (${migration.name})`.execute(trx);
  }
  return todo.map((m) => m.name);
}

/**
 * Brings one existing shop schema up to date: all pending migrations commit
 * together or not at all. A schema with nothing to do costs one read and no lock.
 */
export async function migrateTenant(db: PlatformDb, schema: string, migrations: readonly TenantMigration[]): Promise<string[]> {
  if (pending(await appliedMigrations(db, schema), migrations).length === 0) return [];
  return db.transaction().execute((trx) => migrateSchemaInTransaction(trx, schema, migrations));
}

export interface TenantMigrationReport {
  migrated: { schema: string; applied: string[] }[];
  upToDate: number;
  failed: { schema: string; error: string }[];
}

/**
 * Migrates many schemas with at most `concurrency` at once. One schema's
 * failure is recorded and the others go on; rerunning resumes where it stopped.
 */
export async function migrateTenants(
  db: PlatformDb,
  schemas: readonly string[],
  migrations: readonly TenantMigration[],
  concurrency: number,
): Promise<TenantMigrationReport> {
  const report: TenantMigrationReport = { migrated: [], upToDate: 0, failed: [] };
  let next = 0;
  async function lane() {
    while (next < schemas.length) {
      const schema = schemas[next++];
      try {
        const applied = await migrateTenant(db, schema, migrations);
        if (applied.length) report.migrated.push({ schema, applied });
        else report.upToDate++;
      } catch (error) {
        report.failed.push({ schema, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return report;
}
