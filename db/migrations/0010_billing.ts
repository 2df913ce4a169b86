import { sql, type Kysely } from "kysely";

/**
 * Merchants' subscriptions (docs/decisions/020-billing-events.md): billing events are applied once each, by their
 * gateway id, and move the shop's period, plan and lifecycle; the shop row keeps the subscription's facts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.billing_events (
      id text primary key,
      shop_id bigint not null references platform.shops (id) on delete cascade,
      type text not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index billing_events_shop_idx on platform.billing_events (shop_id, occurred_at)`.execute(db);
  await sql`
    alter table platform.shops
      add column subscription_id text,
      add column current_period_end timestamptz`.execute(db);
}
