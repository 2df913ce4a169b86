import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Handles in any script (shop/handles.ts): a title in Japanese, Cyrillic or Arabic makes a handle of its own words,
 * as on Shopify. The database keeps the same rule in its terms: lowercase, words of anything but spaces,
 * punctuation and control characters, joined by single hyphens, at most 200 characters.
 */
const RULE = `handle = lower(handle) and length(handle) <= 200 and handle ~ '^[^-[:space:][:punct:][:cntrl:]]+(-[^-[:space:][:punct:][:cntrl:]]+)*$'`;

export const unicodeHandles: TenantMigration = {
  name: "0016_unicode_handles",
  async up(db, schema) {
    for (const table of ["products", "collections", "pages"]) {
      await sql`alter table ${sql.id(schema, table)} drop constraint ${sql.id(`${table}_handle_check`)}`.execute(db);
      await sql`alter table ${sql.id(schema, table)} add constraint ${sql.id(`${table}_handle_check`)} check (${sql.raw(RULE)})`.execute(db);
    }
  },
};
