import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { Shop, MemberRole } from "../../db/types.ts";
import type { Actor } from "../../shop/audit.server.ts";
import { can, type Capability } from "../../shop/permissions.ts";
import { findMembership, type Membership } from "../../tenants/accounts.server.ts";
import { adminAllows, type StateAccess } from "../../tenants/lifecycle.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";

function notFound(): Response {
  return new Response("Not found", { status: 404 });
}

/** Storefront routes: the shop resolved by the server entry, with its handle. */
export function requireShop(context: AppLoadContext) {
  if (context.site.kind !== "shop") throw notFound();
  return context.site;
}

/** Platform routes (landing, signup, admin, operator) exist only on the platform host. */
export function requirePlatform(context: AppLoadContext): void {
  if (context.site.kind !== "platform") throw notFound();
}

export function requireUser(context: AppLoadContext, request: Request) {
  requirePlatform(context);
  const { user, session } = context;
  if (!user || !session) {
    const url = new URL(request.url);
    throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return { user, session };
}

/**
 * The signed-in merchant's membership of the shop named in the URL. Anyone
 * else gets a 404, the same as for a shop that doesn't exist.
 *
 * Every admin page needs the whole admin unless it says otherwise: a shop whose
 * lifecycle state closes the admin (frozen, suspended, closed; tenants/lifecycle.ts)
 * sends every other page and action to its billing page, which says why.
 */
export async function requireMember(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
  adminAccess: StateAccess["admin"] = "full",
): Promise<Membership> {
  const { user } = requireUser(context, request);
  const membership = slug ? await findMembership(context.services.db, user.id, slug) : null;
  if (!membership) throw notFound();
  if (!adminAllows(membership.shop.status, adminAccess)) throw redirect(`/admin/${encodeURIComponent(membership.shop.slug)}/billing`);
  return membership;
}

export interface ShopAdmin {
  shop: Shop;
  role: MemberRole;
  /** The shop's handle, from the registry row the membership points at. */
  db: TenantDb;
  /** For the audit log. */
  actor: Actor;
}

/**
 * Everything an admin loader or action needs: the member's shop, role and the
 * shop's handle. Without the capability the page is forbidden (403); a
 * non-member sees the same 404 as for a shop that doesn't exist.
 */
export async function requireShopAdmin(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
  capability: Capability,
  adminAccess: StateAccess["admin"] = "full",
): Promise<ShopAdmin> {
  const { shop, role } = await requireMember(context, request, slug, adminAccess);
  if (!can(role, capability)) throw new Response("You don't have permission to do this.", { status: 403 });
  const user = context.user!;
  return { shop, role, db: context.services.tenantDb(shop), actor: { userId: user.id, email: user.email, ip: context.clientAddress } };
}

const SHOP_ID = /^[1-9]\d{0,17}$/;

/** A console page's shop, by the registry id in its address; 404 for anything else. Call after requireOperator. */
export async function requireOperatorShop(context: AppLoadContext, id: string | undefined): Promise<Shop> {
  const shop = id && SHOP_ID.test(id) ? await context.services.db.selectFrom("platform.shops").selectAll().where("id", "=", id).executeTakeFirst() : undefined;
  if (!shop) throw notFound();
  return shop;
}

/**
 * The operator signed in to the console, from the operators' own session (never a merchant's). Anyone else is
 * sent to the console's login; the login page itself tells nothing about who operators are.
 */
export function requireOperator(context: AppLoadContext, request: Request) {
  requirePlatform(context);
  if (!context.operator) {
    const url = new URL(request.url);
    throw redirect(`/operator/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return context.operator;
}

/** Only same-site relative paths, so a login link can't bounce a merchant to another site. */
export function safeRedirectPath(to: FormDataEntryValue | string | null, fallback: string): string {
  if (typeof to !== "string" || to.length > 2000 || !to.startsWith("/")) return fallback;
  // Browsers drop tabs and newlines from a Location and read a backslash as a slash, so "/<tab>/evil.com" would
  // leave the site; CR and LF can't go in a header at all.
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = new URL("http://same-origin.invalid");
  const url = URL.canParse(to, base) ? new URL(to, base) : null;
  return url && url.origin === base.origin ? url.pathname + url.search + url.hash : fallback;
}
