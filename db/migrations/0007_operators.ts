import { sql, type Kysely } from "kysely";

/**
 * Operators are their own kind of account (docs/decisions/018-operator-accounts.md): a password and a TOTP second
 * factor, sessions of their own whose ids are stored hashed, and a log of every action. Merchant accounts lose the
 * operator flag; existing operators are created again with `bazaar create-operator`, which gives them a TOTP secret.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.operators (
      id text primary key,
      email text not null unique check (email = lower(email)),
      password_hash text not null,
      totp_secret text not null,
      totp_last_step bigint not null default 0,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table platform.operator_sessions (
      id_hash text primary key,
      operator_id text not null references platform.operators (id) on delete cascade,
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index operator_sessions_operator_idx on platform.operator_sessions (operator_id)`.execute(db);
  await sql`
    create table platform.operator_actions (
      id bigint generated always as identity primary key,
      operator_id text references platform.operators (id) on delete set null,
      operator_email text not null,
      action text not null,
      shop_id bigint references platform.shops (id) on delete set null,
      detail text not null default '',
      ip text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index operator_actions_shop_idx on platform.operator_actions (shop_id, id desc)`.execute(db);
  await sql`alter table platform.users drop column is_operator`.execute(db);
}
