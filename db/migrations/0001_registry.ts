import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists platform`.execute(db);
  await sql`
    create table platform.shops (
      id bigint generated always as identity primary key,
      slug text not null unique,
      schema_name text generated always as ('shop_' || id::text) stored unique,
      name text not null,
      status text not null default 'active' check (status in ('active', 'suspended', 'closed')),
      plan text not null default 'starter',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table platform.shop_domains (
      hostname text primary key check (hostname = lower(hostname)),
      shop_id bigint not null references platform.shops (id) on delete cascade,
      verified_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index shop_domains_shop_id_idx on platform.shop_domains (shop_id)`.execute(db);
  await sql`
    create table platform.users (
      id text primary key,
      email text not null unique check (email = lower(email)),
      password_hash text not null,
      is_operator boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table platform.memberships (
      user_id text not null references platform.users (id) on delete cascade,
      shop_id bigint not null references platform.shops (id) on delete cascade,
      role text not null check (role in ('owner', 'staff')),
      created_at timestamptz not null default now(),
      primary key (user_id, shop_id)
    )`.execute(db);
  await sql`create index memberships_shop_id_idx on platform.memberships (shop_id)`.execute(db);
  await sql`
    create table platform.sessions (
      id text primary key,
      user_id text not null references platform.users (id) on delete cascade,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user_id_idx on platform.sessions (user_id)`.execute(db);
  await sql`
    create table platform.login_attempts (
      id bigint generated always as identity primary key,
      throttle_key text not null,
      attempted_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_attempts_key_idx on platform.login_attempts (throttle_key, attempted_at)`.execute(db);
}
