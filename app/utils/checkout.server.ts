import type { AppLoadContext } from "@remix-run/node";
import type { Shop } from "../../db/types.ts";
import type { CheckoutDeps } from "../../shop/checkout.server.ts";
import { testRefunds, type OrderActionDeps } from "../../shop/order-actions.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { platformOrigin, shopOrigin } from "../../server/config.ts";
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

/** What the admin's order actions need: the shop's storefront origin for the shopper's emails, and each gateway's refunds. */
export function adminOrderDeps(context: AppLoadContext, shop: Shop, db: TenantDb): OrderActionDeps {
  const config = context.services.config;
  return {
    db,
    platform: context.services.db,
    shop,
    origin: shopOrigin(config, shop.slug),
    adminOrigin: platformOrigin(config),
    gateways: { test: testRefunds },
  };
}
