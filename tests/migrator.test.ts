import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateAll } from "../db/migrate.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import { migrateTenant, type TenantMigration } from "../tenants/migrator.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

const SHOPS = 24;
let t: TestDatabase;
let schemas: string[];

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 12 });
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  schemas = [];
  for (let i = 0; i < SHOPS; i++) schemas.push((await provisionShop(t.db, { slug: `shop-${i}`, name: `Shop ${i}`, ownerId: owner.id })).schema_name);
});
afterAll(() => t?.drop());

async function applied(schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from ${sql.id(schema, "_migrations")} order by name`.execute(t.db);
  return rows.map((r) => r.name);
}

async function hasColumn(schema: string, table: string, column: string): Promise<boolean> {
  const { rows } =
    await sql`select 1 from information_schema.columns where table_schema = ${schema} and table_name = ${table} and column_name = ${column}`.execute(t.db);
  return rows.length === 1;
}

function addColumn(name: string, column: string, hook?: (db: Parameters<TenantMigration["up"]>[0], schema: string) => Promise<void>): TenantMigration {
  return {
    name,
    async up(db, schema) {
      await sql`alter table ${sql.id(schema, "settings")} add column ${sql.id(column)} text`.execute(db);
      await hook?.(db, schema);
    },
  };
}

describe("tenant migration runner", () => {
  it("migrates many schemas in parallel, and a second run has nothing to do", async () => {
    const extra = addColumn("0100_add_tagline", "tagline");
    const first = await migrateAll(t.db, { concurrency: 8, migrations: [...tenantMigrations, extra] });
    expect(first.failed).toEqual([]);
    expect(first.migrated).toHaveLength(SHOPS);
    for (const schema of schemas) expect(await hasColumn(schema, "settings", "tagline")).toBe(true);

    const second = await migrateAll(t.db, { concurrency: 8, migrations: [...tenantMigrations, extra] });
    expect(second).toEqual({ migrated: [], upToDate: SHOPS, failed: [] });
  });

  it("reports a failing shop without stopping or corrupting the others", async () => {
    const broken = new Set([schemas[3], schemas[17]]);
    const flaky = addColumn("0101_add_motto", "motto", async (_db, schema) => {
      if (broken.has(schema)) throw new Error(`boom in ${schema}`);
    });
    const migrations = [...tenantMigrations, addColumn("0100_add_tagline", "tagline"), flaky];
    const report = await migrateAll(t.db, { concurrency: 4, migrations });
    expect(report.failed.map((f) => f.schema).sort()).toEqual([...broken].sort());
    expect(report.migrated).toHaveLength(SHOPS - 2);
    for (const schema of broken) {
      expect(await hasColumn(schema, "settings", "motto")).toBe(false);
      expect(await applied(schema)).not.toContain("0101_add_motto");
    }

    // Fixed and rerun: only the two that failed have work left.
    broken.clear();
    const rerun = await migrateAll(t.db, { concurrency: 4, migrations });
    expect(rerun.failed).toEqual([]);
    expect(rerun.migrated.map((m) => m.schema).sort()).toEqual([schemas[3], schemas[17]].sort());
  });

  it("resumes after the connection dies mid-migration", async () => {
    const victim = schemas[5];
    let killed = false;
    const crashing = addColumn("0102_add_banner", "banner", async (db, schema) => {
      if (schema === victim && !killed) {
        killed = true;
        await sql`select pg_terminate_backend(pg_backend_pid())`.execute(db);
      }
    });
    const migrations = [...tenantMigrations, addColumn("0100_add_tagline", "tagline"), addColumn("0101_add_motto", "motto"), crashing];
    const report = await migrateAll(t.db, { concurrency: 4, migrations });
    expect(report.failed.map((f) => f.schema)).toEqual([victim]);
    expect(await hasColumn(victim, "settings", "banner")).toBe(false);

    const rerun = await migrateAll(t.db, { concurrency: 4, migrations });
    expect(rerun.failed).toEqual([]);
    expect(rerun.migrated.map((m) => m.schema)).toEqual([victim]);
    expect(await hasColumn(victim, "settings", "banner")).toBe(true);
  });

  it("applies a migration once when two runners race on the same schema", async () => {
    let runs = 0;
    const slow: TenantMigration = {
      name: "0103_slow",
      async up(db, schema) {
        runs++;
        await sql`select pg_sleep(0.2)`.execute(db);
        await sql`create table ${sql.id(schema, "slow_table")} (id int)`.execute(db);
      },
    };
    const all = [
      ...tenantMigrations,
      addColumn("0100_add_tagline", "tagline"),
      addColumn("0101_add_motto", "motto"),
      addColumn("0102_add_banner", "banner"),
      slow,
    ];
    const results = await Promise.all([migrateTenant(t.db, schemas[0], all), migrateTenant(t.db, schemas[0], all)]);
    expect(runs).toBe(1);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
  });

  it("runs as `npm run db:migrate` and exits 0 when every shop is up to date", async () => {
    const { stdout } = await promisify(execFile)("npx", ["tsx", "db/migrate.ts"], { env: { ...process.env, DATABASE_URL: t.url } });
    expect(stdout).toMatch(new RegExp(`shop schemas \\(spares included\\): 0 migrated, ${SHOPS} up to date, 0 failed`));
  });
});
