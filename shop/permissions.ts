import type { MemberRole } from "../db/types.ts";

/**
 * What each role may do in a shop's admin. Staff run the shop day to day;
 * payouts, billing and staff management are for the owner (and admins, for staff).
 * Content pages speak for the shop as a whole, like its theme and policies: owners and admins.
 * The whole shop's data in one download (customers and orders included) is the owner's alone.
 * Giving money back (refunds, cancellations) is for owners and admins; staff fulfil.
 */
export type Capability =
  "catalogue" | "orders" | "refunds" | "customers" | "discounts" | "themes" | "pages" | "settings" | "staff" | "payouts" | "billing" | "audit" | "export";

const GRANTS: Record<MemberRole, ReadonlySet<Capability>> = {
  owner: new Set(["catalogue", "orders", "refunds", "customers", "discounts", "themes", "pages", "settings", "staff", "payouts", "billing", "audit", "export"]),
  admin: new Set(["catalogue", "orders", "refunds", "customers", "discounts", "themes", "pages", "settings", "staff"]),
  staff: new Set(["catalogue", "orders", "customers", "discounts"]),
};

export function can(role: MemberRole, capability: Capability): boolean {
  return GRANTS[role].has(capability);
}

/** Roles a member may give when inviting: nobody invites an owner; admins invite staff only. */
export function invitableRoles(role: MemberRole): Exclude<MemberRole, "owner">[] {
  if (role === "owner") return ["admin", "staff"];
  if (role === "admin") return ["staff"];
  return [];
}
