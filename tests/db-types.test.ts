import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

/**
 * db/types.ts is written by hand next to the migrations: this checks that every table the migrations make is typed,
 * with exactly the columns the database has, for the platform schema and a freshly provisioned shop's schema.
 */
const source = readFileSync("db/types.ts", "utf8");

/** Table name → interface name, from `export interface <Database> { table: Interface; … }`. */
function tablesOf(database: string): Map<string, string> {
  const body = new RegExp(`export interface ${database} \\{([^}]*)\\}`).exec(source)?.[1] ?? "";
  return new Map([...body.matchAll(/^\s+"?([\w.]+)"?: (\w+);/gm)].map((m) => [m[1], m[2]]));
}

/** The field names of an interface: its top-level `name:` lines. */
function fieldsOf(name: string): string[] {
  const body = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? "";
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]).sort();
}

let t: TestDatabase;
let shopSchema: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  shopSchema = (await provisionShop(t.db, { slug: "typed", name: "Typed", ownerId: owner.id })).schema_name;
});
afterAll(() => t?.drop());

async function columns(schema: string): Promise<Map<string, string[]>> {
  const rows = await t.db
    .selectFrom("information_schema.columns" as never)
    .select(["table_name", "column_name"] as never)
    .where("table_schema" as never, "=", schema as never)
    .execute();
  const tables = new Map<string, string[]>();
  for (const row of rows as { table_name: string; column_name: string }[]) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row.column_name]);
  for (const list of tables.values()) list.sort();
  return tables;
}

describe("db/types.ts", () => {
  it("types every platform table with exactly its columns", async () => {
    const actual = await columns("platform");
    const typed = tablesOf("PlatformDatabase");
    expect(typed.size).toBeGreaterThan(20);
    const kyselyLedger = ["kysely_migration", "kysely_migration_lock"];
    expect([...actual.keys()].filter((table) => !kyselyLedger.includes(table)).sort()).toEqual(
      [...typed.keys()].map((k) => k.replace(/^platform\./, "")).sort(),
    );
    for (const [table, face] of typed) expect(fieldsOf(face), table).toEqual(actual.get(table.replace(/^platform\./, "")));
  });

  it("types every table of a shop's schema with exactly its columns", async () => {
    const actual = await columns(shopSchema);
    const typed = tablesOf("TenantDatabase");
    expect(typed.size).toBeGreaterThan(30);
    expect(fieldsOf("OrdersTable")).toContain("status_token");
    const ledger = [...actual.keys()].filter((table) => !typed.has(table));
    // Only the migration runner's own ledger is left untyped.
    expect(ledger.length).toBeLessThanOrEqual(1);
    for (const [table, face] of typed) expect(fieldsOf(face), table).toEqual(actual.get(table));
  });
});
