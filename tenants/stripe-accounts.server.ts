import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type Stripe from "stripe";
import type { PlatformDb } from "../db/database.server.ts";
import type { Shop, StripeRequirement } from "../db/types.ts";

/**
 * Each shop's Stripe connected account, on Accounts v2 (docs/decisions/024-stripe-connect-accounts-v2.md): the
 * `merchant` configuration takes the shop's card payments (direct charges, the shop is the merchant of record) and
 * pays out, the `customer` configuration lets the platform bill the same account for its plan. Stripe collects the
 * requirements, bears fees and losses, and the merchant gets the full Stripe Dashboard.
 *
 * What the account can do is only ever learned from Stripe (a retrieve, prompted by its thin events) and stored in
 * `platform.stripe_accounts`; the checkout reads `charges_enabled` from there.
 */

/** Where onboarding sends the merchant back to, on the platform host. */
export interface OnboardingUrls {
  returnUrl: string;
  refreshUrl: string;
}

export type PayoutState = {
  accountId: string;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  requirements: StripeRequirement[];
  deadline: Date | null;
  refreshedAt: Date | null;
};

const ACCOUNT_INCLUDES = ["configuration.merchant", "configuration.customer", "requirements"] as const;

/**
 * Creates the shop's connected account once (a second call returns the first account: the idempotency key names the
 * shop, and the row is unique per shop). Returns its id.
 */
export async function connectShopAccount(
  db: PlatformDb,
  stripe: Stripe,
  shop: Pick<Shop, "id" | "name">,
  owner: { email: string; country: string },
  livemode: boolean,
): Promise<string> {
  const existing = await db.selectFrom("platform.stripe_accounts").select("account_id").where("shop_id", "=", shop.id).executeTakeFirst();
  if (existing) return existing.account_id;
  const asked = await now(db);
  const account = await stripe.v2.core.accounts.create(
    {
      display_name: shop.name,
      contact_email: owner.email,
      dashboard: "full",
      identity: { country: owner.country.toLowerCase() },
      defaults: { responsibilities: { fees_collector: "stripe", losses_collector: "stripe" } },
      configuration: {
        merchant: { capabilities: { card_payments: { requested: true } } },
        customer: { capabilities: { automatic_indirect_tax: { requested: true } } },
      },
      metadata: { bazaar_shop_id: shop.id },
      include: [...ACCOUNT_INCLUDES],
    },
    { idempotencyKey: `bazaar-shop-${shop.id}-account` },
  );
  await db
    .insertInto("platform.stripe_accounts")
    .values({ shop_id: shop.id, account_id: account.id, livemode })
    .onConflict((oc) => oc.column("shop_id").doNothing())
    .execute();
  await storeAccountState(db, account, asked);
  const stored = await db.selectFrom("platform.stripe_accounts").select("account_id").where("shop_id", "=", shop.id).executeTakeFirstOrThrow();
  return stored.account_id;
}

/**
 * A short-lived client secret for Connect.js's embedded components (onboarding, payments, payouts, banner). Each
 * page load asks for its own; the idempotency key only makes the SDK's retries of this one request safe.
 */
export async function createAccountSession(stripe: Stripe, accountId: string): Promise<string> {
  const session = await stripe.accountSessions.create(
    {
      account: accountId,
      components: {
        account_onboarding: { enabled: true },
        payments: { enabled: true, features: { refund_management: true, dispute_management: true, capture_payments: true } },
        payouts: { enabled: true },
        notification_banner: { enabled: true },
      },
    },
    { idempotencyKey: `bazaar-account-session-${accountId}-${randomUUID()}` },
  );
  return session.client_secret;
}

/** The Stripe-hosted onboarding page, for when Connect.js can't load (or the merchant prefers it). */
export async function createOnboardingLink(stripe: Stripe, accountId: string, urls: OnboardingUrls): Promise<string> {
  const link = await stripe.v2.core.accountLinks.create(
    {
      account: accountId,
      use_case: {
        type: "account_onboarding",
        account_onboarding: { return_url: urls.returnUrl, refresh_url: urls.refreshUrl },
      },
    },
    // A link is single-use and short-lived: one per click, the key only covers this request's retries.
    { idempotencyKey: `bazaar-account-link-${accountId}-${randomUUID()}` },
  );
  return link.url;
}

/**
 * Asks Stripe for the account as it is now and stores what it can do; events only say that something changed.
 * Returns false when a retrieve started later has already been stored (two refreshes racing: the newer one wins).
 */
export async function refreshPayoutState(db: PlatformDb, stripe: Stripe, accountId: string): Promise<boolean> {
  const asked = await now(db);
  const account = await stripe.v2.core.accounts.retrieve(accountId, { include: [...ACCOUNT_INCLUDES] });
  return storeAccountState(db, account, asked);
}

/**
 * PostgreSQL's clock as text, to the microsecond (a JavaScript Date has milliseconds): two refreshes, even from two
 * processes, are ordered by when they asked.
 */
async function now(db: PlatformDb): Promise<string> {
  const { rows } = await sql<{ now: string }>`select clock_timestamp()::text as now`.execute(db);
  return rows[0].now;
}

/** `asked`: when the answer was asked for, so an answer to an earlier question never overwrites a later one. */
async function storeAccountState(db: PlatformDb, account: Stripe.V2.Core.Account, asked: string): Promise<boolean> {
  const capabilities = account.configuration?.merchant?.capabilities;
  const entries = account.requirements?.entries ?? [];
  const due = entries.filter((e) => e.awaiting_action_from === "user" && e.minimum_deadline.status !== "eventually_due");
  const requirements: StripeRequirement[] = entries
    .filter((e) => e.awaiting_action_from === "user")
    .map((e) => ({ description: e.description, status: e.minimum_deadline.status }));
  const deadline = account.requirements?.summary?.minimum_deadline?.time;
  const updated = await db
    .updateTable("platform.stripe_accounts")
    .set({
      details_submitted: due.length === 0,
      charges_enabled: capabilities?.card_payments?.status === "active",
      payouts_enabled: capabilities?.stripe_balance?.payouts?.status === "active",
      requirements: JSON.stringify(requirements),
      requirements_deadline: deadline ? new Date(deadline) : null,
      refreshed_at: asked,
    })
    .where("account_id", "=", account.id)
    .where((eb) => eb.or([eb("refreshed_at", "is", null), eb("refreshed_at", "<", sql<Date>`${asked}::timestamptz`)]))
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

export async function payoutState(db: PlatformDb, shopId: string): Promise<PayoutState | null> {
  const row = await db.selectFrom("platform.stripe_accounts").selectAll().where("shop_id", "=", shopId).executeTakeFirst();
  if (!row) return null;
  return {
    accountId: row.account_id,
    detailsSubmitted: row.details_submitted,
    chargesEnabled: row.charges_enabled,
    payoutsEnabled: row.payouts_enabled,
    requirements: row.requirements,
    deadline: row.requirements_deadline,
    refreshedAt: row.refreshed_at,
  };
}

/** The shop a connected account belongs to; null for an account that isn't one of ours. */
export async function shopForAccount(db: PlatformDb, accountId: string): Promise<Shop | null> {
  const row = await db
    .selectFrom("platform.stripe_accounts as a")
    .innerJoin("platform.shops as s", "s.id", "a.shop_id")
    .selectAll("s")
    .where("a.account_id", "=", accountId)
    .executeTakeFirst();
  return row ?? null;
}
