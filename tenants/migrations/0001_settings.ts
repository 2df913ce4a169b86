import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** The shop's own settings (one row), its policies and shipping. The shop's name lives in the registry. */
export const settings: TenantMigration = {
  name: "0001_settings",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("settings")} (
        singleton boolean primary key default true check (singleton),
        headline text not null,
        welcome_text text not null default '',
        contact_email text not null default '',
        logo_key text,
        currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
        tax_rate_bp int not null default 0 check (tax_rate_bp between 0 and 10000),
        prices_include_tax boolean not null default false,
        storefront_password text,
        launched_at timestamptz,
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table ${t("policies")} (
        handle text primary key check (handle in ('refund-policy', 'privacy-policy', 'terms-of-service', 'shipping-policy')),
        title text not null,
        body_html text not null default '',
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table ${t("shipping_zones")} (
        id bigint generated always as identity primary key,
        name text not null check (length(name) between 1 and 255),
        countries text[] not null default '{}'
      )`.execute(db);
    await sql`
      create table ${t("shipping_rates")} (
        id bigint generated always as identity primary key,
        zone_id bigint not null references ${t("shipping_zones")} (id) on delete cascade,
        name text not null check (length(name) between 1 and 255),
        price bigint not null check (price >= 0),
        min_subtotal bigint check (min_subtotal >= 0)
      )`.execute(db);
  },
};
