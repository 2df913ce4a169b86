import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The shop lifecycle; transitions and what each state allows are in tenants/lifecycle.ts. */
export type ShopStatus = "trial" | "active" | "paused" | "frozen" | "suspended" | "closed";
export type MemberRole = "owner" | "admin" | "staff";

/** The `platform` schema: the registry every request consults before touching a shop. */
export interface PlatformDatabase {
  "platform.shops": ShopsTable;
  "platform.spare_shops": SpareShopsTable;
  "platform.shop_domains": ShopDomainsTable;
  "platform.users": UsersTable;
  "platform.memberships": MembershipsTable;
  "platform.sessions": SessionsTable;
  "platform.rate_limits": RateLimitsTable;
  "platform.invitations": InvitationsTable;
  "platform.shop_status_changes": ShopStatusChangesTable;
  "platform.operator_settings": OperatorSettingsTable;
  "platform.plans": PlansTable;
  "platform.operators": OperatorsTable;
  "platform.operator_sessions": OperatorSessionsTable;
  "platform.operator_actions": OperatorActionsTable;
  "platform.shop_usage": ShopUsageTable;
  "platform.shop_usage_daily": ShopUsageDailyTable;
  "platform.fee_ledger": FeeLedgerTable;
  "platform.platform_snapshots": PlatformSnapshotsTable;
  "platform.ledger_months": LedgerMonthsTable;
  "platform.billing_events": BillingEventsTable;
  "platform.stripe_accounts": StripeAccountsTable;
  "platform.stripe_events": StripeEventsTable;
  "platform.account_links": AccountLinksTable;
}

/** Billing events already applied, by the gateway's event id: a second delivery is recognised and ignored. */
export interface BillingEventsTable {
  id: string;
  shop_id: string;
  type: string;
  occurred_at: Timestamp;
  received_at: Generated<Date>;
  /** Invoices: the plan, the amount paid or due (minor units) and the end of the period it covers. */
  plan_id: ColumnType<string | null, string | null | undefined, never>;
  amount: ColumnType<string | null, number | string | bigint | null | undefined, never>;
  currency: ColumnType<string | null, string | null | undefined, never>;
  period_end: ColumnType<Date | null, Date | string | null | undefined, never>;
}

/** The fee ledger per UTC month and currency: GMV net of refunds, fees net of refunded fees. */
export interface LedgerMonthsTable {
  month: ColumnType<Date, string, string>;
  currency: string;
  gmv: Count;
  fees: Count;
}

type Count = ColumnType<string, number | string | bigint | undefined, number | string | bigint>;

/** A shop's running usage totals; money in minor units of the shop's currency. */
export interface ShopUsageTable {
  shop_id: string;
  orders: Count;
  gmv: Count;
  products: ColumnType<number, number | undefined, number>;
  storage_bytes: Count;
  emails: ColumnType<number, number | undefined, number>;
  job_ms: Count;
  /** The currency of the GMV: the shop's, from its first payment. */
  currency: ColumnType<string | null, string | null | undefined, string | null>;
  last_activity_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ShopUsageDailyTable {
  shop_id: string;
  /** A UTC day (pg returns a Date at midnight, local time; written as YYYY-MM-DD). */
  day: ColumnType<Date, string, string>;
  orders: ColumnType<number, number | undefined, number>;
  gmv: Count;
  refunds: Count;
  fees: Count;
  emails: ColumnType<number, number | undefined, number>;
  job_ms: Count;
}

/** The platform's fee on each payment, and what a refund gave back; one row per Stripe object. */
export interface FeeLedgerTable {
  id: Generated<string>;
  shop_id: string;
  kind: "payment" | "refund";
  source_id: string;
  amount: Count;
  fee: Count;
  currency: string;
  occurred_at: Timestamp;
  created_at: Generated<Date>;
}

/** The platform once a day: MRR (in the plans' currency), shops by state. */
export interface PlatformSnapshotsTable {
  day: ColumnType<Date, string, string>;
  mrr: Count;
  currency: string;
  active_shops: number;
  trial_shops: number;
  paying_shops: number;
}

/** The platform's own staff: a separate kind of account from merchants, with a TOTP second factor. */
export interface OperatorsTable {
  id: string;
  email: string;
  password_hash: string;
  /** Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s). */
  totp_secret: string;
  /** The last time step a code was accepted for: a code works once. */
  totp_last_step: ColumnType<string, string | number | undefined, string | number>;
  created_at: Generated<Date>;
}

export interface OperatorSessionsTable {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  id_hash: string;
  operator_id: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
}

/** Every operator action, for the operator log. */
export interface OperatorActionsTable {
  id: Generated<string>;
  operator_id: string | null;
  operator_email: string;
  action: string;
  shop_id: string | null;
  detail: ColumnType<string, string | undefined, never>;
  ip: ColumnType<string, string | undefined, never>;
  created_at: Generated<Date>;
}

export interface ShopsTable {
  id: Generated<string>;
  slug: string;
  /** Generated from the id (`shop_<id>`), never from user text. */
  schema_name: ColumnType<string, never, never>;
  name: string;
  status: ColumnType<ShopStatus, ShopStatus | undefined, ShopStatus>;
  plan: ColumnType<string, string | undefined, string>;
  created_at: Generated<Date>;
  /** Why the shop is in its state, for the merchant (a suspension's reason, "Your free trial ended", …). */
  status_reason: ColumnType<string, string | undefined, string>;
  status_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  trial_ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Since when an invoice is unpaid; the shop freezes once the grace period has passed. */
  payment_overdue_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The state a suspension or a freeze returns to when lifted. */
  resume_status: ColumnType<ShopStatus | null, ShopStatus | null | undefined, ShopStatus | null>;
  /** A closed shop's schema is dropped after this time; set on closing from the retention period. */
  purge_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  purged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The plan price locked for the current billing period (minor units of billed_currency); null before the first. */
  billed_price: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  billed_currency: ColumnType<string | null, string | null | undefined, string | null>;
  /** The gateway's subscription (Stripe `sub_…`, or the test gateway's). */
  subscription_id: ColumnType<string | null, string | null | undefined, string | null>;
  current_period_end: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A plan merchants subscribe to; money in integer minor units of `currency`, the fee in basis points. */
export interface PlansTable {
  id: string;
  name: string;
  monthly_price: ColumnType<string, number | string | bigint, number | string | bigint>;
  paused_price: ColumnType<string, number | string | bigint, number | string | bigint>;
  currency: string;
  /** The platform's fee on each sale, as the payment's application_fee_amount: 200 is 2 %. */
  fee_bp: number;
  /** Null: unlimited. */
  max_products: number | null;
  max_staff: number | null;
  max_storage_mb: number | null;
  position: ColumnType<number, number | undefined, number>;
  public: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type Plan = Selectable<PlansTable>;

export type StatusActorKind = "operator" | "merchant" | "system" | "billing";

/** Every lifecycle change of every shop, newest last; shown in the admin and the console. */
export interface ShopStatusChangesTable {
  id: Generated<string>;
  shop_id: string;
  event: string;
  from_status: ShopStatus;
  to_status: ShopStatus;
  reason: ColumnType<string, string | undefined, never>;
  actor_kind: StatusActorKind;
  actor_email: ColumnType<string, string | undefined, never>;
  created_at: Generated<Date>;
}

/** One row: the lifecycle settings the operator chooses. */
export interface OperatorSettingsTable {
  singleton: ColumnType<boolean, never, never>;
  trial_days: number;
  grace_days: number;
  retention_days: number;
  updated_at: ColumnType<Date, never, Date | string>;
}

/** A shop schema provisioned ahead of signups; claiming it turns it into a `platform.shops` row with the same id. */
export interface SpareShopsTable {
  id: Generated<string>;
  schema_name: ColumnType<string, never, never>;
  created_at: Generated<Date>;
}

export interface ShopDomainsTable {
  hostname: string;
  shop_id: string;
  verified_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: Generated<Date>;
  /** When the owner of `email` followed a verification link; null until then, and again after an email change (0016). */
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface MembershipsTable {
  user_id: string;
  shop_id: string;
  role: MemberRole;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
}

/** rate-limiter-flexible's counters (server/limits.server.ts): the key is a hash of the limit's name and subject. */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Epoch milliseconds when the window ends. */
  expire: string | null;
}

export interface InvitationsTable {
  id: Generated<string>;
  shop_id: string;
  email: string;
  role: Exclude<MemberRole, "owner">;
  /** SHA-256 of the token in the link; the token itself is never stored. */
  token_hash: string;
  invited_by: string;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  created_at: Generated<Date>;
}

export type Shop = Selectable<ShopsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;

/**
 * Tables inside every shop's own schema. Reached only through a handle bound
 * with `withSchema(shop.schema_name)`; see tenants/handle.server.ts.
 * Money columns are integer minor units in the shop's `settings.currency`.
 */
export interface TenantDatabase {
  settings: SettingsTable;
  policies: PoliciesTable;
  shipping_zones: ShippingZonesTable;
  shipping_rates: ShippingRatesTable;
  products: ProductsTable;
  product_handle_redirects: ProductHandleRedirectsTable;
  product_options: ProductOptionsTable;
  product_media: ProductMediaTable;
  variants: VariantsTable;
  collections: CollectionsTable;
  collection_products: CollectionProductsTable;
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_events: OrderEventsTable;
  discounts: DiscountsTable;
  discount_redemptions: DiscountRedemptionsTable;
  audit_events: AuditEventsTable;
  catalogue_transfers: CatalogueTransfersTable;
  pages: PagesTable;
  theme_settings: ThemeSettingsTable;
  search_words: SearchWordsTable;
  product_sales: ProductSalesTable;
  search_state: SearchStateTable;
  carts: CartsTable;
  cart_lines: CartLinesTable;
  customer_sessions: CustomerSessionsTable;
  checkouts: CheckoutsTable;
  checkout_lines: CheckoutLinesTable;
  stock_reservations: StockReservationsTable;
  order_transactions: OrderTransactionsTable;
  fulfillments: FulfillmentsTable;
  customer_password_resets: CustomerPasswordResetsTable;
  shopper_signals: ShopperSignalsTable;
  recommendations: RecommendationsTable;
  recommendation_rules: RecommendationRulesTable;
  recommendation_state: RecommendationStateTable;
}

type Id = Generated<string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** bigint columns arrive as strings from pg; we write numbers or strings. */
type Minor = ColumnType<string, number | string | bigint, number | string | bigint>;
type MinorDefaulted = ColumnType<string, number | string | bigint | undefined, number | string | bigint>;

export interface SettingsTable {
  /** Single-row table: the check constraint pins the key to true. */
  singleton: ColumnType<boolean, boolean | undefined, never>;
  headline: string;
  welcome_text: Defaulted<string>;
  contact_email: Defaulted<string>;
  logo_key: Defaulted<string | null>;
  currency: Defaulted<string>;
  /** Names the decimal mark typed amounts are read with, e.g. de-DE (0012_shop_locale). */
  locale: Defaulted<string>;
  /** What shoppers read the storefront and its emails in: one of STOREFRONT_LANGUAGES (0021_storefront_language). */
  storefront_language: Defaulted<string>;
  /** Basis points: 2000 is 20 %. */
  tax_rate_bp: Defaulted<number>;
  prices_include_tax: Defaulted<boolean>;
  storefront_password: Defaulted<string | null>;
  launched_at: Defaulted<Date | null>;
  updated_at: UpdatedAt;
  /** Bumped by every merchant change; the storefront page cache keys entries by it (0010_page_cache). */
  cache_version: ColumnType<string, never, string | bigint | number>;
  /** Minutes after which an unpaid checkout with an email and consent gets one reminder; null: never (0014_checkouts). */
  abandoned_checkout_minutes: Defaulted<number | null>;
  /** Raised by every save of a settings form or the policies: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

export type PolicyHandle = "refund-policy" | "privacy-policy" | "terms-of-service" | "shipping-policy";

export interface PoliciesTable {
  handle: PolicyHandle;
  title: string;
  body_html: Defaulted<string>;
  updated_at: UpdatedAt;
}

export interface ShippingZonesTable {
  id: Id;
  name: string;
  countries: Defaulted<string[]>;
  /** Raised by every save: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

export interface ShippingRatesTable {
  id: Id;
  zone_id: string;
  name: string;
  price: Minor;
  min_subtotal: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  /** Raised by every save: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

export type ProductStatus = "draft" | "active" | "archived";

export interface ProductsTable {
  id: Id;
  handle: string;
  title: string;
  description_html: Defaulted<string>;
  status: Defaulted<ProductStatus>;
  vendor: Defaulted<string>;
  product_type: Defaulted<string>;
  tags: Defaulted<string[]>;
  seo_title: Defaulted<string>;
  seo_description: Defaulted<string>;
  published_at: Defaulted<Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Generated (0007_search): weighted full-text vector; title A, tags and type B, vendor C, description D. */
  search_vector: ColumnType<string, never, never>;
  /** Generated (0023_search_title): the title NFKC-normalised and lowercased, where search finds CJK and Thai words. */
  search_title: ColumnType<string, never, never>;
  /** Summary of the variants and options (0011), kept by refreshProductSummary: lowest and highest variant price, null without variants. */
  min_price: ColumnType<string | null, never, string | null>;
  max_price: ColumnType<string | null, never, string | null>;
  /** Some variant is in stock or sells when sold out. */
  available: ColumnType<boolean, never, boolean>;
  /** Every option value as JSON array text, `["Color","Red"]`, sorted. */
  option_pairs: ColumnType<string[], never, string[]>;
  /** Raised by every save and stock change: the editor's guard against lost updates (0018). */
  version: Defaulted<number>;
}

export interface ProductHandleRedirectsTable {
  old_handle: string;
  product_id: string;
}

export interface ProductOptionsTable {
  id: Id;
  product_id: string;
  position: number;
  name: string;
  option_values: string[];
}

export interface ProductMediaTable {
  id: Id;
  product_id: string;
  position: number;
  storage_key: string;
  source_url: Defaulted<string | null>;
  alt: Defaulted<string>;
  width: number;
  height: number;
  content_type: string;
  byte_size: number;
  created_at: CreatedAt;
}

export interface VariantsTable {
  id: Id;
  product_id: string;
  position: number;
  option_values: Defaulted<string[]>;
  sku: Defaulted<string>;
  price: Minor;
  compare_at_price: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  inventory_quantity: Defaulted<number>;
  continue_selling: Defaulted<boolean>;
  weight_grams: Defaulted<number>;
  image_id: Defaulted<string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A condition of an automated collection, as stored in `collections.rules`. */
export type CollectionRule = CollectionTextRule | CollectionPriceRule;

type RuleRelation = "equals" | "not_equals" | "contains" | "greater_than" | "less_than";

export type CollectionTextRule = {
  field: "tag" | "product_type" | "vendor" | "inventory";
  relation: RuleRelation;
  value: string;
};

/** A price condition in integer minor units of the currency it was typed in (0013_collection_price_rules). */
export type CollectionPriceRule = {
  field: "price";
  relation: RuleRelation;
  amount: string;
  currency: string;
};

export interface CollectionsTable {
  id: Id;
  handle: string;
  title: string;
  description_html: Defaulted<string>;
  kind: "manual" | "automated";
  rules: ColumnType<CollectionRule[], string | undefined, string>;
  rules_match: Defaulted<"all" | "any">;
  parent_id: Defaulted<string | null>;
  seo_title: Defaulted<string>;
  seo_description: Defaulted<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Raised by every save: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

export interface CollectionProductsTable {
  collection_id: string;
  product_id: string;
  position: number;
}

export interface CustomersTable {
  id: Id;
  email: string | null;
  first_name: Defaulted<string>;
  last_name: Defaulted<string>;
  phone: Defaulted<string>;
  password_hash: Defaulted<string | null>;
  accepts_marketing: Defaulted<boolean>;
  created_at: CreatedAt;
  deleted_at: Defaulted<Date | null>;
  /** When the shopper chose a password (0009_carts); null for a guest checkout's customer. */
  registered_at: Defaulted<Date | null>;
}

export interface CustomerAddressesTable {
  id: Id;
  customer_id: string;
  name: Defaulted<string>;
  line1: string;
  line2: Defaulted<string>;
  city: string;
  region: Defaulted<string>;
  postal_code: Defaulted<string>;
  country: string;
  phone: Defaulted<string>;
  is_default: Defaulted<boolean>;
}

export type FinancialStatus = "pending" | "paid" | "partially_refunded" | "refunded" | "voided";
export type FulfillmentStatus = "unfulfilled" | "partial" | "fulfilled";

export interface OrdersTable {
  id: Id;
  /** Shown to people: id + 1000, generated. */
  number: ColumnType<string, never, never>;
  customer_id: Defaulted<string | null>;
  email: Defaulted<string>;
  currency: string;
  subtotal: Minor;
  discount_total: MinorDefaulted;
  shipping_total: MinorDefaulted;
  tax_total: MinorDefaulted;
  total: Minor;
  discount_code: Defaulted<string | null>;
  financial_status: Defaulted<FinancialStatus>;
  fulfillment_status: Defaulted<FulfillmentStatus>;
  shipping_address: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  paid_at: Defaulted<Date | null>;
  cancelled_at: Defaulted<Date | null>;
  /** The checkout this order was paid from: one order per checkout. */
  checkout_id: Defaulted<string | null>;
  /** Opens the order status page (`/orders/<token>`) without an account. */
  status_token: Defaulted<string | null>;
  shipping_title: Defaulted<string | null>;
  /** Stripe's dispute status while a dispute is open or lost, e.g. "needs_response". */
  dispute_status: Defaulted<string | null>;
}

export interface OrderLinesTable {
  id: Id;
  order_id: string;
  product_id: string | null;
  variant_id: string | null;
  title: string;
  variant_title: Defaulted<string>;
  sku: Defaulted<string>;
  quantity: number;
  unit_price: Minor;
  total: ColumnType<string, never, never>;
  /** Units a refund or cancellation put back in stock (0014_checkouts). */
  restocked: Defaulted<number>;
}

export interface OrderEventsTable {
  id: Id;
  order_id: string;
  at: CreatedAt;
  kind: string;
  message: string;
  /** The merchant's form post that made this event (refunds, cancellations): one event per post. */
  request_key: Defaulted<string | null>;
}

export type DiscountKind = "percentage" | "fixed_amount" | "free_shipping";

export interface DiscountsTable {
  id: Id;
  code: string;
  kind: DiscountKind;
  /** Basis points for percentage, minor units for fixed_amount, 0 for free_shipping. */
  value: MinorDefaulted;
  applies_to: Defaulted<"order" | "collections" | "products">;
  collection_ids: Defaulted<string[]>;
  product_ids: Defaulted<string[]>;
  min_subtotal: MinorDefaulted;
  starts_at: ColumnType<Date, Date | string | undefined, Date | string>;
  ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  usage_limit: Defaulted<number | null>;
  per_customer_limit: Defaulted<number | null>;
  created_at: CreatedAt;
}

export interface DiscountRedemptionsTable {
  id: Id;
  discount_id: string;
  order_id: string | null;
  customer_email: string;
  amount: Minor;
  redeemed_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Id;
  at: CreatedAt;
  actor_user_id: string | null;
  actor_email: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  summary: Defaulted<string>;
  ip: Defaulted<string>;
}

export interface CatalogueTransfersTable {
  id: Id;
  kind: "import" | "export";
  status: Defaulted<"queued" | "running" | "done" | "failed">;
  file_name: string;
  total_rows: Defaulted<number>;
  processed_rows: Defaulted<number>;
  report: ColumnType<unknown, string | null | undefined, string | null>;
  created_by: string;
  created_at: CreatedAt;
  finished_at: Defaulted<Date | null>;
  /** The lease of the job run importing it (jobs/processors/catalogue-transfer.server.ts); null when none holds it. */
  claimed_until: Defaulted<Date | null>;
}

/** The shop's vocabulary (lexemes of active products' search vectors), rebuilt by refreshSearchWords for typo tolerance. */
export interface SearchWordsTable {
  word: string;
  products: number;
}

/** Units sold per product (orders not cancelled), recomputed by refreshProductSales for the "best selling" sort. */
export interface ProductSalesTable {
  product_id: string;
  units_sold: ColumnType<string, number | string | bigint, number | string | bigint>;
}

export interface SearchStateTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  words_refreshed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  sales_refreshed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PagesTable {
  id: Id;
  handle: string;
  title: string;
  /** Sanitised on save (shop/html.server.ts). */
  body_html: Defaulted<string>;
  published: Defaulted<boolean>;
  seo_title: Defaulted<string>;
  seo_description: Defaulted<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Raised by every save: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

/** One row per theme the merchant has touched; settings are JSON checked by the theme's schema. */
export interface ThemeSettingsTable {
  theme_id: string;
  draft: ColumnType<unknown, string | null | undefined, string | null>;
  published: ColumnType<unknown, string | null | undefined, string | null>;
  is_live: Defaulted<boolean>;
  published_at: Defaulted<Date | null>;
  updated_at: UpdatedAt;
  /** Raised by every save of the draft: a save from an older version is refused (0022_edit_versions). */
  version: Defaulted<number>;
}

/** A visitor's cart (token_hash: SHA-256 of the cookie's token) or a customer's; prices are read from variants, never stored. */
export interface CartsTable {
  id: Id;
  token_hash: string | null;
  customer_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface CartLinesTable {
  id: Id;
  cart_id: string;
  /** Null once the variant is deleted: the line shows as unavailable under its title. */
  variant_id: string | null;
  title: Defaulted<string>;
  quantity: number;
  added_at: CreatedAt;
}

/** A shopper's session on this shop's host; id_hash is the SHA-256 of the cookie's token. */
export interface CustomerSessionsTable {
  id_hash: string;
  customer_id: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export type CheckoutStatus = "open" | "processing" | "completed";
export type PaymentGatewayKind = "test" | "stripe";

/** A checkout opened from a cart; prices and totals are frozen only when payment starts. */
export interface CheckoutsTable {
  id: Id;
  token: string;
  cart_id: string | null;
  customer_id: Defaulted<string | null>;
  currency: string;
  email: Defaulted<string>;
  marketing_consent: Defaulted<boolean>;
  shipping_address: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  shipping_rate_id: Defaulted<string | null>;
  discount_code: Defaulted<string | null>;
  status: Defaulted<CheckoutStatus>;
  gateway: Defaulted<PaymentGatewayKind | null>;
  payment_id: Defaulted<string | null>;
  subtotal: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  discount_total: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  shipping_total: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  tax_total: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  total: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  platform_fee: ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;
  shipping_title: Defaulted<string | null>;
  discount_id: Defaulted<string | null>;
  reserved_until: Defaulted<Date | null>;
  order_id: Defaulted<string | null>;
  reminder_sent_at: Defaulted<Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  completed_at: Defaulted<Date | null>;
}

/** The lines and unit prices a payment was started for. */
export interface CheckoutLinesTable {
  checkout_id: string;
  variant_id: string;
  product_id: string | null;
  title: string;
  variant_title: Defaulted<string>;
  sku: Defaulted<string>;
  quantity: number;
  unit_price: Minor;
  /** This line's share of the merchandise discount. */
  discount: MinorDefaulted;
}

export interface StockReservationsTable {
  checkout_id: string;
  variant_id: string;
  quantity: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** Money that moved for an order: the sale and each refund, by the gateway's reference (unique). */
export interface OrderTransactionsTable {
  id: Id;
  order_id: string;
  kind: "sale" | "refund";
  gateway: PaymentGatewayKind | "manual";
  reference: string;
  amount: Minor;
  platform_fee: MinorDefaulted;
  currency: string;
  created_at: CreatedAt;
}

export interface FulfillmentsTable {
  id: Id;
  order_id: string;
  carrier: Defaulted<string>;
  tracking_number: Defaulted<string>;
  created_at: CreatedAt;
}

/** What Stripe still wants from a shop's account, as the admin shows it. */
export interface StripeRequirement {
  description: string;
  /** currently_due, past_due or eventually_due. */
  status: string;
}

/** A shop's Stripe connected account (Accounts v2) and its payout state, refreshed from Stripe on its events. */
export interface StripeAccountsTable {
  shop_id: string;
  account_id: string;
  livemode: boolean;
  details_submitted: Generated<boolean>;
  charges_enabled: Generated<boolean>;
  payouts_enabled: Generated<boolean>;
  requirements: ColumnType<StripeRequirement[], string | undefined, string>;
  requirements_deadline: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
  /** When Stripe was asked for the state stored (PostgreSQL's clock, to the microsecond): a later question wins. */
  refreshed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type StripeEndpoint = "platform" | "connect" | "thin";

/** Every Stripe webhook event received, once: the id is the key that makes a second delivery a no-op. */
export interface StripeEventsTable {
  id: string;
  endpoint: StripeEndpoint;
  type: string;
  account_id: string | null;
  livemode: boolean;
  payload: ColumnType<unknown, string, string>;
  received_at: Generated<Date>;
  processed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A link mailed to a merchant (a password reset or an email verification), by the SHA-256 of its token (0015, 0016). */
export interface AccountLinksTable {
  token_hash: string;
  user_id: string;
  purpose: AccountLinkPurpose;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date, Date>;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type AccountLinkPurpose = "password" | "email";

/** A shopper's password reset link at one shop, by the SHA-256 of its token (0017). */
export interface CustomerPasswordResetsTable {
  token_hash: string;
  customer_id: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date, Date>;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type SignalKind = "view" | "cart" | "purchase";
export type RecommendationList = "bought_together" | "for_you" | "trending";

/** What a shopper did (0019_recommendations): the job's input besides the orders. */
export interface ShopperSignalsTable {
  id: Id;
  /** The `bazaar_visitor` cookie's id; null for a purchase paid without one (e.g. from another device). */
  visitor_id: Defaulted<string | null>;
  customer_id: Defaulted<string | null>;
  product_id: string;
  kind: SignalKind;
  /** The recommendation block the shopper came from, for the dashboard's attribution. */
  source: Defaulted<RecommendationList | null>;
  cart_id: Defaulted<string | null>;
  order_id: Defaulted<string | null>;
  at: CreatedAt;
}

/** The last run's ranked picks; `subject` is a product id, `c<customer id>`, `v<visitor id>` or '' (trending). */
export interface RecommendationsTable {
  list: RecommendationList;
  subject: string;
  product_id: string;
  score: number;
  /** The signal behind the pick, as the admin shows it, e.g. "Bought together in 12 orders". */
  reason: Defaulted<string>;
}

export interface RecommendationRulesTable {
  product_id: string;
  other_product_id: string;
  rule: "pin" | "exclude";
  created_at: CreatedAt;
}

export interface RecommendationStateTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  generation: ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
  computed_at: Defaulted<Date | null>;
  took_ms: Defaulted<number | null>;
  signals: Defaulted<number>;
  /** The shop's customers buy the same products again (consumables): "for you" then includes "buy it again". */
  repeat_buyers: Defaulted<boolean>;
  retention_days: Defaulted<number>;
}
