import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ShopStatus = "active" | "suspended" | "closed";
export type MemberRole = "owner" | "staff";

/** The `platform` schema: the registry every request consults before touching a shop. */
export interface PlatformDatabase {
  "platform.shops": ShopsTable;
  "platform.shop_domains": ShopDomainsTable;
  "platform.users": UsersTable;
  "platform.memberships": MembershipsTable;
  "platform.sessions": SessionsTable;
  "platform.login_attempts": LoginAttemptsTable;
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
  is_operator: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
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

export interface LoginAttemptsTable {
  id: Generated<string>;
  throttle_key: string;
  attempted_at: Generated<Date>;
}

export type Shop = Selectable<ShopsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;

/**
 * Tables inside every shop's own schema. Reached only through a handle bound
 * with `withSchema(shop.schema_name)`; see tenants/handle.ts.
 */
export interface TenantDatabase {
  storefront_settings: StorefrontSettingsTable;
}

export interface StorefrontSettingsTable {
  /** Single-row table: the check constraint pins the key to true. */
  singleton: ColumnType<boolean, boolean | undefined, never>;
  headline: string;
  welcome_text: ColumnType<string, string | undefined, string>;
  currency: ColumnType<string, string | undefined, string>;
  updated_at: Generated<Date>;
}
