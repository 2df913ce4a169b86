import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Content pages and theme settings (a draft and a published version per theme; one theme is live). */
export const storefront: TenantMigration = {
  name: "0006_storefront",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("pages")} (
        id bigint generated always as identity primary key,
        handle text not null unique check (handle ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        title text not null check (length(title) between 1 and 255),
        body_html text not null default '',
        published boolean not null default false,
        seo_title text not null default '',
        seo_description text not null default '',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table ${t("theme_settings")} (
        theme_id text primary key check (theme_id ~ '^[a-z0-9-]{1,40}$'),
        draft jsonb,
        published jsonb,
        is_live boolean not null default false,
        published_at timestamptz,
        updated_at timestamptz not null default now()
      )`.execute(db);
    // At most one live theme.
    await sql`create unique index theme_settings_live_key on ${t("theme_settings")} (is_live) where is_live`.execute(db);
  },
};
