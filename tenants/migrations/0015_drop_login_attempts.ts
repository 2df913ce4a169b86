import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Shopper logins are throttled in the platform's rate-limit table now (server/limits.server.ts). */
export const dropLoginAttempts: TenantMigration = {
  name: "0015_drop_login_attempts",
  async up(db, schema) {
    await sql`drop table ${sql.id(schema, "customer_login_attempts")}`.execute(db);
  },
};
