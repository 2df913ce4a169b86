import Stripe from "stripe";

/**
 * Bazaar's Stripe connection, from the environment only (never a commit). No STRIPE_SECRET_KEY: Stripe is off, and
 * checkout uses the test gateway (shop/test-gateway.server.ts). STRIPE_API_HOST/PORT/PROTOCOL point the real SDK
 * at another server (the tests' fake Stripe).
 */
export interface StripeSetup {
  client: Stripe;
  publishableKey: string;
  /** Test-mode keys answer only test-mode events; a live key only live ones. */
  livemode: boolean;
  /** One signing secret per webhook endpoint (docs/decisions/024-stripe-connect-accounts-v2.md). */
  webhookSecrets: { platform: string | null; connect: string | null; thin: string | null };
}

export function stripeFromEnv(env: Record<string, string | undefined> = process.env): StripeSetup | null {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) return null;
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(secretKey))
    throw new Error("STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_…, sk_live_…)");
  const port = env.STRIPE_API_PORT ? Number(env.STRIPE_API_PORT) : undefined;
  const protocol = env.STRIPE_API_PROTOCOL;
  if (protocol && protocol !== "http" && protocol !== "https") throw new Error("STRIPE_API_PROTOCOL must be http or https");
  const client = new Stripe(secretKey, {
    host: env.STRIPE_API_HOST || undefined,
    port,
    protocol: protocol as "http" | "https" | undefined,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "Bazaar" },
  });
  return {
    client,
    publishableKey: env.STRIPE_PUBLISHABLE_KEY ?? "",
    livemode: secretKey.includes("_live_"),
    webhookSecrets: {
      platform: env.STRIPE_WEBHOOK_SECRET || null,
      connect: env.STRIPE_CONNECT_WEBHOOK_SECRET || null,
      thin: env.STRIPE_THIN_WEBHOOK_SECRET || null,
    },
  };
}

/**
 * What to tell a merchant when a call to Stripe failed, and with which status; null for anything that isn't an
 * answer from Stripe (a bug of ours, to rethrow). Stripe being down or misconfigured is never a 500 of ours.
 */
export function stripeFailure(error: unknown): { status: 400 | 502 | 503; message: string } | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  switch (error.type) {
    case "StripeInvalidRequestError":
      return { status: 400, message: `Stripe refused this: ${error.message}` };
    case "StripeConnectionError":
    case "StripeRateLimitError":
    case "StripeAPIError":
      return { status: 503, message: "Stripe couldn't be reached just now. Try again in a minute." };
    case "StripeAuthenticationError":
    case "StripePermissionError":
      return { status: 503, message: "Bazaar's connection to Stripe isn't set up correctly. Please tell Bazaar's support." };
    default:
      return { status: 502, message: `Stripe couldn't do this: ${error.message}` };
  }
}
