import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Discount codes; redemptions are written by checkout and count towards the limits and the report. */
export const discounts: TenantMigration = {
  name: "0004_discounts",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("discounts")} (
        id bigint generated always as identity primary key,
        code text not null check (code ~ '^[A-Z0-9_-]{2,64}$'),
        kind text not null check (kind in ('percentage', 'fixed_amount', 'free_shipping')),
        value bigint not null default 0 check (value >= 0),
        applies_to text not null default 'order' check (applies_to in ('order', 'collections', 'products')),
        collection_ids bigint[] not null default '{}',
        product_ids bigint[] not null default '{}',
        min_subtotal bigint not null default 0 check (min_subtotal >= 0),
        starts_at timestamptz not null default now(),
        ends_at timestamptz,
        usage_limit int check (usage_limit > 0),
        per_customer_limit int check (per_customer_limit > 0),
        created_at timestamptz not null default now(),
        check (kind <> 'percentage' or value between 1 and 10000),
        check (ends_at is null or ends_at > starts_at)
      )`.execute(db);
    await sql`create unique index discounts_code_key on ${t("discounts")} (code)`.execute(db);
    await sql`
      create table ${t("discount_redemptions")} (
        id bigint generated always as identity primary key,
        discount_id bigint not null references ${t("discounts")} (id) on delete cascade,
        order_id bigint references ${t("orders")} (id) on delete set null,
        customer_email text not null,
        amount bigint not null check (amount >= 0),
        redeemed_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index on ${t("discount_redemptions")} (discount_id, customer_email)`.execute(db);
  },
};
