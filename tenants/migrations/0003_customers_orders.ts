import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Shoppers and their orders. Order lines copy titles and prices so the books survive catalogue edits. */
export const customersAndOrders: TenantMigration = {
  name: "0003_customers_orders",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("customers")} (
        id bigint generated always as identity primary key,
        email text check (email = lower(email)),
        first_name text not null default '',
        last_name text not null default '',
        phone text not null default '',
        password_hash text,
        accepts_marketing boolean not null default false,
        created_at timestamptz not null default now(),
        deleted_at timestamptz
      )`.execute(db);
    await sql`create unique index customers_email_key on ${t("customers")} (email) where email is not null`.execute(db);
    await sql`
      create table ${t("customer_addresses")} (
        id bigint generated always as identity primary key,
        customer_id bigint not null references ${t("customers")} (id) on delete cascade,
        name text not null default '',
        line1 text not null,
        line2 text not null default '',
        city text not null,
        region text not null default '',
        postal_code text not null default '',
        country char(2) not null check (country ~ '^[A-Z]{2}$'),
        phone text not null default '',
        is_default boolean not null default false
      )`.execute(db);
    await sql`
      create table ${t("orders")} (
        id bigint generated always as identity primary key,
        number bigint generated always as (id + 1000) stored unique,
        customer_id bigint references ${t("customers")} (id) on delete set null,
        email text not null default '',
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        subtotal bigint not null check (subtotal >= 0),
        discount_total bigint not null default 0 check (discount_total >= 0),
        shipping_total bigint not null default 0 check (shipping_total >= 0),
        tax_total bigint not null default 0 check (tax_total >= 0),
        total bigint not null check (total >= 0),
        discount_code text,
        financial_status text not null default 'pending' check (financial_status in ('pending', 'paid', 'partially_refunded', 'refunded', 'voided')),
        fulfillment_status text not null default 'unfulfilled' check (fulfillment_status in ('unfulfilled', 'partial', 'fulfilled')),
        shipping_address jsonb,
        created_at timestamptz not null default now(),
        paid_at timestamptz,
        cancelled_at timestamptz
      )`.execute(db);
    await sql`create index on ${t("orders")} (created_at desc)`.execute(db);
    await sql`create index on ${t("orders")} (customer_id, created_at desc)`.execute(db);
    await sql`
      create table ${t("order_lines")} (
        id bigint generated always as identity primary key,
        order_id bigint not null references ${t("orders")} (id) on delete cascade,
        product_id bigint references ${t("products")} (id) on delete set null,
        variant_id bigint references ${t("variants")} (id) on delete set null,
        title text not null,
        variant_title text not null default '',
        sku text not null default '',
        quantity int not null check (quantity > 0),
        unit_price bigint not null check (unit_price >= 0),
        total bigint generated always as (unit_price * quantity) stored
      )`.execute(db);
    await sql`create index on ${t("order_lines")} (order_id)`.execute(db);
    await sql`create index on ${t("order_lines")} (product_id)`.execute(db);
    await sql`
      create table ${t("order_events")} (
        id bigint generated always as identity primary key,
        order_id bigint not null references ${t("orders")} (id) on delete cascade,
        at timestamptz not null default now(),
        kind text not null,
        message text not null
      )`.execute(db);
    await sql`create index on ${t("order_events")} (order_id, at)`.execute(db);
  },
};
