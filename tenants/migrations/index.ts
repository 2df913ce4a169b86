import type { TenantMigration } from "../migrator.server.ts";
import { settings } from "./0001_settings.ts";
import { catalogue } from "./0002_catalogue.ts";
import { customersAndOrders } from "./0003_customers_orders.ts";
import { discounts } from "./0004_discounts.ts";
import { auditAndTransfers } from "./0005_audit_and_transfers.ts";

/** Every shop schema gets these, in this order. Append only; never edit a shipped one. */
export const tenantMigrations: readonly TenantMigration[] = [settings, catalogue, customersAndOrders, discounts, auditAndTransfers];
