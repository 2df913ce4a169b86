import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Checkout (docs/decisions/023-checkout-and-payments.md).
 *
 * A checkout is opened from a cart and reached through a random token in its
 * address (`/checkouts/<token>`). It keeps what the shopper typed; prices are
 * read from the catalogue whenever it is shown, and frozen into
 * `checkout_lines` and the total columns only when payment starts, which is
 * also when stock is reserved. A completed payment turns it into exactly one
 * order (`orders.checkout_id` is unique).
 *
 * Orders gain an unguessable `status_token` for the order status page linked
 * from the confirmation email, their payment transactions, fulfilments and a
 * dispute state.
 */
export const checkouts: TenantMigration = {
  name: "0014_checkouts",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("checkouts")} (
        id bigint generated always as identity primary key,
        token text not null unique check (token ~ '^[A-Za-z0-9_-]{20,100}$'),
        cart_id bigint references ${t("carts")} (id) on delete set null,
        customer_id bigint references ${t("customers")} (id) on delete set null,
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        email text not null default '' check (length(email) <= 254),
        marketing_consent boolean not null default false,
        shipping_address jsonb,
        shipping_rate_id bigint,
        discount_code text check (length(discount_code) <= 64),
        status text not null default 'open' check (status in ('open', 'processing', 'completed')),
        gateway text check (gateway in ('test', 'stripe')),
        payment_id text unique,
        subtotal bigint check (subtotal >= 0),
        discount_total bigint check (discount_total >= 0),
        shipping_total bigint check (shipping_total >= 0),
        tax_total bigint check (tax_total >= 0),
        total bigint check (total >= 0),
        platform_fee bigint check (platform_fee >= 0),
        shipping_title text,
        discount_id bigint,
        reserved_until timestamptz,
        order_id bigint unique references ${t("orders")} (id) on delete set null,
        reminder_sent_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        completed_at timestamptz
      )`.execute(db);
    await sql`create index checkouts_updated_at_idx on ${t("checkouts")} (updated_at)`.execute(db);
    await sql`
      create table ${t("checkout_lines")} (
        checkout_id bigint not null references ${t("checkouts")} (id) on delete cascade,
        variant_id bigint not null,
        product_id bigint,
        title text not null,
        variant_title text not null default '',
        sku text not null default '',
        quantity int not null check (quantity between 1 and 999),
        unit_price bigint not null check (unit_price >= 0),
        discount bigint not null default 0 check (discount >= 0),
        primary key (checkout_id, variant_id)
      )`.execute(db);
    // Stock held for a checkout whose payment is under way; an expired row no longer holds anything.
    await sql`
      create table ${t("stock_reservations")} (
        checkout_id bigint not null references ${t("checkouts")} (id) on delete cascade,
        variant_id bigint not null references ${t("variants")} (id) on delete cascade,
        quantity int not null check (quantity > 0),
        expires_at timestamptz not null,
        primary key (checkout_id, variant_id)
      )`.execute(db);
    await sql`create index stock_reservations_variant_idx on ${t("stock_reservations")} (variant_id, expires_at)`.execute(db);

    await sql`alter table ${t("orders")} add column checkout_id bigint unique`.execute(db);
    await sql`alter table ${t("orders")} add column status_token text unique`.execute(db);
    await sql`alter table ${t("orders")} add column shipping_title text`.execute(db);
    await sql`alter table ${t("orders")} add column dispute_status text`.execute(db);
    // A merchant's refund or cancellation names its form post, so posting it twice acts once.
    await sql`alter table ${t("order_events")} add column request_key text`.execute(db);
    await sql`create unique index order_events_request_key on ${t("order_events")} (order_id, request_key) where request_key is not null`.execute(db);
    // How many of a line's units a refund or cancellation has put back in stock.
    await sql`alter table ${t("order_lines")} add column restocked int not null default 0 check (restocked >= 0 and restocked <= quantity)`.execute(db);
    await sql`
      create table ${t("order_transactions")} (
        id bigint generated always as identity primary key,
        order_id bigint not null references ${t("orders")} (id) on delete cascade,
        kind text not null check (kind in ('sale', 'refund')),
        gateway text not null check (gateway in ('test', 'stripe', 'manual')),
        reference text not null,
        amount bigint not null check (amount >= 0),
        platform_fee bigint not null default 0 check (platform_fee >= 0),
        currency char(3) not null,
        created_at timestamptz not null default now(),
        unique (gateway, reference)
      )`.execute(db);
    await sql`create index order_transactions_order_idx on ${t("order_transactions")} (order_id)`.execute(db);
    await sql`
      create table ${t("fulfillments")} (
        id bigint generated always as identity primary key,
        order_id bigint not null references ${t("orders")} (id) on delete cascade,
        carrier text not null default '' check (length(carrier) <= 100),
        tracking_number text not null default '' check (length(tracking_number) <= 100),
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index fulfillments_order_idx on ${t("fulfillments")} (order_id)`.execute(db);

    // Minutes after which a shopper who left an email and didn't pay gets one reminder; null: never.
    await sql`alter table ${t("settings")} add column abandoned_checkout_minutes int check (abandoned_checkout_minutes between 10 and 10080)`.execute(db);
  },
};
