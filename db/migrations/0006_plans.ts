import { sql, type Kysely } from "kysely";

/**
 * Plans (docs/decisions/017-plans-and-limits.md): a monthly price in integer minor units with its currency, a
 * lower price while paused, the platform's fee on each sale in basis points, and limits (null: unlimited).
 * `shops.plan` now names one; `shops.billed_price` is the price locked for the shop's current billing period, so an
 * operator's price change reaches each shop at its next period.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.plans (
      id text primary key check (id ~ '^[a-z][a-z0-9-]{0,39}$'),
      name text not null check (length(name) between 1 and 60),
      monthly_price bigint not null check (monthly_price >= 0),
      paused_price bigint not null check (paused_price >= 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      fee_bp integer not null check (fee_bp between 0 and 10000),
      max_products integer check (max_products > 0),
      max_staff integer check (max_staff >= 0),
      max_storage_mb integer check (max_storage_mb > 0),
      position integer not null default 0,
      public boolean not null default true,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    insert into platform.plans (id, name, monthly_price, paused_price, currency, fee_bp, max_products, max_staff, max_storage_mb, position) values
      ('starter', 'Starter', 1900, 900, 'USD', 200, 100, 5, 1024, 1),
      ('growth', 'Growth', 4900, 900, 'USD', 100, 1000, 15, 10240, 2),
      ('pro', 'Pro', 19900, 900, 'USD', 50, null, null, 102400, 3)`.execute(db);
  await sql`update platform.shops set plan = 'starter' where plan not in (select id from platform.plans)`.execute(db);
  await sql`
    alter table platform.shops
      add constraint shops_plan_fkey foreign key (plan) references platform.plans (id),
      add column billed_price bigint check (billed_price >= 0),
      add column billed_currency text check (billed_currency ~ '^[A-Z]{3}$')`.execute(db);
  await sql`create index shops_plan_idx on platform.shops (plan)`.execute(db);
}
