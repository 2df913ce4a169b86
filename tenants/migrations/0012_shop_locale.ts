import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * The locale a shop writes numbers in: it names the decimal mark typed amounts are
 * read with (decision 021). Existing shops keep the notation they had: en-US.
 */
export const shopLocale: TenantMigration = {
  name: "0012_shop_locale",
  async up(db, schema) {
    await sql`alter table ${sql.id(schema, "settings")} add column locale text not null default 'en-US' check (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$')`.execute(
      db,
    );
  },
};
