import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A local stand-in for api.stripe.com that the real `stripe` SDK talks to (host, port, protocol): it records every
 * request we send (parameters, Stripe-Account and Idempotency-Key headers), replays the first answer for a repeated
 * idempotency key as Stripe does, and answers with Stripe-shaped objects. Tests change what Stripe "knows" (an
 * account's capabilities, a PaymentIntent's status) through its methods, and sign webhooks with the SDK's own
 * test header helper.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  stripeAccount: string | null;
  idempotencyKey: string | null;
}

type Json = Record<string, unknown>;

/** Reads Stripe's v1 form encoding (`a[b][c]=1`, `expand[0]=x`) into nested objects. */
function parseForm(body: string): Json {
  const result: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = result;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Json;
    });
  }
  return result;
}

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly accounts = new Map<string, Json>();
  readonly paymentIntents = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  private readonly replies = new Map<string, { status: number; body: string }>();
  private server!: http.Server;
  private counter = 0;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const reply = this.handle(req, body);
        res.writeHead(reply.status, { "content-type": "application/json", "request-id": `req_${++this.counter}` });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The environment that points Bazaar's Stripe client here. */
  env(secrets: { platform?: string; connect?: string; thin?: string } = {}): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: "sk_test_fake",
      STRIPE_PUBLISHABLE_KEY: "pk_test_fake",
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: "http",
      ...(secrets.platform ? { STRIPE_WEBHOOK_SECRET: secrets.platform } : {}),
      ...(secrets.connect ? { STRIPE_CONNECT_WEBHOOK_SECRET: secrets.connect } : {}),
      ...(secrets.thin ? { STRIPE_THIN_WEBHOOK_SECRET: secrets.thin } : {}),
    };
  }

  /** Requests to a path (a prefix), in order. */
  sent(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** What Stripe would say about an account once its owner finished onboarding (or not). */
  setAccountState(id: string, { charges, payouts, due = [] }: { charges: boolean; payouts: boolean; due?: string[] }): void {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`no account ${id}`);
    const status = (on: boolean) => ({ status: on ? "active" : "pending" });
    account.configuration = {
      merchant: { capabilities: { card_payments: status(charges), stripe_balance: { payouts: status(payouts) } } },
      customer: { capabilities: { automatic_indirect_tax: status(true) } },
    };
    account.requirements = {
      entries: due.map((description) => ({
        description,
        awaiting_action_from: "user",
        minimum_deadline: { status: "currently_due" },
        errors: [],
        requested_reasons: [],
      })),
      summary: due.length ? { minimum_deadline: { status: "currently_due", time: "2027-01-15T00:00:00.000Z" } } : {},
    };
  }

  /** The PaymentIntent after the shopper's bank answered. */
  setPaymentIntentStatus(id: string, status: "succeeded" | "processing" | "requires_payment_method" | "canceled", lastError?: string): Json {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw new Error(`no payment intent ${id}`);
    intent.status = status;
    intent.amount_received = status === "succeeded" ? intent.amount : 0;
    intent.last_payment_error = lastError ? { message: lastError } : null;
    return intent;
  }

  /** A subscription Stripe made after Checkout, for `account`, on a monthly price of `amount`. */
  addSubscription(account: string, amount: number, currency: string, metadata: Record<string, string>): string {
    const subscriptionId = `sub_${String(++this.counter).padStart(8, "0")}`;
    this.subscriptions.set(subscriptionId, {
      id: subscriptionId,
      object: "subscription",
      customer_account: account,
      metadata,
      items: {
        object: "list",
        data: [{ id: `si_${this.counter}`, price: { id: `price_${this.counter}`, product: `prod_${this.counter}`, unit_amount: amount, currency } }],
      },
    });
    return subscriptionId;
  }

  /** A signed v1 webhook delivery, as Stripe would POST it. */
  signedEvent(secret: string, event: Json): { payload: string; signature: string } {
    const payload = JSON.stringify({ object: "event", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), livemode: false, ...event });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  }

  /** A signed thin event about a v2 object, as Stripe's event destinations send it. */
  signedThinEvent(secret: string, event: { id: string; type: string; accountId: string }): { payload: string; signature: string } {
    const payload = JSON.stringify({
      id: event.id,
      object: "v2.core.event",
      type: event.type,
      livemode: false,
      created: new Date().toISOString(),
      related_object: { id: event.accountId, type: "v2.core.account", url: `/v2/core/accounts/${event.accountId}` },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  }

  private handle(req: http.IncomingMessage, body: string): { status: number; body: string } {
    const url = new URL(req.url ?? "/", "http://fake");
    const isV2 = url.pathname.startsWith("/v2/");
    const params: Json = req.method === "GET" ? Object.fromEntries(url.searchParams) : isV2 ? (body ? JSON.parse(body) : {}) : parseForm(body);
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const stripeAccount = (req.headers["stripe-account"] as string | undefined) ?? null;
    this.requests.push({ method: req.method ?? "", path: url.pathname, params, stripeAccount, idempotencyKey });
    const replayKey = idempotencyKey && req.method === "POST" ? `${stripeAccount}|${url.pathname}|${idempotencyKey}` : null;
    if (replayKey && this.replies.has(replayKey)) return this.replies.get(replayKey)!;
    const reply = this.route(req.method ?? "", url.pathname, params, stripeAccount);
    if (replayKey) this.replies.set(replayKey, reply);
    return reply;
  }

  private route(method: string, path: string, params: Json, stripeAccount: string | null): { status: number; body: string } {
    const ok = (object: Json) => ({ status: 200, body: JSON.stringify(object) });
    const missing = (what: string) => ({ status: 404, body: JSON.stringify({ error: { type: "invalid_request_error", message: `No such ${what}` } }) });
    const id = (prefix: string) => `${prefix}_${String(++this.counter).padStart(8, "0")}`;
    let match: RegExpExecArray | null;

    if (method === "POST" && path === "/v2/core/accounts") {
      const account: Json = {
        id: id("acct"),
        object: "v2.core.account",
        display_name: params.display_name,
        contact_email: params.contact_email,
        created: new Date().toISOString(),
      };
      this.accounts.set(account.id as string, account);
      this.setAccountState(account.id as string, { charges: false, payouts: false, due: ["Business details", "Bank account for payouts"] });
      return ok(account);
    }
    if (method === "GET" && (match = /^\/v2\/core\/accounts\/([^/]+)$/.exec(path))) {
      const account = this.accounts.get(match[1]);
      return account ? ok(account) : missing("account");
    }
    if (method === "POST" && path === "/v2/core/account_links") {
      return ok({
        object: "v2.core.account_link",
        account: params.account,
        url: `https://connect.stripe.com/setup/${String(params.account)}`,
        use_case: params.use_case,
      });
    }
    if (method === "POST" && path === "/v1/account_sessions") {
      return ok({ object: "account_session", account: params.account, client_secret: `accs_secret_${String(params.account)}`, components: params.components });
    }
    if (method === "POST" && path === "/v1/payment_intents") {
      const intentId = id("pi");
      const intent: Json = {
        id: intentId,
        object: "payment_intent",
        amount: Number(params.amount),
        amount_received: 0,
        currency: params.currency,
        application_fee_amount: params.application_fee_amount === undefined ? null : Number(params.application_fee_amount),
        client_secret: `${intentId}_secret_x`,
        metadata: params.metadata ?? {},
        status: "requires_payment_method",
        last_payment_error: null,
        on_account: stripeAccount,
      };
      this.paymentIntents.set(intentId, intent);
      return ok(intent);
    }
    if (method === "GET" && (match = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
      const intent = this.paymentIntents.get(match[1]);
      // A PaymentIntent lives on the account it was created on: asked from another, Stripe doesn't know it.
      return intent && intent.on_account === stripeAccount ? ok(intent) : missing("payment_intent");
    }
    if (method === "POST" && path === "/v1/refunds") {
      const intent = this.paymentIntents.get(String(params.payment_intent));
      if (!intent || intent.on_account !== stripeAccount) return missing("payment_intent");
      return ok({ id: id("re"), object: "refund", amount: Number(params.amount), payment_intent: intent.id, status: "succeeded" });
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const sessionId = id("cs");
      return ok({
        id: sessionId,
        object: "checkout.session",
        mode: params.mode,
        customer_account: params.customer_account,
        url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      });
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      return ok({
        id: id("bps"),
        object: "billing_portal.session",
        customer_account: params.customer_account,
        url: `https://billing.stripe.com/p/session/${String(params.customer_account)}`,
      });
    }
    if ((match = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const subscription = this.subscriptions.get(match[1]);
      if (!subscription) return missing("subscription");
      if (method === "POST") Object.assign(subscription, { metadata: params.metadata ?? subscription.metadata, pending_update: params });
      return ok(subscription);
    }
    return missing(`route ${method} ${path}`);
  }
}
