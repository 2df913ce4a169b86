import type { AppLoadContext } from "@remix-run/node";
import { platformOrigin } from "../../server/config.ts";
import type { CheckoutDeps } from "../../shop/checkout.server.ts";
import type { Storefront } from "./storefront.server.ts";

/** What checkout and order code need on this request: the shop's handle, the platform's database and both origins. */
export function checkoutDeps(context: AppLoadContext, storefront: Pick<Storefront, "db" | "shop">): CheckoutDeps {
  return {
    db: storefront.db,
    platform: context.services.db,
    shop: storefront.shop,
    origin: context.origin,
    adminOrigin: platformOrigin(context.services.config),
  };
}
