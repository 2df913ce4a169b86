import type { AppLoadContext, HeadersFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readCartToken, readShopperSession, type CartOwner } from "../domain.server.ts";
import { requireStorefront, type Storefront } from "./storefront.server.ts";

/**
 * The storefront gate plus the shopper signed in on this shop (if any) and
 * whose cart this request reaches. `headers` carries a renewed session
 * cookie: return it with the loader's or action's response.
 */
export async function shopperContext(context: AppLoadContext, request: Request) {
  return shopperOf(context, request, await requireStorefront(context, request));
}

/** shopperContext for a storefront the caller has already read (and checked is open). */
export async function shopperOf(context: AppLoadContext, request: Request, storefront: Storefront) {
  const secure = context.services.config.production;
  const cookies = request.headers.get("cookie");
  const session = await readShopperSession(storefront.db, cookies, { secure });
  const headers = new Headers();
  if (session.setCookie) headers.append("Set-Cookie", session.setCookie);
  const owner: CartOwner = { customerId: session.shopper?.id ?? null, token: readCartToken(cookies) };
  return { ...storefront, shopper: session.shopper, secure, headers, owner };
}

/** Account pages: a visitor who isn't signed in goes to the login page, and comes back after. */
export async function requireShopper(context: AppLoadContext, request: Request) {
  const current = await shopperContext(context, request);
  if (!current.shopper) {
    const url = new URL(request.url);
    throw redirect(`/account/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`, { headers: current.headers });
  }
  return { ...current, shopper: current.shopper };
}

/** Carts and accounts are personal: keep the layout's headers and never let a shared cache store the page. */
export const privatePageHeaders: HeadersFunction = ({ parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  headers.set("Cache-Control", "private, no-store");
  return headers;
};
