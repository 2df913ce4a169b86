import { sql, type Kysely } from "kysely";

/** What a billing event says about the invoice, so the admin and the console list a shop's invoices. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table platform.billing_events
      add column plan_id text,
      add column amount bigint check (amount >= 0),
      add column currency text check (currency ~ '^[A-Z]{3}$'),
      add column period_end timestamptz`.execute(db);
}
