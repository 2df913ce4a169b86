import type { AppLoadContext } from "@remix-run/node";
import type { Shop } from "../../db/types.ts";
import type { CheckoutDeps } from "../../shop/checkout.server.ts";
import { testRefunds, type OrderActionDeps } from "../../shop/order-actions.server.ts";
import { stripeRefunds, type ConnectedStripe } from "../../shop/stripe-gateway.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { payoutState } from "../../tenants/stripe-accounts.server.ts";
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
    deliverMail: context.services.deliverMail,
    requestRecommendations: () => context.services.recommendations.request(storefront.shop.id),
  };
}

/** What the admin's order actions need: the shop's storefront origin for the shopper's emails, and each gateway's refunds. */
export async function adminOrderDeps(context: AppLoadContext, shop: Shop, db: TenantDb): Promise<OrderActionDeps> {
  const { config, stripe } = context.services;
  const account = stripe ? await payoutState(context.services.db, shop.id) : null;
  return {
    db,
    platform: context.services.db,
    shop,
    origin: shopOrigin(config, shop.slug),
    adminOrigin: platformOrigin(config),
    deliverMail: context.services.deliverMail,
    // A refund goes back through the gateway that was paid; Stripe's go through the shop's connected account.
    gateways: { test: testRefunds, ...(stripe && account ? { stripe: stripeRefunds({ client: stripe.client, accountId: account.accountId }) } : {}) },
  };
}

/** How this shop's checkout takes payment now. */
export type CheckoutGateway =
  | { kind: "test" }
  | { kind: "stripe"; stripe: ConnectedStripe; publishableKey: string }
  /** Stripe is configured but this shop's account can't take charges yet: checkout waits. */
  | { kind: "unavailable" };

/**
 * No Stripe key: the test gateway. Stripe configured: the shop's connected account, once Stripe says it can take
 * charges (platform.stripe_accounts, kept in step by its events); until then checkout is closed.
 */
export async function checkoutGateway(context: AppLoadContext, shop: Pick<Shop, "id">): Promise<CheckoutGateway> {
  const setup = context.services.stripe;
  if (!setup) return { kind: "test" };
  const state = await payoutState(context.services.db, shop.id);
  if (!state?.chargesEnabled) return { kind: "unavailable" };
  return { kind: "stripe", stripe: { client: setup.client, accountId: state.accountId }, publishableKey: setup.publishableKey };
}
