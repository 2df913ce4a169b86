import { sql, type Kysely } from "kysely";

/**
 * Per-shop usage and the platform's money (docs/decisions/019-metering-and-metrics.md), kept in the platform schema
 * so the console never queries shop schemas at page load: running totals per shop, a row per shop and UTC day, the
 * fee ledger (one row per payment or refund, idempotent by its Stripe id), and a daily snapshot of the platform.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.shop_usage (
      shop_id bigint primary key references platform.shops (id) on delete cascade,
      orders bigint not null default 0,
      gmv bigint not null default 0,
      products integer not null default 0,
      storage_bytes bigint not null default 0,
      emails integer not null default 0,
      job_ms bigint not null default 0,
      currency text check (currency ~ '^[A-Z]{3}$'),
      last_activity_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into platform.shop_usage (shop_id, last_activity_at) select id, created_at from platform.shops`.execute(db);
  for (const column of ["gmv", "orders", "last_activity_at"]) {
    await sql`create index ${sql.id(`shop_usage_${column}_idx`)} on platform.shop_usage (${sql.id(column)}, shop_id)`.execute(db);
  }
  await sql`create index shops_created_idx on platform.shops (created_at, id)`.execute(db);
  await sql`create index shops_name_trgm_idx on platform.shops using gin (lower(name) public.gin_trgm_ops, slug public.gin_trgm_ops)`.execute(db);
  await sql`
    create table platform.shop_usage_daily (
      shop_id bigint not null references platform.shops (id) on delete cascade,
      day date not null,
      orders integer not null default 0,
      gmv bigint not null default 0,
      refunds bigint not null default 0,
      fees bigint not null default 0,
      emails integer not null default 0,
      job_ms bigint not null default 0,
      primary key (shop_id, day)
    )`.execute(db);
  await sql`create index shop_usage_daily_day_idx on platform.shop_usage_daily (day)`.execute(db);
  await sql`
    create table platform.fee_ledger (
      id bigint generated always as identity primary key,
      shop_id bigint not null references platform.shops (id) on delete cascade,
      kind text not null check (kind in ('payment', 'refund')),
      source_id text not null,
      amount bigint not null check (amount >= 0),
      fee bigint not null check (fee >= 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      occurred_at timestamptz not null,
      created_at timestamptz not null default now(),
      unique (kind, source_id)
    )`.execute(db);
  await sql`create index fee_ledger_shop_idx on platform.fee_ledger (shop_id, occurred_at)`.execute(db);
  await sql`create index fee_ledger_occurred_idx on platform.fee_ledger (occurred_at)`.execute(db);
  await sql`
    create table platform.platform_snapshots (
      day date primary key,
      mrr bigint not null,
      currency text not null,
      active_shops integer not null,
      trial_shops integer not null,
      paying_shops integer not null
    )`.execute(db);
}
