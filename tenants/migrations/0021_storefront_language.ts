import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * The language shoppers read the storefront and its emails in (docs/decisions/032-storefront-language.md). Separate
 * from `locale`, which names how the merchant types numbers. Existing shops keep English.
 */
export const storefrontLanguage: TenantMigration = {
  name: "0021_storefront_language",
  async up(db, schema) {
    await sql`alter table ${sql.id(schema, "settings")} add column storefront_language text not null default 'en' check (storefront_language ~ '^[a-z]{2,3}(-[A-Z]{2})?$')`.execute(
      db,
    );
  },
};
