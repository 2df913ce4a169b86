import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * A product's version, raised by every save and by every stock change an order or refund makes, so the editor can
 * refuse a save based on an older version instead of overwriting it without a word.
 */
export const productVersions: TenantMigration = {
  name: "0018_product_versions",
  async up(db, schema) {
    await sql`alter table ${sql.id(schema, "products")} add column version int not null default 1`.execute(db);
  },
};
