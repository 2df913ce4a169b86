import { mkdtempSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Queue, Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Shop } from "../db/types.ts";
import { deliverMail, MAIL_QUEUE, startMailWorker, type MailJob } from "../jobs/processors/mail.server.ts";
import { jobStore, openQueue, type JobStore } from "../jobs/queues.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { registerShopper } from "../shop/shopper-accounts.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { FakeSmtpServer } from "./support/fake-smtp.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { parseMail, type SavedMail } from "./support/mail.ts";
import { ShopperClient } from "./support/shopper.ts";
import { launch } from "./support/storefront.ts";
import { waitFor } from "./support/wait.ts";

// SMTP_URL points at a port where nothing listens until a test starts the fake server there. The app keeps its
// jobs in PostgreSQL (this test database: no REDIS_URL given to it); the last block runs the mail queue on Redis.
let t: TestDatabase;
let app: TestApp;
let smtp: FakeSmtpServer;
let queue: Queue<MailJob>;
let worker: Worker<MailJob> | null = null;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: string;
const logged: string[] = [];

beforeAll(async () => {
  process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "bazaar-mail-retries-"));
  smtp = await FakeSmtpServer.onFreePort();
  process.env.SMTP_URL = smtp.url;
  t = await createTestDatabase();
  const user = await createUser(t.db, { email: "owner@north.example", password: "north-password-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: user.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: user.id });
  // Not launched: its home page still offers to send the verification email again.
  await provisionShop(t.db, { slug: "atelier", name: "Atelier", ownerId: user.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
  queue = openQueue<MailJob>(app.services.jobs, MAIL_QUEUE);
  owner = await logIn(app, "owner@north.example", "north-password-1");
  // What the mailer logs, to show it never logs a message's body (its links).
  for (const level of ["warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
});
afterEach(async () => {
  await worker?.close();
  worker = null;
  await smtp.stop();
});
afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env.SMTP_URL;
  await queue?.close();
  await app?.close();
  await t?.drop();
});

/** The messages waiting in the mail queue, oldest first. */
async function queuedMail(store: Queue<MailJob> = queue) {
  const jobs = await store.getJobs(["waiting", "delayed", "prioritized", "active"]);
  return jobs.sort((a, b) => a.timestamp - b.timestamp).map((job) => job.data.message);
}

/** Brings the mail server up and runs the worker until the queue is empty; the messages it received. */
async function deliverQueued(store: JobStore = app.services.jobs, from: Queue<MailJob> = queue): Promise<SavedMail[]> {
  const before = smtp.received.length;
  await smtp.start();
  worker = startMailWorker(store);
  const counts = await waitFor(async () => {
    const c = await from.getJobCounts("waiting", "delayed", "prioritized", "active", "failed");
    return c.waiting + c.delayed + c.prioritized + c.active === 0 ? c : undefined;
  });
  expect(counts.failed).toBe(0);
  return smtp.received.slice(before).map((m) => parseMail(m.data));
}

/** The page's status message (a page's nonce differs from one answer to the next). */
const statusOf = (html: string) => /<p class="flash" role="status">([^<]*)<\/p>/.exec(html)?.[1];
const linkIn = (mail: SavedMail, pattern: RegExp) => pattern.exec(mail.text)![1];

describe("account mail while the mail server is down", () => {
  it("'Send the email again' says the link will follow, queues it, and the worker sends it once SMTP answers", async () => {
    await t.db.updateTable("platform.users").set({ email_verified_at: null }).where("email", "=", "owner@north.example").execute();
    const res = await adminPost(app, owner, "/admin/atelier?index", { intent: "verify-email" });
    expect(res.status).toBe(200);
    expect(res.body).toContain("we&#x27;ll send a new link to owner@north.example as soon as it does.");
    const queued = await queuedMail();
    expect(queued.map((m) => [m.to, m.subject])).toEqual([["owner@north.example", "Verify your Bazaar email"]]);

    const [mail] = await deliverQueued();
    expect(mail.to).toBe("owner@north.example");
    const link = linkIn(mail, /https?:\/\/\S+(\/verify-email\/[A-Za-z0-9_-]{43})/);
    expect((await app.request(PLATFORM, link)).body).toContain("owner@north.example is verified");
    expect(await queuedMail()).toEqual([]);
    // The log names the mail and the failure, never the link.
    expect(logged.some((line) => line.includes('mail "Verify your Bazaar email" not sent') && line.includes("queued to retry"))).toBe(true);
    expect(logged.join("\n")).not.toContain(link.split("/").at(-1));
  });

  it("an email change goes through, with both mails queued and sent later", async () => {
    const user = await createUser(t.db, { email: "mover@example.com", password: "mover-password-1" });
    const cookie = await logIn(app, "mover@example.com", "mover-password-1");
    const res = await adminPost(app, cookie, "/account", { intent: "email", email: "moved@example.com", currentPassword: "mover-password-1" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/account?changed=email-queued");
    expect((await adminGet(app, cookie, res.headers.location!)).body).toContain("we&#x27;ll send the link that verifies the new address as soon as it does");
    const row = await t.db.selectFrom("platform.users").select("email").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.email).toBe("moved@example.com");
    expect((await queuedMail()).map((m) => [m.to, m.subject])).toEqual([
      ["moved@example.com", "Verify your Bazaar email"],
      ["mover@example.com", "Your Bazaar email was changed"],
    ]);

    const sent = await deliverQueued();
    expect(sent.map((m) => m.to).sort()).toEqual(["moved@example.com", "mover@example.com"]);
    const link = linkIn(
      sent.find((m) => m.to === "moved@example.com")!,
      /https?:\/\/\S+(\/verify-email\/[A-Za-z0-9_-]{43})/,
    );
    expect((await app.request(PLATFORM, link)).body).toContain("moved@example.com is verified");
  });

  it("forgot-password answers the same for any address; the reset mail waits in the queue and its link works", async () => {
    const ask = (email: string) => app.request(PLATFORM, "/forgot-password", { method: "POST", form: { email }, headers: { origin: ORIGIN } });
    const known = await ask("owner@north.example");
    const unknown = await ask("nobody@example.com");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(statusOf(known.body)).toBe("If that email has a Bazaar account, a link to choose a new password is on its way. It works once, for an hour.");
    expect(statusOf(unknown.body)).toBe(statusOf(known.body));
    expect((await queuedMail()).map((m) => m.to)).toEqual(["owner@north.example"]);

    const [mail] = await deliverQueued();
    const link = linkIn(mail, /https?:\/\/\S+(\/reset-password\/[A-Za-z0-9_-]{43})/);
    const page = await app.request(PLATFORM, link);
    expect(page.status).toBe(200);
    expect(page.body).toContain("new password");
  });

  it("a staff invitation is saved and its email queued, and the page says so", async () => {
    const res = await adminPost(app, owner, "/admin/north/staff", { intent: "invite", email: "kim@example.com", role: "staff" });
    expect(res.status).toBe(200);
    expect(res.body).toContain("we&#x27;ll send the email to kim@example.com as soon as it does.");
    const pending = await t.db.selectFrom("platform.invitations").select("email").where("shop_id", "=", north.id).where("accepted_at", "is", null).execute();
    expect(pending.map((p) => p.email)).toEqual(["kim@example.com"]);
    expect((await queuedMail()).map((m) => [m.to, m.subject])).toEqual([["kim@example.com", "You're invited to help run North on Bazaar"]]);

    const [mail] = await deliverQueued();
    expect(mail.text).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}/);
  });

  it("a fulfilment's shipping email is queued, and the order page says when it will go", async () => {
    const { number } = await recordOrder(northDb, { email: "buyer@example.com", currency: "EUR", lines: [{ title: "Lamp", unitPrice: 4_000, quantity: 1 }] });
    const res = await adminPost(app, owner, `/admin/north/orders/${number}`, { intent: "fulfil", carrier: "DHL", trackingNumber: "JD01", notify: "1" });
    expect(res.status).toBe(200);
    expect(res.body).toContain("Order marked as fulfilled. Our mail server is slow to answer: the customer&#x27;s email will go out as soon as it does.");
    expect((await queuedMail()).map((m) => m.to)).toEqual(["buyer@example.com"]);

    const [mail] = await deliverQueued();
    expect(mail.text).toContain("JD01");
    expect(mail.text).toMatch(/http:\/\/north\.shops\.test\/orders\//);
  });

  it("a shopper's reset at one shop queues one mail with that shop's link; the other shop's same-address account is untouched", async () => {
    for (const [db, password] of [
      [northDb, "north-shopper-pass"],
      [southDb, "south-shopper-pass"],
    ] as const) {
      expect((await registerShopper(db, { email: "twice@example.com", password, firstName: "Tia", lastName: "" })).ok).toBe(true);
    }
    const shopper = (slug: string) => new ShopperClient(app, `${slug}.shops.test`);
    const asked = await shopper("north").post("/account/forgot-password", { email: "twice@example.com" });
    const unknown = await shopper("north").post("/account/forgot-password", { email: "nobody@example.com" });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("If that email has an account here, a link to choose a new password is on its way.");
    expect(unknown.body).toContain("If that email has an account here, a link to choose a new password is on its way.");
    expect((await queuedMail()).map((m) => [m.to, m.subject])).toEqual([["twice@example.com", "Reset your password at North"]]);
    const resets = async (db: TenantDb) => (await db.selectFrom("customer_password_resets").select("customer_id").execute()).length;
    expect(await resets(northDb)).toBe(1);
    expect(await resets(southDb)).toBe(0);

    const [mail] = await deliverQueued();
    const link = linkIn(mail, /http:\/\/north\.shops\.test(\/account\/reset-password\/[A-Za-z0-9_-]+)/);
    expect((await shopper("south").get(link)).body).toContain("This link has expired or was already used.");
    expect((await shopper("north").post(link, { password: "north-new-password" })).status).toBe(303);
    expect((await shopper("south").post("/account/login", { email: "twice@example.com", password: "south-shopper-pass" })).status).toBe(303);
    expect((await shopper("north").post("/account/login", { email: "twice@example.com", password: "north-new-password" })).status).toBe(303);
  });
});

describe("account mail when neither the mail server nor the job store answers", () => {
  let cut: TestApp;
  beforeAll(async () => {
    // A Redis that refuses every connection: the enqueue fails too.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    cut = await startTestApp(t.url, { REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(() => cut?.close());

  const links = async (email: string) =>
    (
      await t.db
        .selectFrom("platform.account_links as l")
        .innerJoin("platform.users as u", "u.id", "l.user_id")
        .select("l.purpose")
        .where("u.email", "=", email)
        .execute()
    ).length;

  it("answers 503 with a clear message and saves nothing", { timeout: 60_000 }, async () => {
    const user = await createUser(t.db, { email: "stuck@example.com", password: "stuck-password-1" });
    await t.db.updateTable("platform.users").set({ email_verified_at: null }).where("id", "=", user.id).execute();
    const stuckShop = await provisionShop(t.db, { slug: "stuck", name: "Stuck", ownerId: user.id });
    const cookie = await logIn(cut, "stuck@example.com", "stuck-password-1");
    const linksBefore = await links("stuck@example.com");

    const again = await adminPost(cut, cookie, `/admin/${stuckShop.slug}?index`, { intent: "verify-email" });
    expect(again.status).toBe(503);
    expect(again.body).toContain("We couldn&#x27;t send the email: our mail server isn&#x27;t answering.");
    expect(await links("stuck@example.com")).toBe(linksBefore);

    const change = await adminPost(cut, cookie, "/account", { intent: "email", email: "unstuck@example.com", currentPassword: "stuck-password-1" });
    expect(change.status).toBe(503);
    expect(change.body).toContain("Nothing was changed; try again in a few minutes.");
    expect(await t.db.selectFrom("platform.users").select("email").where("id", "=", user.id).executeTakeFirstOrThrow()).toEqual({ email: "stuck@example.com" });
    // The session that asked is still signed in: nothing of the change was kept.
    expect((await adminGet(cut, cookie, "/account")).status).toBe(200);
    expect(await links("stuck@example.com")).toBe(linksBefore);

    // Forgot-password keeps its one answer (an outage must not tell who has an account) and keeps no link.
    const ask = (email: string) => cut.request(PLATFORM, "/forgot-password", { method: "POST", form: { email }, headers: { origin: ORIGIN } });
    const known = await ask("stuck@example.com");
    expect(known.status).toBe(200);
    expect(statusOf(known.body)).toBe(statusOf((await ask("nobody@example.com")).body));
    expect(statusOf(known.body)).toContain("a link to choose a new password is on its way");
    expect(await links("stuck@example.com")).toBe(linksBefore);
  });
});

describe.runIf(process.env.REDIS_URL)("the mail queue on Redis", () => {
  it("queues a message SMTP refused and the worker sends it once SMTP answers", async () => {
    const store = jobStore({ redisUrl: process.env.REDIS_URL, databaseUrl: t.url, prefix: `bazaar-test-mail-${process.pid}` });
    const redisQueue = openQueue<MailJob>(store, MAIL_QUEUE);
    try {
      const message = { to: "redis@example.com", subject: "Through Redis", text: "Sent after a retry." };
      expect(await deliverMail(redisQueue, message)).toBe("queued");
      expect(await queuedMail(redisQueue)).toEqual([message]);
      const [mail] = await deliverQueued(store, redisQueue);
      expect([mail.to, mail.subject, mail.text.trim()]).toEqual(["redis@example.com", "Through Redis", "Sent after a retry."]);
      expect(await queuedMail(redisQueue)).toEqual([]);
    } finally {
      await worker?.close();
      worker = null;
      await redisQueue.obliterate({ force: true });
      await redisQueue.close();
    }
  });
});
