import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A local stand-in for api.stripe.com that the real `stripe` SDK talks to (host, port, protocol): it records every
 * request we send (parameters, Stripe-Account and Idempotency-Key headers), replays the first answer for a repeated
 * idempotency key as Stripe does (and refuses the key with other parameters), and answers with Stripe-shaped
 * objects. Each resource is a small handler on a route; a test changes what Stripe "knows" (an account's
 * capabilities, a PaymentIntent's status) through the methods below, or replaces an answer with `on`.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  stripeAccount: string | null;
  idempotencyKey: string | null;
}

type Json = Record<string, unknown>;
export type FakeReply = { status: number; body: Json; headers?: Record<string, string> };
/** A handler gets the request and the route's captured path segments; a plain object is a 200. It may take its time (a promise). */
export type FakeHandler = (request: RecordedRequest, ...segments: string[]) => FakeReply | Json | Promise<FakeReply | Json>;
type Route = { method: string; pattern: RegExp; handler: FakeHandler };

/**
 * Stripe's error envelope (v1 and v2 alike): `type` and the status are what the SDK turns into its error classes.
 * `Stripe-Should-Retry: false` keeps the SDK from retrying, so a test sees the error at once.
 */
export function stripeError(status: number, type: string, message: string, code?: string): FakeReply {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } }, headers: { "stripe-should-retry": "false" } };
}

const missing = (what: string) => stripeError(404, "invalid_request_error", `No such ${what}`, "resource_missing");

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
  readonly refunds = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  /** Thin events this fake signed, for `/v2/core/events/:id` (what `fetchEvent()` asks for). */
  readonly events = new Map<string, Json>();
  private readonly replies = new Map<string, { params: string; reply: FakeReply }>();
  private readonly overrides: Route[] = [];
  private readonly routes: Route[] = [];
  private server!: http.Server;
  private counter = 0;
  port = 0;

  constructor() {
    this.route("POST", "/v2/core/accounts", (r) => this.createAccount(r));
    this.route("GET", "/v2/core/accounts/:id", (_r, id) => this.accounts.get(id) ?? missing("account"));
    this.route("POST", "/v2/core/account_links", (r) => ({
      object: "v2.core.account_link",
      account: r.params.account,
      url: `https://connect.stripe.com/setup/${String(r.params.account)}`,
      use_case: r.params.use_case,
      created: new Date().toISOString(),
      expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
      livemode: false,
    }));
    this.route("GET", "/v2/core/events/:id", (_r, id) => this.events.get(id) ?? missing("event"));
    this.route("POST", "/v1/account_sessions", (r) => ({
      object: "account_session",
      account: r.params.account,
      client_secret: `accs_secret_${String(r.params.account)}`,
      components: r.params.components,
      expires_at: Math.floor(Date.now() / 1000) + 1800,
      livemode: false,
    }));
    this.route("POST", "/v1/payment_intents", (r) => this.createPaymentIntent(r));
    this.route("GET", "/v1/payment_intents/:id", (r, id) => {
      const intent = this.paymentIntents.get(id);
      // A PaymentIntent lives on the account it was created on: asked from another, Stripe doesn't know it.
      return intent && intent.on_account === r.stripeAccount ? intent : missing("payment_intent");
    });
    this.route("POST", "/v1/refunds", (r) => this.createRefund(r));
    this.route("GET", "/v1/refunds", ({ params, stripeAccount }) => ({
      object: "list",
      url: "/v1/refunds",
      has_more: false,
      data: [...this.refunds.values()].filter((r) => r.payment_intent === params.payment_intent && r.on_account === stripeAccount).reverse(),
    }));
    this.route("POST", "/v1/checkout/sessions", (r) => {
      const id = this.id("cs");
      return {
        id,
        object: "checkout.session",
        mode: r.params.mode,
        customer_account: r.params.customer_account,
        url: `https://checkout.stripe.com/c/pay/${id}`,
      };
    });
    this.route("POST", "/v1/billing_portal/sessions", (r) => ({
      id: this.id("bps"),
      object: "billing_portal.session",
      customer_account: r.params.customer_account,
      url: `https://billing.stripe.com/p/session/${String(r.params.customer_account)}`,
    }));
    this.route("GET", "/v1/subscriptions/:id", (_r, id) => this.subscriptions.get(id) ?? missing("subscription"));
    this.route("POST", "/v1/subscriptions/:id", (r, id) => {
      const subscription = this.subscriptions.get(id);
      if (!subscription) return missing("subscription");
      return Object.assign(subscription, { metadata: r.params.metadata ?? subscription.metadata, pending_update: r.params });
    });
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const reply = await this.handle(req, body);
        res.writeHead(reply.status, { "content-type": "application/json", "request-id": `req_${++this.counter}`, ...reply.headers });
        res.end(JSON.stringify(reply.body));
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

  /**
   * Answers `method path` (`:name` matches one segment) with `handler` instead of the built-in one, until the
   * returned function is called. The request is still recorded.
   *
   * @example
   *   const restore = fake.on("POST", "/v2/core/accounts", () => stripeError(400, "invalid_request_error", "Unsupported country"));
   */
  on(method: string, path: string, handler: FakeHandler): () => void {
    const route = { method, pattern: FakeStripe.pattern(path), handler };
    this.overrides.unshift(route);
    return () => void this.overrides.splice(this.overrides.indexOf(route), 1);
  }

  /** Requests to a path (a prefix), in order. */
  sent(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** What Stripe would say about an account once its owner finished onboarding (or not). */
  setAccountState(
    id: string,
    { charges, payouts, due = [], deadline = "2027-01-15T00:00:00.000Z" }: { charges: boolean; payouts: boolean; due?: string[]; deadline?: string },
  ): void {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`no account ${id}`);
    const status = (on: boolean) => ({ status: on ? "active" : "pending", status_details: [] });
    account.configuration = {
      merchant: { applied: true, capabilities: { card_payments: status(charges), stripe_balance: { payouts: status(payouts) } } },
      customer: { applied: true, capabilities: { automatic_indirect_tax: status(true) } },
    };
    account.requirements = {
      entries: due.map((description) => ({
        description,
        awaiting_action_from: "user",
        minimum_deadline: { status: "currently_due" },
        impact: {},
        errors: [],
        requested_reasons: [],
      })),
      summary: due.length ? { minimum_deadline: { status: "currently_due", time: deadline } } : {},
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
    const subscriptionId = this.id("sub");
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

  /** A signed v1 (snapshot) webhook delivery, as Stripe would POST it. */
  signedEvent(secret: string, event: Json): { payload: string; signature: string } {
    const payload = JSON.stringify({ object: "event", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), livemode: false, ...event });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  }

  /**
   * A signed thin event, as Stripe's event destinations send it; the full event is kept for `fetchEvent()`. An
   * account's own events point at the account; a person's or an account link's name it only in the full event.
   */
  signedThinEvent(secret: string, event: { id: string; type: string; accountId: string; livemode?: boolean }): { payload: string; signature: string } {
    const aboutAccount = /^v2\.core\.account(\.|\[)/.test(event.type);
    const notification = {
      id: event.id,
      object: "v2.core.event",
      type: event.type,
      livemode: event.livemode ?? false,
      created: new Date().toISOString(),
      ...(aboutAccount ? { related_object: { id: event.accountId, type: "v2.core.account", url: `/v2/core/accounts/${event.accountId}` } } : {}),
    };
    this.events.set(event.id, { ...notification, data: { account_id: event.accountId } });
    const payload = JSON.stringify(notification);
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  }

  private static pattern(path: string): RegExp {
    return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[a-z]+/g, "([^/]+)")}$`);
  }

  private route(method: string, path: string, handler: FakeHandler): void {
    this.routes.push({ method, pattern: FakeStripe.pattern(path), handler });
  }

  private id(prefix: string): string {
    return `${prefix}_${String(++this.counter).padStart(8, "0")}`;
  }

  private async handle(req: http.IncomingMessage, body: string): Promise<FakeReply> {
    const url = new URL(req.url ?? "/", "http://fake");
    const isV2 = url.pathname.startsWith("/v2/");
    const params: Json = req.method === "GET" ? parseForm(url.search.slice(1)) : isV2 ? (body ? JSON.parse(body) : {}) : parseForm(body);
    const request: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      params,
      stripeAccount: (req.headers["stripe-account"] as string | undefined) ?? null,
      idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
    };
    this.requests.push(request);
    // Stripe keeps an idempotent request's first answer per account and key, and refuses the key with other parameters.
    const replayKey = request.idempotencyKey && request.method === "POST" ? `${request.stripeAccount}|${request.idempotencyKey}` : null;
    const earlier = replayKey ? this.replies.get(replayKey) : undefined;
    if (earlier) {
      return earlier.params === JSON.stringify([request.path, params])
        ? earlier.reply
        : stripeError(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
    }
    const reply = await this.dispatch(request);
    // As Stripe: a request refused before it ran (bad parameters, no such object) leaves the key free for a retry.
    const ran = reply.status < 400 || reply.status === 402 || reply.status >= 500;
    if (replayKey && ran) this.replies.set(replayKey, { params: JSON.stringify([request.path, params]), reply });
    return reply;
  }

  private async dispatch(request: RecordedRequest): Promise<FakeReply> {
    for (const route of [...this.overrides, ...this.routes]) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (!match) continue;
      const answer = await route.handler(request, ...match.slice(1).map(decodeURIComponent));
      return "status" in answer && "body" in answer ? (answer as FakeReply) : { status: 200, body: answer };
    }
    return missing(`route ${request.method} ${request.path}`);
  }

  private createAccount({ params }: RecordedRequest): Json {
    const account: Json = {
      id: this.id("acct"),
      object: "v2.core.account",
      applied_configurations: Object.keys((params.configuration as Json | undefined) ?? {}),
      display_name: params.display_name,
      contact_email: params.contact_email,
      dashboard: params.dashboard,
      livemode: false,
      created: new Date().toISOString(),
    };
    this.accounts.set(account.id as string, account);
    this.setAccountState(account.id as string, { charges: false, payouts: false, due: ["Business details", "Bank account for payouts"] });
    return account;
  }

  private createPaymentIntent({ params, stripeAccount }: RecordedRequest): Json {
    const id = this.id("pi");
    const intent: Json = {
      id,
      object: "payment_intent",
      amount: Number(params.amount),
      amount_received: 0,
      currency: params.currency,
      application_fee_amount: params.application_fee_amount === undefined ? null : Number(params.application_fee_amount),
      client_secret: `${id}_secret_x`,
      metadata: params.metadata ?? {},
      status: "requires_payment_method",
      last_payment_error: null,
      on_account: stripeAccount,
    };
    this.paymentIntents.set(id, intent);
    return intent;
  }

  private createRefund({ params, stripeAccount }: RecordedRequest): FakeReply | Json {
    const intent = this.paymentIntents.get(String(params.payment_intent));
    if (!intent || intent.on_account !== stripeAccount) return missing("payment_intent");
    return this.addRefund(intent, Number(params.amount));
  }

  /** A refund as the merchant makes it in Stripe's Dashboard: Stripe knows it, Bazaar hears of it by webhook. */
  refundInDashboard(paymentIntentId: string, amount: number, status = "succeeded"): Json {
    return this.addRefund(this.paymentIntents.get(paymentIntentId)!, amount, status);
  }

  private addRefund(intent: Json, amount: number, status = "succeeded"): Json {
    const refund = { id: this.id("re"), object: "refund", amount, payment_intent: intent.id, status, on_account: intent.on_account };
    this.refunds.set(refund.id, refund);
    return refund;
  }
}
