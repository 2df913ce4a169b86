import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUtcDateTime } from "../app/components/admin/sales-format.ts";
import type { Shop } from "../db/types.ts";
import { runMaintenance } from "../jobs/processors/maintenance.server.ts";
import { processStripeEvent, STRIPE_EVENTS_QUEUE, type StripeEventDeps } from "../jobs/processors/stripe-events.server.ts";
import { openQueue } from "../jobs/queues.server.ts";
import { startWorkers } from "../jobs/worker.ts";
import { readConfig } from "../server/config.ts";
import { stripeFromEnv } from "../server/stripe.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { payoutState, refreshPayoutState } from "../tenants/stripe-accounts.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { FakeStripe, stripeError } from "./support/fake-stripe.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { deliverWebhook, type WebhookEndpoint } from "./support/stripe-webhooks.ts";

// The platform side of Stripe Connect: connecting shops (Accounts v2), the Payments page, and the three webhook
// endpoints with their job, against the fake Stripe server through the real SDK.
const SECRETS = { platform: "whsec_platform_connect_test", connect: "whsec_connect_connect_test", thin: "whsec_thin_connect_test" };
let t: TestDatabase;
let app: TestApp;
let fake: FakeStripe;
let deps: StripeEventDeps;
let owner: string;
let east: Shop;
let west: Shop;
const accountOf: Record<string, string> = {};

beforeAll(async () => {
  fake = await new FakeStripe().start();
  t = await createTestDatabase();
  const user = await createUser(t.db, { email: "founder@example.com", password: "correct horse" });
  east = await provisionShop(t.db, { slug: "east", name: "East Wares", ownerId: user.id });
  west = await provisionShop(t.db, { slug: "west", name: "West Wares", ownerId: user.id });
  app = await startTestApp(t.url, fake.env(SECRETS));
  deps = {
    db: t.db,
    stripe: stripeFromEnv(fake.env(SECRETS))!,
    config: readConfig({ PLATFORM_HOST: "bazaar.test", STORE_DOMAIN: "shops.test" }),
    deliverMail: app.services.deliverMail,
  };
  owner = await logIn(app, "founder@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
  await t?.drop();
});

async function connect(shop: Shop, country = "DE"): Promise<string> {
  const res = await adminPost(app, owner, `/admin/${shop.slug}/payments`, { intent: "connect", country });
  expect(res.status).toBe(303);
  accountOf[shop.slug] = (await payoutState(t.db, shop.id))!.accountId;
  return accountOf[shop.slug];
}

/** A thin event about `accountId`, delivered and then processed by the job's own function. */
async function thin(id: string, accountId: string, type = "v2.core.account[requirements].updated"): Promise<string> {
  const res = await deliverWebhook(app, "/thin", fake.signedThinEvent(SECRETS.thin, { id, type, accountId }));
  expect(res.status).toBe(200);
  return processStripeEvent(deps, id);
}

/** Polls (no fixed sleep to race) until `probe` holds, up to 15 s. */
async function waitUntil(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the worker");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const storedEvent = (id: string) => t.db.selectFrom("platform.stripe_events").selectAll().where("id", "=", id).executeTakeFirst();

describe("the Payments page", () => {
  it("says Stripe is off and checkout uses the test gateway when no key is configured; its webhooks don't exist", async () => {
    const plain = await startTestApp(t.url);
    try {
      const cookie = await logIn(plain, "founder@example.com", "correct horse");
      const page = await adminGet(plain, cookie, "/admin/east/payments");
      expect(page.status).toBe(200);
      expect(page.body).toContain("the shop&#x27;s checkout uses the test gateway");
      expect((await adminPost(plain, cookie, "/admin/east/payments", { intent: "connect", country: "DE" })).status).toBe(400);
      const event = fake.signedThinEvent(SECRETS.thin, { id: "evt_off", type: "v2.core.account.updated", accountId: "acct_x" });
      expect((await deliverWebhook(plain, "/thin", event)).status).toBe(404);
    } finally {
      await plain.close();
    }
    expect(await storedEvent("evt_off")).toBeUndefined();
  });

  it("creates one v2 account per shop, even when set up twice at once, with the owner's details", async () => {
    const [first, second] = await Promise.all([
      adminPost(app, owner, "/admin/east/payments", { intent: "connect", country: "DE" }),
      adminPost(app, owner, "/admin/east/payments", { intent: "connect", country: "DE" }),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    const creates = fake.sent("POST", "/v2/core/accounts");
    expect(creates.map((r) => r.idempotencyKey)).toEqual(creates.map(() => `bazaar-shop-${east.id}-account`));
    expect(fake.accounts.size).toBe(1);
    expect(creates[0].params).toMatchObject({
      display_name: "East Wares",
      contact_email: "founder@example.com",
      dashboard: "full",
      identity: { country: "de" },
      defaults: { responsibilities: { fees_collector: "stripe", losses_collector: "stripe" } },
      configuration: { merchant: { capabilities: { card_payments: { requested: true } } }, customer: {} },
      include: expect.arrayContaining(["configuration.merchant", "requirements"]),
    });
    const rows = await t.db.selectFrom("platform.stripe_accounts").select(["shop_id", "account_id"]).execute();
    expect(rows).toEqual([{ shop_id: east.id, account_id: [...fake.accounts.keys()][0] }]);
    accountOf.east = rows[0].account_id;
  });

  it("says what is done and what Stripe still needs, with the deadline, and checks again on request", async () => {
    const before = await adminGet(app, owner, "/admin/east/payments");
    expect(before.body).toContain("○ Stripe needs more information from you (below)");
    expect(before.body).toContain("○ Not accepting payments yet: checkout stays closed");
    expect(before.body).toContain(`(by ${formatUtcDateTime("2027-01-15T00:00:00.000Z")})`);
    expect(before.body).toContain("Bank account for payouts");
    expect(before.body).toContain(">Continue on Stripe</button>");

    fake.setAccountState(accountOf.east, { charges: true, payouts: false, due: ["Verify your bank account"], deadline: "2027-02-01T12:00:00.000Z" });
    expect((await adminPost(app, owner, "/admin/east/payments", { intent: "refresh" })).status).toBe(303);
    expect(Object.values(fake.sent("GET", `/v2/core/accounts/${accountOf.east}`).at(-1)!.params.include as object)).toEqual(
      expect.arrayContaining(["configuration.merchant", "requirements"]),
    );
    const after = await adminGet(app, owner, "/admin/east/payments");
    expect(after.body).toContain("✓ Accepting payments: checkout is open");
    expect(after.body).toContain("○ Payouts are not on yet");
    expect(after.body).toContain(`(by ${formatUtcDateTime("2027-02-01T12:00:00.000Z")})`);
    expect(after.body).toContain("Verify your bank account");
    expect(after.body).not.toContain("Business details");

    fake.setAccountState(accountOf.east, { charges: true, payouts: true });
    await adminPost(app, owner, "/admin/east/payments", { intent: "refresh" });
    const done = await adminGet(app, owner, "/admin/east/payments");
    expect(done.body).toContain("✓ Everything Stripe asked for is submitted");
    expect(done.body).toContain("✓ Payouts to your bank are on");
    expect(done.body).not.toContain("What Stripe still needs");
  });

  it("gives Connect.js a client secret for onboarding, payments, payouts and the banner, and opens the hosted link", async () => {
    const session = await adminPost(app, owner, "/admin/east/payments/session", {});
    expect(session.status).toBe(200);
    expect(JSON.parse(session.body)).toEqual({ clientSecret: `accs_secret_${accountOf.east}` });
    const sent = fake.sent("POST", "/v1/account_sessions").at(-1)!;
    expect(sent.idempotencyKey).toMatch(new RegExp(`^bazaar-account-session-${accountOf.east}-`));
    expect(sent.params).toMatchObject({
      account: accountOf.east,
      components: {
        account_onboarding: { enabled: "true" },
        payments: { enabled: "true" },
        payouts: { enabled: "true" },
        notification_banner: { enabled: "true" },
      },
    });

    const link = await adminPost(app, owner, "/admin/east/payments", { intent: "link" });
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe(`https://connect.stripe.com/setup/${accountOf.east}`);
    const linkSent = fake.sent("POST", "/v2/core/account_links").at(-1)!;
    expect(linkSent.idempotencyKey).toMatch(new RegExp(`^bazaar-account-link-${accountOf.east}-`));
    expect(linkSent.params).toEqual({
      account: accountOf.east,
      use_case: {
        type: "account_onboarding",
        account_onboarding: { return_url: "http://bazaar.test/admin/east/payments?from-stripe=1", refresh_url: "http://bazaar.test/admin/east/payments" },
      },
    });
  });

  it("answers bad input and Stripe's refusals or outages with a clear message, never a 500", async () => {
    expect((await adminPost(app, owner, "/admin/west/payments", { intent: "connect", country: "ZZ" })).status).toBe(400);
    expect((await adminPost(app, owner, "/admin/west/payments", { intent: "link" })).status).toBe(400);
    expect((await adminPost(app, owner, "/admin/west/payments/session", {})).status).toBe(400);
    expect((await adminPost(app, owner, "/admin/east/payments", { intent: "launch-rockets" })).status).toBe(400);
    const twice = await adminPost(app, owner, "/admin/west/payments", [
      ["intent", "connect"],
      ["country", "DE"],
      ["country", "JP"],
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body).toContain("Choose the country your business is in.");
    expect(await payoutState(t.db, west.id)).toBeNull();

    const refuse = fake.on("POST", "/v2/core/accounts", () => stripeError(400, "invalid_request_error", "Accounts in Japan need an address."));
    try {
      const refused = await adminPost(app, owner, "/admin/west/payments", { intent: "connect", country: "JP" });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain("Stripe refused this: Accounts in Japan need an address.");
      expect(await payoutState(t.db, west.id)).toBeNull();
    } finally {
      refuse();
    }

    const outage = () => stripeError(503, "api_error", "Service unavailable");
    const restore = [
      fake.on("POST", "/v2/core/account_links", outage),
      fake.on("POST", "/v1/account_sessions", outage),
      fake.on("GET", "/v2/core/accounts/:id", outage),
    ];
    try {
      const link = await adminPost(app, owner, "/admin/east/payments", { intent: "link" });
      expect(link.status).toBe(503);
      expect(link.body).toContain("Stripe couldn&#x27;t be reached just now. Try again in a minute.");
      const session = await adminPost(app, owner, "/admin/east/payments/session", {});
      expect(session.status).toBe(503);
      expect(JSON.parse(session.body)).toEqual({ error: "Stripe couldn't be reached just now. Try again in a minute." });
      // Back from Stripe while it is down: the page shows what we knew, and says why it isn't fresher.
      const back = await adminGet(app, owner, "/admin/east/payments?from-stripe=1");
      expect(back.status).toBe(200);
      expect(back.body).toContain("✓ Accepting payments: checkout is open");
      expect(back.body).toContain("Stripe couldn&#x27;t be reached just now.");
    } finally {
      restore.forEach((r) => r());
    }
  });
});

describe("Stripe's webhooks", () => {
  it("refuse a missing or forged signature, another secret and an oversized body with a 4xx that doesn't echo the body", async () => {
    const event = fake.signedEvent(SECRETS.connect, {
      id: "evt_forged",
      type: "charge.refunded",
      account: accountOf.east,
      data: { object: { id: "ch_secret_marker" } },
    });
    const forged = Buffer.from(event.signature.replace(/v1=[0-9a-f]+/, `v1=${"0".repeat(64)}`)).toString();
    const stranger = fake.signedEvent("whsec_not_ours", JSON.parse(event.payload));
    for (const [endpoint, delivery] of [
      ["/connect", { payload: event.payload }],
      ["/connect", { payload: event.payload, signature: forged }],
      ["/connect", { payload: event.payload, signature: "not a signature" }],
      ["/connect", stranger],
      ["", event],
      ["/thin", event],
    ] as [WebhookEndpoint, { payload: string; signature?: string }][]) {
      const res = await deliverWebhook(app, endpoint, delivery);
      expect(res.status, `${endpoint} ${delivery.signature ?? "unsigned"}`).toBe(400);
      expect(res.body).not.toContain("ch_secret_marker");
    }
    const huge = fake.signedEvent(SECRETS.connect, {
      id: "evt_huge",
      type: "charge.refunded",
      data: { object: { id: "ch_1", description: "x".repeat(1_100_000) } },
    });
    expect((await deliverWebhook(app, "/connect", huge)).status).toBe(413);
    for (const endpoint of ["", "/connect", "/thin"]) {
      const res = await app.request("bazaar.test", `/webhooks/stripe${endpoint}`);
      expect(res.status, `GET ${endpoint}`).toBe(405);
    }
    expect(await storedEvent("evt_forged")).toBeUndefined();
    expect(await storedEvent("evt_huge")).toBeUndefined();
  });

  it("record an event from the other mode without acting on it", async () => {
    const reads = fake.sent("GET", "/v2/core/accounts/").length;
    const live = fake.signedThinEvent(SECRETS.thin, { id: "evt_live_mode", type: "v2.core.account.updated", accountId: accountOf.east, livemode: true });
    expect((await deliverWebhook(app, "/thin", live)).status).toBe(200);
    expect(await storedEvent("evt_live_mode")).toMatchObject({ livemode: true, outcome: "wrong_mode", processed_at: expect.any(Date) });
    expect(await processStripeEvent(deps, "evt_live_mode")).toBe("wrong_mode");
    expect(fake.sent("GET", "/v2/core/accounts/")).toHaveLength(reads);
  });

  it("leave the newest state when two account updates arrive in reverse order", async () => {
    fake.setAccountState(accountOf.east, { charges: false, payouts: false, due: ["Identity document"] });
    const older = fake.signedThinEvent(SECRETS.thin, { id: "evt_older", type: "v2.core.account[requirements].updated", accountId: accountOf.east });
    fake.setAccountState(accountOf.east, { charges: true, payouts: true });
    const newer = fake.signedThinEvent(SECRETS.thin, { id: "evt_newer", type: "v2.core.account.updated", accountId: accountOf.east });
    for (const delivery of [newer, older]) expect((await deliverWebhook(app, "/thin", delivery)).status).toBe(200);
    expect(await processStripeEvent(deps, "evt_newer")).toBe("account_refreshed");
    expect(await processStripeEvent(deps, "evt_older")).toBe("account_refreshed");
    expect(await payoutState(t.db, east.id)).toMatchObject({
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
      requirements: [],
      deadline: null,
    });
  });

  it("keep the newest state when two refreshes race and the answer to the earlier question arrives last", async () => {
    fake.setAccountState(accountOf.east, { charges: false, payouts: false, due: ["Old requirement"] });
    const older = structuredClone(fake.accounts.get(accountOf.east)!);
    let arrived!: () => void;
    let release!: () => void;
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const restore = fake.on("GET", "/v2/core/accounts/:id", async (_request, id) => {
      if (++calls > 1) return fake.accounts.get(id)!;
      arrived();
      await gate;
      return older;
    });
    try {
      const slow = refreshPayoutState(t.db, deps.stripe.client, accountOf.east);
      await firstArrived;
      fake.setAccountState(accountOf.east, { charges: true, payouts: true });
      expect(await refreshPayoutState(t.db, deps.stripe.client, accountOf.east)).toBe(true);
      release();
      expect(await slow).toBe(false);
    } finally {
      restore();
    }
    expect(await payoutState(t.db, east.id)).toMatchObject({ chargesEnabled: true, payoutsEnabled: true, requirements: [] });
  });

  it("refresh only the account's own shop, for two shops with two accounts; a person's event names its account in the full event", async () => {
    await connect(west, "GB");
    expect(accountOf.west).not.toBe(accountOf.east);
    fake.setAccountState(accountOf.west, { charges: false, payouts: false, due: ["Company registration number"] });
    fake.setAccountState(accountOf.east, { charges: false, payouts: false, due: ["Proof of address"] });
    // Only west's event arrives: east keeps what we last learned, however Stripe's copy has moved on.
    expect(await thin("evt_west_1", accountOf.west)).toBe("account_refreshed");
    expect(await payoutState(t.db, west.id)).toMatchObject({
      chargesEnabled: false,
      requirements: [{ description: "Company registration number", status: "currently_due" }],
    });
    expect(await payoutState(t.db, east.id)).toMatchObject({ chargesEnabled: true, requirements: [] });

    fake.setAccountState(accountOf.west, { charges: true, payouts: true });
    expect(await thin("evt_west_person", accountOf.west, "v2.core.account_person.updated")).toBe("account_refreshed");
    expect(fake.sent("GET", "/v2/core/events/evt_west_person")).toHaveLength(1);
    expect(await storedEvent("evt_west_person")).toMatchObject({ account_id: accountOf.west, outcome: "account_refreshed" });
    expect(await payoutState(t.db, west.id)).toMatchObject({ chargesEnabled: true, payoutsEnabled: true });
    expect(await payoutState(t.db, east.id)).toMatchObject({ chargesEnabled: true, requirements: [] });
  });

  it("record and drop events for accounts that aren't ours, and hand connected payment events on", async () => {
    expect(await thin("evt_thin_stranger", "acct_stranger")).toBe("unknown_account");
    const refunded = (id: string, account: string) =>
      fake.signedEvent(SECRETS.connect, { id, type: "charge.refunded", account, data: { object: { id: "ch_1", object: "charge" } } });
    for (const [id, account] of [
      ["evt_refund_stranger", "acct_stranger"],
      ["evt_refund_east", accountOf.east],
    ])
      expect((await deliverWebhook(app, "/connect", refunded(id, account))).status).toBe(200);
    expect(await processStripeEvent(deps, "evt_refund_stranger")).toBe("unknown_account");
    // Ours, handed to the refund mirror (tests/stripe.test.ts), which finds no payment to mirror onto.
    expect(await processStripeEvent(deps, "evt_refund_east")).toBe("refund_without_payment");
    expect(await storedEvent("evt_refund_east")).toMatchObject({
      endpoint: "connect",
      type: "charge.refunded",
      account_id: accountOf.east,
      outcome: "refund_without_payment",
    });
  });

  it("are forgotten a month after processing by the daily maintenance task; an unprocessed one is kept", async () => {
    const old = new Date(Date.now() - 31 * 86_400_000);
    await t.db
      .insertInto("platform.stripe_events")
      .values([
        {
          id: "evt_old_done",
          endpoint: "thin",
          type: "v2.core.account.updated",
          livemode: false,
          payload: "{}",
          received_at: old,
          processed_at: old,
          outcome: "account_refreshed",
        },
        { id: "evt_old_stuck", endpoint: "thin", type: "v2.core.account.updated", livemode: false, payload: "{}", received_at: old },
      ])
      .execute();
    expect(await runMaintenance(t.db, { data: { task: "purge-stripe-events" } })).toEqual({ purged: 1 });
    expect(await storedEvent("evt_old_done")).toBeUndefined();
    expect(await storedEvent("evt_old_stuck")).toMatchObject({ processed_at: null });
    expect(await storedEvent("evt_refund_east")).toMatchObject({ outcome: "refund_without_payment" });
  });

  it("are processed by the worker startWorkers starts, once per event id however often Stripe delivers", async () => {
    const queue = openQueue(app.services.jobs, STRIPE_EVENTS_QUEUE);
    const stop = await startWorkers(app.services.jobs, t.db, { spareShops: 0, stripe: deps.stripe });
    try {
      fake.setAccountState(accountOf.west, { charges: false, payouts: false, due: ["Tax ID"] });
      const event = fake.signedThinEvent(SECRETS.thin, { id: "evt_worker", type: "v2.core.account.updated", accountId: accountOf.west });
      expect((await deliverWebhook(app, "/thin", event)).status).toBe(200);
      // Also drains the jobs the endpoint queued for the events above (already processed: each is a no-op).
      const idle = async () => Object.values(await queue.getJobCounts("waiting", "active", "delayed")).every((n) => n === 0);
      await waitUntil(async () => Boolean((await storedEvent("evt_worker"))?.processed_at) && (await idle()));
      expect(await storedEvent("evt_worker")).toMatchObject({ outcome: "account_refreshed" });
      expect(await payoutState(t.db, west.id)).toMatchObject({ chargesEnabled: false, requirements: [{ description: "Tax ID", status: "currently_due" }] });
      const { completed } = await queue.getJobCounts("completed");
      const reads = fake.sent("GET", `/v2/core/accounts/${accountOf.west}`).length;
      expect((await deliverWebhook(app, "/thin", event)).status).toBe(200);
      expect(await queue.getJobCounts("completed", "waiting", "active", "delayed")).toEqual({ completed, waiting: 0, active: 0, delayed: 0 });
      expect(fake.sent("GET", `/v2/core/accounts/${accountOf.west}`)).toHaveLength(reads);
    } finally {
      await stop();
      await queue.close();
    }
  });
});
