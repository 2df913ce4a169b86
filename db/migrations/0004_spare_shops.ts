import { sql, type Kysely } from "kysely";

/**
 * Spare shops: schemas provisioned ahead of signups by the worker, so a signup
 * claims one instead of running every tenant migration while the merchant waits
 * (docs/decisions/013-spare-shop-pool.md). A spare's id comes from the shops'
 * own identity sequence and its schema is already `shop_<id>`; claiming it
 * inserts the shops row with that id (`overriding system value`: the column
 * stays `generated always`, so nothing else can pick an id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.spare_shops (
      id bigint primary key default nextval('platform.shops_id_seq'),
      schema_name text generated always as ('shop_' || id::text) stored unique,
      created_at timestamptz not null default now()
    )`.execute(db);
}
