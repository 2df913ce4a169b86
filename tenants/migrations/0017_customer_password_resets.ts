import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Shoppers' password reset links, per shop: only the SHA-256 of each token; a link works once, for an hour. */
export const customerPasswordResets: TenantMigration = {
  name: "0017_customer_password_resets",
  async up(db, schema) {
    await sql`
      create table ${sql.id(schema, "customer_password_resets")} (
        token_hash text primary key,
        customer_id bigint not null references ${sql.id(schema, "customers")} (id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz
      )`.execute(db);
  },
};
