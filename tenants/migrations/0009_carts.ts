import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Carts and shopper accounts, inside the shop's own schema so a shopper of one
 * shop has nothing at another.
 *
 * A cart belongs either to a visitor (reached through the SHA-256 of a random
 * token kept in a host-only cookie) or to a customer (reached through their
 * session). Prices are never stored in a cart: they are read from variants
 * whenever the cart is shown or checked out. A line keeps the title it had
 * when added so it can still be named after its product is deleted.
 *
 * Customer sessions and failed logins live here too, keyed by hashes, so a
 * stolen database dump holds no usable session token.
 */
export const cartsAndShopperAccounts: TenantMigration = {
  name: "0009_carts",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("carts")} (
        id bigint generated always as identity primary key,
        token_hash text unique,
        customer_id bigint unique references ${t("customers")} (id) on delete cascade,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        expires_at timestamptz not null,
        check (token_hash is not null or customer_id is not null)
      )`.execute(db);
    await sql`create index carts_expires_at_idx on ${t("carts")} (expires_at)`.execute(db);
    await sql`
      create table ${t("cart_lines")} (
        id bigint generated always as identity primary key,
        cart_id bigint not null references ${t("carts")} (id) on delete cascade,
        variant_id bigint references ${t("variants")} (id) on delete set null,
        title text not null default '',
        quantity int not null check (quantity between 1 and 999),
        added_at timestamptz not null default now(),
        constraint cart_lines_cart_variant_key unique (cart_id, variant_id)
      )`.execute(db);
    await sql`create index cart_lines_variant_id_idx on ${t("cart_lines")} (variant_id)`.execute(db);

    // Set when someone chose a password; a guest checkout's customer row has none until then.
    await sql`alter table ${t("customers")} add column registered_at timestamptz`.execute(db);
    await sql`
      create table ${t("customer_sessions")} (
        id_hash text primary key,
        customer_id bigint not null references ${t("customers")} (id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null
      )`.execute(db);
    await sql`create index customer_sessions_customer_id_idx on ${t("customer_sessions")} (customer_id)`.execute(db);
    await sql`create index customer_sessions_expires_at_idx on ${t("customer_sessions")} (expires_at)`.execute(db);
    await sql`
      create table ${t("customer_login_attempts")} (
        id bigint generated always as identity primary key,
        throttle_key text not null,
        attempted_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index customer_login_attempts_key_idx on ${t("customer_login_attempts")} (throttle_key, attempted_at)`.execute(db);
  },
};
