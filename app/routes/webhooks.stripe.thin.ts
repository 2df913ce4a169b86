import { stripeWebhookAction, webhookOnlyPost } from "../utils/stripe-webhook.server.ts";

// POST /webhooks/stripe/thin: thin events (Accounts v2 changes); docs/decisions/024-stripe-connect-accounts-v2.md.
export const action = stripeWebhookAction("thin");
export const loader = webhookOnlyPost;
