import { sql, type Kysely } from "kysely";

/**
 * Stripe Connect (docs/decisions/024-stripe-connect-accounts-v2.md): each shop's connected account and its payout
 * state as Stripe last described it, and every webhook event received, by its id, so a second delivery is known.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.stripe_accounts (
      shop_id bigint primary key references platform.shops (id) on delete cascade,
      account_id text not null unique check (account_id ~ '^acct_[A-Za-z0-9]+$'),
      livemode boolean not null,
      details_submitted boolean not null default false,
      charges_enabled boolean not null default false,
      payouts_enabled boolean not null default false,
      requirements jsonb not null default '[]',
      requirements_deadline timestamptz,
      created_at timestamptz not null default now(),
      refreshed_at timestamptz
    )`.execute(db);
  await sql`
    create table platform.stripe_events (
      id text primary key,
      endpoint text not null check (endpoint in ('platform', 'connect', 'thin')),
      type text not null,
      account_id text,
      livemode boolean not null,
      payload jsonb not null,
      received_at timestamptz not null default now(),
      processed_at timestamptz,
      outcome text
    )`.execute(db);
  await sql`create index stripe_events_unprocessed_idx on platform.stripe_events (received_at) where processed_at is null`.execute(db);
}
