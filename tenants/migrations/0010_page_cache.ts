import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * The storefront page cache keys every entry by the shop's cache version;
 * every merchant change bumps it (shop/page-cache.server.ts), so the next
 * request renders afresh and stale entries are never hit again.
 */
export const pageCache: TenantMigration = {
  name: "0010_page_cache",
  async up(db, schema) {
    await sql`alter table ${sql.id(schema, "settings")} add column cache_version bigint not null default 0`.execute(db);
  },
};
