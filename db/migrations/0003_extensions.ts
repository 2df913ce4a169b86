import { sql, type Kysely } from "kysely";

/**
 * Extensions are per database, not per shop schema, so they live here rather than in a tenant
 * migration. pg_trgm (trigram similarity, for typo-tolerant storefront search) goes into `public`
 * explicitly; shop code never relies on the search_path and names it `public.similarity(...)`,
 * `OPERATOR(public.<%)` and `public.gin_trgm_ops`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm with schema public`.execute(db);
}
