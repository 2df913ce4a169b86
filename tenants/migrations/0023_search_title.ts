import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * The title as search looks for Chinese, Japanese, Korean and Thai words inside it (shop/search.server.ts, `inTitles`):
 * NFKC-normalised, so half-width ｺｰﾋｰ is コーヒー as in the query, and lowercased. Computed once per save by a generated
 * column (no trigger): normalize() on every title at every search tripled the scan of a 50,000-product shop
 * (docs/decisions/008-search-in-postgresql.md).
 */
export const searchTitle: TenantMigration = {
  name: "0023_search_title",
  async up(db, schema) {
    await sql`alter table ${sql.id(schema, "products")} add column search_title text generated always as (lower(normalize(title, NFKC))) stored`.execute(db);
  },
};
