import { sql, type Kysely } from "kysely";

/**
 * The fee ledger summed per UTC month and currency, kept by recordPaymentFee/recordRefundFee in the same
 * transaction as the ledger row, so the metrics page reads twelve rows instead of a year of payments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.ledger_months (
      month date not null check (date_trunc('month', month) = month),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      gmv bigint not null default 0,
      fees bigint not null default 0,
      primary key (month, currency)
    )`.execute(db);
  await sql`
    insert into platform.ledger_months (month, currency, gmv, fees)
    select date_trunc('month', occurred_at at time zone 'UTC')::date, currency,
           sum(case when kind = 'payment' then amount else -amount end),
           sum(case when kind = 'payment' then fee else -fee end)
      from platform.fee_ledger
     group by 1, 2`.execute(db);
}
