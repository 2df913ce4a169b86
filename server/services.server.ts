import { createDatabase, type PlatformDb } from "../db/database.server.ts";
import type { Shop } from "../db/types.ts";
import { jobStore, type JobStore } from "../jobs/queues.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { ShopRegistry } from "../tenants/registry.server.ts";
import { Auth } from "./auth.server.ts";
import type { Config } from "./config.ts";

/** Long-lived, process-wide dependencies, built once and handed to every request. */
export interface Services {
  config: Config;
  db: PlatformDb;
  registry: ShopRegistry;
  auth: Auth;
  jobs: JobStore;
  /** The shop's handle; `shop` must come from the registry. */
  tenantDb(shop: Shop): TenantDb;
  close(): Promise<void>;
}

export async function createServices(config: Config, databaseUrl: string): Promise<Services> {
  const db = createDatabase({ url: databaseUrl, max: 20 });
  const registry = new ShopRegistry(db);
  await registry.listen(databaseUrl);
  return {
    config,
    db,
    registry,
    auth: new Auth(db, { secureCookies: config.production }),
    jobs: jobStore({ redisUrl: config.redisUrl, databaseUrl }),
    tenantDb: (shop) => tenantDb(db, shop.schema_name),
    async close() {
      await registry.close();
      await db.destroy();
    },
  };
}
