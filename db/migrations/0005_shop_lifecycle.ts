import { sql, type Kysely } from "kysely";

/**
 * The shop lifecycle (docs/decisions/016-shop-lifecycle.md): the states a shop
 * moves through, the facts each state needs (trial end, overdue since,
 * suspension reason, purge date), every change in `shop_status_changes`, and
 * the operator's lifecycle settings in a one-row table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table platform.shops drop constraint shops_status_check`.execute(db);
  await sql`
    alter table platform.shops
      add constraint shops_status_check check (status in ('trial', 'active', 'paused', 'frozen', 'suspended', 'closed')),
      add column status_reason text not null default '',
      add column status_changed_at timestamptz not null default now(),
      add column trial_ends_at timestamptz,
      add column payment_overdue_since timestamptz,
      add column resume_status text check (resume_status in ('trial', 'active', 'paused', 'frozen')),
      add column purge_after timestamptz,
      add column purged_at timestamptz`.execute(db);
  await sql`create index shops_status_idx on platform.shops (status)`.execute(db);
  await sql`
    create table platform.shop_status_changes (
      id bigint generated always as identity primary key,
      shop_id bigint not null references platform.shops (id) on delete cascade,
      event text not null,
      from_status text not null,
      to_status text not null,
      reason text not null default '',
      actor_kind text not null check (actor_kind in ('operator', 'merchant', 'system', 'billing')),
      actor_email text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index shop_status_changes_shop_idx on platform.shop_status_changes (shop_id, id desc)`.execute(db);
  await sql`
    create table platform.operator_settings (
      singleton boolean primary key default true check (singleton),
      trial_days integer not null default 14 check (trial_days between 0 and 365),
      grace_days integer not null default 7 check (grace_days between 0 and 90),
      retention_days integer not null default 30 check (retention_days between 1 and 3650),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into platform.operator_settings default values`.execute(db);
}
