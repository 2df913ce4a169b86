import { stripeWebhookAction, webhookOnlyPost } from "../utils/stripe-webhook.server.ts";

// POST /webhooks/stripe: the platform account's own events (billing); docs/decisions/024-stripe-connect-accounts-v2.md.
export const action = stripeWebhookAction("platform");
export const loader = webhookOnlyPost;
