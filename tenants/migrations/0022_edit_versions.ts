import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * A version on every other row an editor saves (docs/decisions/035-edit-versions.md), as products have had since
 * 0018: collections, pages, a theme's draft, the shop's settings (its one row stands for every settings form that
 * writes it, and for the policies) and shipping zones and rates, each edited in its own form. Every save raises it;
 * a save from an older version is refused. Existing rows start at 1.
 */
export const editVersions: TenantMigration = {
  name: "0022_edit_versions",
  async up(db, schema) {
    for (const table of ["collections", "pages", "theme_settings", "settings", "shipping_zones", "shipping_rates"])
      await sql`alter table ${sql.id(schema, table)} add column version int not null default 1`.execute(db);
  },
};
