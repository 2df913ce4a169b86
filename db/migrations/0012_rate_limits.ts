import { sql, type Kysely } from "kysely";

/**
 * Throttles move to rate-limiter-flexible's table (server/limits.server.ts): one row per limit and key, counted
 * with an atomic upsert. The old failure log, counted after the fact, goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.rate_limits (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`.execute(db);
  await sql`create index rate_limits_expire_idx on platform.rate_limits (expire)`.execute(db);
  await sql`drop table platform.login_attempts`.execute(db);
}
