import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `withSchema` does not rewrite raw `sql` templates, so a raw table name
 * without `${sql.id(schema, ...)}` (or an explicit `platform.`/catalog
 * prefix) would hit whatever the search_path says. This guard finds them.
 */
const TABLE_POSITION =
  /\b(from|join|into|update|table|references)\s+(?!\$\{)(?:if\s+(?:not\s+)?exists\s+|only\s+)?("?[a-z_][a-z0-9_]*"?)(\s*\.\s*"?[a-z_][a-z0-9_]*"?)?/gi;
const ALLOWED_SCHEMAS = new Set(["platform", "pg_catalog", "information_schema"]);
// Words that follow FROM etc. but are not tables. "if" is what's left when `if not exists` precedes `${...}`.
const NOT_TABLES = new Set(["if", "select", "lateral", "values"]);

/** `from generate_series(...)` is a function; `into orders (id)` is a table with a column list. */
function isFunctionCall(keyword: string, rest: string): boolean {
  return /^(from|join)$/i.test(keyword) && /^\s*\(/.test(rest);
}

function unqualifiedTables(source: string): string[] {
  const found: string[] = [];
  for (const template of source.matchAll(/\bsql(?:<[^`]*?>)?`([^`]*)`/g)) {
    for (const m of template[1].matchAll(TABLE_POSITION)) {
      const [, keyword, first, qualified] = m;
      const name = first.replaceAll('"', "").toLowerCase();
      if (qualified) {
        if (!ALLOWED_SCHEMAS.has(name)) found.push(`${name}${qualified}`);
      } else if (!NOT_TABLES.has(name) && !isFunctionCall(keyword, template[1].slice((m.index ?? 0) + m[0].length))) {
        found.push(name);
      }
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

describe("raw SQL guard", () => {
  it("catches unqualified and wrongly qualified tables, and accepts qualified ones", () => {
    expect(unqualifiedTables("await sql`select * from storefront_settings`.execute(db)")).toEqual(["storefront_settings"]);
    expect(unqualifiedTables("sql`update products set x = 1`")).toEqual(["products"]);
    expect(unqualifiedTables('sql`insert into "orders" (id) values (1)`')).toEqual(["orders"]);
    expect(unqualifiedTables("sql`select 1 from public.products`")).toEqual(["public.products"]);
    expect(unqualifiedTables("sql<{ n: number }>`create table if not exists carts (id int)`")).toEqual(["carts"]);
    expect(unqualifiedTables("sql`select * from ${sql.id(schema, 'products')}`")).toEqual([]);
    expect(unqualifiedTables("sql`create table if not exists ${sql.id(schema, LEDGER)} (name text)`")).toEqual([]);
    expect(unqualifiedTables("sql`select * from platform.shops join pg_catalog.pg_namespace n on true`")).toEqual([]);
    expect(unqualifiedTables("sql`select * from generate_series(1, 3)`")).toEqual([]);
  });

  it("finds no unqualified table in raw SQL anywhere in tenant-reachable code", () => {
    const roots = ["app", "shop", "themes", "tenants", "jobs", "db", "server"];
    const offenders = roots
      .flatMap((root) => sourceFiles(root))
      .flatMap((file) => unqualifiedTables(readFileSync(file, "utf8")).map((table) => `${file}: ${table}`));
    expect(offenders).toEqual([]);
  });
});
