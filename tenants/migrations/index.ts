import type { TenantMigration } from "../migrator.server.ts";
import { settings } from "./0001_settings.ts";
import { catalogue } from "./0002_catalogue.ts";
import { customersAndOrders } from "./0003_customers_orders.ts";
import { discounts } from "./0004_discounts.ts";
import { auditAndTransfers } from "./0005_audit_and_transfers.ts";
import { storefront } from "./0006_storefront.ts";
import { search } from "./0007_search.ts";
import { auditFilters } from "./0008_audit_filters.ts";
import { cartsAndShopperAccounts } from "./0009_carts.ts";
import { pageCache } from "./0010_page_cache.ts";
import { productSearchSummary } from "./0011_product_search_summary.ts";
import { shopLocale } from "./0012_shop_locale.ts";
import { collectionPriceRules } from "./0013_collection_price_rules.ts";
import { checkouts } from "./0014_checkouts.ts";
import { dropLoginAttempts } from "./0015_drop_login_attempts.ts";
import { unicodeHandles } from "./0016_unicode_handles.ts";
import { customerPasswordResets } from "./0017_customer_password_resets.ts";
import { productVersions } from "./0018_product_versions.ts";
import { recommendations } from "./0019_recommendations.ts";
import { importClaims } from "./0020_import_claims.ts";
import { storefrontLanguage } from "./0021_storefront_language.ts";
import { editVersions } from "./0022_edit_versions.ts";
import { searchTitle } from "./0023_search_title.ts";

/** Every shop schema gets these, in this order. Append only; never edit a shipped one. */
export const tenantMigrations: readonly TenantMigration[] = [
  settings,
  catalogue,
  customersAndOrders,
  discounts,
  auditAndTransfers,
  storefront,
  search,
  auditFilters,
  cartsAndShopperAccounts,
  pageCache,
  productSearchSummary,
  shopLocale,
  collectionPriceRules,
  checkouts,
  dropLoginAttempts,
  unicodeHandles,
  customerPasswordResets,
  productVersions,
  recommendations,
  importClaims,
  storefrontLanguage,
  editVersions,
  searchTitle,
];
