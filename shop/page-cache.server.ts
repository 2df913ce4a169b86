import { sql } from "kysely";
import type { TenantDb } from "../tenants/handle.server.ts";

/**
 * The storefront page cache (server/page-cache.ts) keys each entry by the
 * shop's `settings.cache_version`. A change a shopper could see bumps it, so
 * the very next storefront request misses and renders afresh: the web app
 * bumps after every successful admin mutation, imports bump after each batch.
 */

export async function bumpStorefrontVersion(db: TenantDb): Promise<void> {
  await db
    .updateTable("settings")
    .set({ cache_version: sql<string>`cache_version + 1` })
    .execute();
}

/** What the cache needs to know before serving a stored page: one single-row read. */
export async function storefrontCacheState(db: TenantDb): Promise<{ version: string; launched: boolean }> {
  const row = await db.selectFrom("settings").select(["cache_version", "launched_at"]).executeTakeFirstOrThrow();
  return { version: row.cache_version, launched: row.launched_at !== null };
}
