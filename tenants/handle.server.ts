import type { Kysely } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { TenantDatabase } from "../db/types.ts";

export type TenantDb = Kysely<TenantDatabase>;

/**
 * The only way to reach a shop's tables. `schema` must come from the registry
 * (`platform.shops.schema_name`), never from a request.
 */
export function tenantDb(db: PlatformDb, schema: string): TenantDb {
  return db.withSchema(schema) as unknown as TenantDb;
}
