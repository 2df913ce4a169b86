import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * A retry-safe catalogue import (docs/decisions/031). `claimed_until` is the lease of the run that holds an import:
 * a redelivered or second job for the same transfer finds it held and leaves it alone until the lease lapses (its
 * run died). The partial unique index lets one import per shop be waiting or running, so two uploads at the same
 * moment can't both start; older unfinished imports (abandoned before this index) are failed first.
 */
export const importClaims: TenantMigration = {
  name: "0020_import_claims",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`alter table ${t("catalogue_transfers")} add column claimed_until timestamptz`.execute(db);
    await sql`
      update ${t("catalogue_transfers")}
      set status = 'failed', finished_at = now(), report = '{"error": "The import was interrupted. Upload the file again."}'
      where kind = 'import' and status in ('queued', 'running')
        and id <> (select max(id) from ${t("catalogue_transfers")} where kind = 'import' and status in ('queued', 'running'))`.execute(db);
    await sql`
      create unique index catalogue_transfers_one_active_import on ${t("catalogue_transfers")} (kind)
      where kind = 'import' and status in ('queued', 'running')`.execute(db);
  },
};
