import { pathToFileURL } from "node:url";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import { migrateTenants, type TenantMigration, type TenantMigrationReport } from "../tenants/migrator.server.ts";
import { createDatabase, type PlatformDb } from "./database.server.ts";
import { resolveDatabaseUrl } from "./embedded.server.ts";
import { migratePlatform } from "./migrate-platform.server.ts";

export const DEFAULT_MIGRATION_CONCURRENCY = 8;

/** The platform schema first, then every shop's schema, spares included. Safe to rerun at any point. */
export async function migrateAll(
  db: PlatformDb,
  { concurrency = DEFAULT_MIGRATION_CONCURRENCY, migrations = tenantMigrations }: { concurrency?: number; migrations?: readonly TenantMigration[] } = {},
): Promise<TenantMigrationReport> {
  await migratePlatform(db);
  // Spare shops too: a signup may claim any of them next.
  const schemas = await db
    .selectFrom("platform.shops")
    .select(["id", "schema_name"])
    .unionAll((eb) => eb.selectFrom("platform.spare_shops").select(["id", "schema_name"]))
    .orderBy("id")
    .execute();
  return migrateTenants(
    db,
    schemas.map((s) => s.schema_name),
    migrations,
    concurrency,
  );
}

// `npm run db:migrate`
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const concurrency = Number(process.env.MIGRATE_CONCURRENCY ?? DEFAULT_MIGRATION_CONCURRENCY);
  const database = await resolveDatabaseUrl(process.env.DATABASE_URL);
  const db = createDatabase({ url: database.url, max: concurrency + 2 });
  const started = performance.now();
  const report = await migrateAll(db, { concurrency });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `platform migrated; shop schemas (spares included): ${report.migrated.length} migrated, ${report.upToDate} up to date, ${report.failed.length} failed (${seconds} s)`,
  );
  for (const { schema, error } of report.failed) console.error(`  ${schema}: ${error}`);
  await db.destroy();
  await database.stop();
  // Explicit: with the embedded server loaded, its exit hook would otherwise turn every exit code into 0.
  process.exit(report.failed.length ? 1 : 0);
}
