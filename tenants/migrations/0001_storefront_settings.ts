import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

export const storefrontSettings: TenantMigration = {
  name: "0001_storefront_settings",
  async up(db, schema) {
    await sql`
      create table ${sql.id(schema, "storefront_settings")} (
        singleton boolean primary key default true check (singleton),
        headline text not null,
        welcome_text text not null default '',
        currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
        updated_at timestamptz not null default now()
      )`.execute(db);
  },
};
