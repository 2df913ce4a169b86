import { stripeWebhookAction, webhookOnlyPost } from "../utils/stripe-webhook.server.ts";

// POST /webhooks/stripe/connect: events from shops' connected accounts (payments, disputes); docs/decisions/024-stripe-connect-accounts-v2.md.
export const action = stripeWebhookAction("connect");
export const loader = webhookOnlyPost;
