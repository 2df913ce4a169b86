import type { TenantMigration } from "../migrator.server.ts";
import { storefrontSettings } from "./0001_storefront_settings.ts";

/** Every shop schema gets these, in this order. Append only; never edit a shipped one. */
export const tenantMigrations: readonly TenantMigration[] = [storefrontSettings];
