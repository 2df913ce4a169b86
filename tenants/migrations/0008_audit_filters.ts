import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * The audit log page filters by action and by actor, newest first, and lists
 * the distinct values of both for its menus. Imports write an event per
 * product, so the log grows large: these indexes keep both cheap (a filtered
 * page reads one index range; the menus skip through the index).
 */
export const auditFilters: TenantMigration = {
  name: "0008_audit_filters",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`create index audit_events_action_idx on ${t("audit_events")} (action, id)`.execute(db);
    await sql`create index audit_events_actor_idx on ${t("audit_events")} (actor_email, id)`.execute(db);
  },
};
