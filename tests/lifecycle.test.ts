import { bodyRule } from "../server/body-limits.ts";
import { readdirSync, readFileSync } from "node:fs";
import type { Job } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop, ShopStatus, StatusActorKind } from "../db/types.ts";
import { enqueueCatalogueImport, startCatalogueTransferWorker } from "../jobs/processors/catalogue-transfer.server.ts";
import { runShopJob, type ShopJobData } from "../jobs/shop-jobs.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { queueImport } from "../shop/csv/transfers.server.ts";
import type { MailMessage } from "../shop/mail.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { accessFor, nextStatus, SHOP_STATUSES, TRANSITIONS, type LifecycleEvent } from "../tenants/lifecycle.ts";
import {
  changeShopStatus,
  freezeLapsedShops,
  LifecycleError,
  purgeClosedShops,
  readOperatorSettings,
  startTrial,
  updateOperatorSettings,
} from "../tenants/lifecycle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { signUpMerchant } from "../tenants/signup.server.ts";
import { adminGet, adminPost, logIn, ORIGIN } from "./support/admin-forms.ts";
import { waitFor } from "./support/wait.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

let t: TestDatabase;
let app: TestApp;
let ownerId: string;
let ownerCookie: string;
let operatorCookie: string;
const mail: MailMessage[] = [];
const send = async (message: MailMessage) => (mail.push(message), "sent" as const);
const byOperator = { actor: { kind: "operator" as const, email: "ops@example.com" }, reason: "Reported for counterfeit goods", platformOrigin: ORIGIN, send };
const bySystem = { actor: { kind: "system" as const }, reason: "Your free trial ended without a plan.", platformOrigin: ORIGIN, send };
const byMerchant = { actor: { kind: "merchant" as const, email: "owner@example.com" }, platformOrigin: ORIGIN, send };

/** A launched shop with one product of its own, so two shops' pages differ. */
async function shopWithProduct(slug: string): Promise<Shop> {
  const shop = await provisionShop(t.db, { slug, name: `Shop ${slug}`, ownerId });
  const db = tenantDb(t.db, shop.schema_name);
  await createProduct(db, { title: `Product of ${slug}`, handle: "thing", variants: [variant([], 1500)] });
  await launch(db);
  return shop;
}

const status = async (id: string) => (await t.db.selectFrom("platform.shops").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;

beforeAll(async () => {
  t = await createTestDatabase();
  ownerId = (await createUser(t.db, { email: "owner@example.com", password: "owner-pass" })).id;
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass");
  operatorCookie = await operatorSession(app, t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("the state machine", () => {
  it("allows exactly the listed transitions, to the listed state, for the listed actors", async () => {
    for (const [event, transition] of Object.entries(TRANSITIONS) as [LifecycleEvent, (typeof TRANSITIONS)[LifecycleEvent]][]) {
      for (const from of SHOP_STATUSES) {
        const to = nextStatus(event, { status: from, resume_status: "paused" });
        if (!transition.from.includes(from)) expect(to, `${event} from ${from}`).toBeNull();
        else expect(to, `${event} from ${from}`).toBe(transition.to === "resume" ? "paused" : transition.to);
      }
    }
    // Every state can be left, and only the operator brings back a suspended or closed shop.
    for (const state of SHOP_STATUSES) expect(Object.values(TRANSITIONS).some((tr) => tr.from.includes(state))).toBe(true);
    expect(TRANSITIONS.reactivate.by).toEqual(["operator"]);
    expect(TRANSITIONS.reopen.by).toEqual(["operator"]);
  });

  it("refuses an event from the wrong state or by the wrong actor, and needs a reason where the merchant reads one", async () => {
    const shop = await shopWithProduct("strict");
    await expect(changeShopStatus(t.db, shop.id, "resume", byMerchant)).rejects.toThrow("can't be resumed");
    await expect(changeShopStatus(t.db, shop.id, "suspend", byMerchant)).rejects.toThrow(LifecycleError);
    await expect(changeShopStatus(t.db, shop.id, "suspend", { ...byOperator, reason: "  " })).rejects.toMatchObject({ field: "reason" });
    await expect(changeShopStatus(t.db, shop.id, "suspend", { ...byOperator, reason: "x".repeat(501) })).rejects.toMatchObject({ field: "reason" });
    expect(await status(shop.id)).toBe("active");
    const history = await t.db.selectFrom("platform.shop_status_changes").selectAll().where("shop_id", "=", shop.id).execute();
    expect(history).toEqual([]);
  });

  it("walks a shop through every state, logs each change, emails the owner and returns to the state before a suspension", async () => {
    const shop = await shopWithProduct("walker");
    const walk: [LifecycleEvent, { actor: { kind: StatusActorKind; email?: string }; reason?: string }, ShopStatus][] = [
      ["pause", byMerchant, "paused"],
      ["suspend", byOperator, "suspended"],
      ["reactivate", { ...byOperator, reason: "Resolved with the merchant" }, "paused"],
      ["resume", byMerchant, "active"],
      ["freeze", { ...bySystem, reason: "An invoice is unpaid 7 days after it was due." }, "frozen"],
      ["unfreeze", { actor: { kind: "billing" } }, "active"],
      ["close", byMerchant, "closed"],
      ["reopen", { ...byOperator, reason: "Merchant came back" }, "active"],
    ];
    mail.length = 0;
    for (const [event, by, expected] of walk) {
      const changed = await changeShopStatus(t.db, shop.id, event, { platformOrigin: ORIGIN, send, ...by });
      expect(changed.status, event).toBe(expected);
    }
    const history = await t.db
      .selectFrom("platform.shop_status_changes")
      .select(["event", "from_status", "to_status", "actor_kind"])
      .where("shop_id", "=", shop.id)
      .orderBy("id")
      .execute();
    expect(history.map((h) => `${h.event}:${h.from_status}>${h.to_status}:${h.actor_kind}`)).toEqual([
      "pause:active>paused:merchant",
      "suspend:paused>suspended:operator",
      "reactivate:suspended>paused:operator",
      "resume:paused>active:merchant",
      "freeze:active>frozen:system",
      "unfreeze:frozen>active:billing",
      "close:active>closed:merchant",
      "reopen:closed>active:operator",
    ]);
    expect(mail).toHaveLength(walk.length);
    expect(mail.every((m) => m.to === "owner@example.com")).toBe(true);
    const suspension = mail[1];
    expect(suspension.subject).toBe("Shop walker: suspended");
    expect(suspension.text).toContain("Reason: Reported for counterfeit goods");
    expect(suspension.text).toContain(`${ORIGIN}/admin/walker/billing`);
  });
});

describe("what each state allows", () => {
  const shops = {} as Record<ShopStatus, Shop>;

  beforeAll(async () => {
    for (const state of SHOP_STATUSES) shops[state] = await shopWithProduct(`in-${state}`);
    await startTrial(t.db, shops.trial.id);
    await changeShopStatus(t.db, shops.paused.id, "pause", byMerchant);
    await changeShopStatus(t.db, shops.frozen.id, "freeze", bySystem);
    await changeShopStatus(t.db, shops.suspended.id, "suspend", byOperator);
    await changeShopStatus(t.db, shops.closed.id, "close", byMerchant);
    app.services.registry.invalidate();
  });

  it("opens or closes the storefront and its checkout", async () => {
    for (const state of SHOP_STATUSES) {
      const host = `in-${state}.shops.test`;
      const home = await app.request(host, "/");
      const product = await app.request(host, "/products/thing");
      const checkout = await app.request(host, "/checkout");
      const expected = { open: 200, unavailable: 503, closed: 410 }[accessFor(state).storefront];
      expect(home.status, state).toBe(expected);
      expect(product.status, state).toBe(expected);
      if (expected === 200) expect(product.body, state).toContain(`Product of in-${state}`);
      if (state === "frozen" || state === "suspended") expect(home.body).toContain("Shop unavailable");
      if (state === "closed") expect(home.body).toContain("Shop closed");
      // Checkout addresses are closed in a paused shop whatever route will answer them.
      if (state === "paused") {
        expect(checkout.status).toBe(503);
        expect(checkout.body).toContain("Shop in-paused is not taking orders right now.");
        const post = await app.request(host, "/checkouts/abc", { method: "POST", headers: { origin: `http://${host}` } });
        expect(post.status).toBe(503);
      } else expect(checkout.body, state).not.toContain("Checkout closed");
    }
  });

  it("opens the admin, or sends every page to the billing page that says why", async () => {
    for (const state of SHOP_STATUSES) {
      const slug = `in-${state}`;
      const products = await adminGet(app, ownerCookie, `/admin/${slug}/products`);
      const billing = await adminGet(app, ownerCookie, `/admin/${slug}/billing`);
      expect(billing.status, state).toBe(200);
      if (accessFor(state).admin === "full") {
        expect(products.status, state).toBe(200);
        expect(products.body).toContain(`Product of ${slug}`);
      } else {
        expect(products.status, state).toBe(302);
        expect(products.headers.location, state).toBe(`/admin/${slug}/billing`);
      }
    }
    const suspended = await adminGet(app, ownerCookie, "/admin/in-suspended/billing");
    expect(suspended.body).toContain("Bazaar has suspended your shop");
    expect(suspended.body).toContain("Reason: Reported for counterfeit goods");
    // No billing actions for a suspended shop: only the notice.
    expect(suspended.body).not.toContain('name="intent"');
    const frozen = await adminGet(app, ownerCookie, "/admin/in-frozen/billing");
    expect(frozen.body).toContain("Your shop is frozen");
    expect(frozen.body).toContain("Your free trial ended without a plan.");
    const paused = await adminGet(app, ownerCookie, "/admin/in-paused/products");
    expect(paused.body).toContain("Your shop is paused");
  });

  it("closes every admin page and action of a suspended shop, and changes nothing", async () => {
    // Every page and action under the shop's admin layout (the layout itself shows the notice).
    // The owner's data download stays open in every state (tests/shop-bundle.test.ts).
    const open = ["admin.$shop.billing.tsx", "admin.$shop.bundle.ts"];
    const routes = readdirSync("app/routes").filter((f) => /^admin\.\$shop\.(?!tsx$)/.test(f) && !open.includes(f));
    expect(routes.length).toBeGreaterThan(20);
    const db = tenantDb(t.db, shops.suspended.schema_name);
    const before = await Promise.all([
      db
        .selectFrom("products")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow(),
      t.db
        .selectFrom("platform.invitations")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    for (const file of routes) {
      const segments = file
        .replace(/^admin\.\$shop\./, "")
        .replace(/\.tsx?$/, "")
        .split(".");
      const index = segments.at(-1) === "_index";
      const path = `/admin/in-suspended/${segments
        .filter((s) => s !== "_index")
        .map((s) => (s.startsWith("$") ? "1" : s.replace(/_$/, "")))
        .join("/")}`.replace(/\/$/, "");
      const source = readFileSync(`app/routes/${file}`, "utf8");
      if (/export (async )?function loader/.test(source)) {
        const get = await adminGet(app, ownerCookie, path);
        expect([get.status, get.headers.location], `GET ${file}`).toEqual([302, "/admin/in-suspended/billing"]);
      }
      if (/export (async )?function action/.test(source)) {
        const post = await adminPost(app, ownerCookie, index ? `${path}?index` : path, {
          title: "Sneaky",
          email: "new@example.com",
          role: "staff",
          intent: "create",
        });
        // An upload-only route refuses a plain form at the edge (415) before the shop's state is even looked at.
        const uploadOnly = bodyRule("platform", path).upload && !bodyRule("platform", path).upload?.forms;
        expect([post.status, post.headers.location], `POST ${file}`).toEqual(uploadOnly ? [415, undefined] : [302, "/admin/in-suspended/billing"]);
      }
    }
    const after = await Promise.all([
      db
        .selectFrom("products")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow(),
      t.db
        .selectFrom("platform.invitations")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    expect(after).toEqual(before);
  });

  it("runs the jobs of open shops and skips the others'", async () => {
    for (const state of SHOP_STATUSES) {
      const job = { name: "probe", id: state, data: { shopId: shops[state].id } } as Job<ShopJobData>;
      const result = await runShopJob(t.db, job, { run: async (_job, shop) => `ran for ${shop.slug}` });
      expect(result, state).toEqual(accessFor(state).jobs ? `ran for in-${state}` : { skipped: state });
    }
  });
});

describe("lifecycle in the worker and over time", () => {
  it("skips a queued import of a shop suspended before it ran, and tells the merchant", async () => {
    const shop = await shopWithProduct("importer");
    const db = tenantDb(t.db, shop.schema_name);
    const csv = "Handle,Title,Variant Price\nnew-thing,New Thing,12.00\n";
    const transfer = await queueImport(db, app.services.media, SYSTEM_ACTOR, { shopId: shop.id, fileName: "catalogue.csv", bytes: Buffer.from(csv) });
    await changeShopStatus(t.db, shop.id, "suspend", byOperator);
    await enqueueCatalogueImport(app.services.jobs, { shopId: shop.id, transferId: transfer.id });
    const worker = startCatalogueTransferWorker(app.services.jobs, t.db, app.services.media);
    try {
      const done = await waitFor(async () => {
        const row = await db.selectFrom("catalogue_transfers").selectAll().where("id", "=", transfer.id).executeTakeFirstOrThrow();
        return row.status === "failed" || row.status === "done" ? row : undefined;
      });
      expect(done.status).toBe("failed");
      expect(done.report).toEqual({ error: "The import didn't run because the shop was not open. Upload the file again." });
      expect(await db.selectFrom("products").select("handle").execute()).toEqual([{ handle: "thing" }]);
    } finally {
      await worker.close();
    }
  });

  it("starts a signup's trial as long as the operator says, freezes it when it ends, and an extension opens it again", async () => {
    await updateOperatorSettings(t.db, { trial_days: 30, grace_days: 5, retention_days: 10 });
    expect(await readOperatorSettings(t.db)).toEqual({ trial_days: 30, grace_days: 5, retention_days: 10 });
    const signup = await signUpMerchant(t.db, { email: "new@example.com", password: "new-merchant", shopName: "Fresh", slug: "fresh" });
    if (!signup.ok) throw new Error("signup failed");
    expect(signup.shop.status).toBe("trial");
    const days = (signup.shop.trial_ends_at!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    await freezeLapsedShops(t.db, { platformOrigin: ORIGIN, now: new Date(Date.now() + 29 * 86_400_000), send });
    expect(await status(signup.shop.id)).toBe("trial");
    await freezeLapsedShops(t.db, { platformOrigin: ORIGIN, now: new Date(Date.now() + 31 * 86_400_000), send });
    expect(await status(signup.shop.id)).toBe("frozen");

    // Overdue invoices freeze after the grace period.
    const payer = await shopWithProduct("payer");
    await t.db
      .updateTable("platform.shops")
      .set({ payment_overdue_since: new Date(Date.now() - 4 * 86_400_000) })
      .where("id", "=", payer.id)
      .execute();
    await freezeLapsedShops(t.db, { platformOrigin: ORIGIN, send });
    expect(await status(payer.id)).toBe("active");
    await freezeLapsedShops(t.db, { platformOrigin: ORIGIN, now: new Date(Date.now() + 2 * 86_400_000), send });
    expect(await status(payer.id)).toBe("frozen");

    const extended = await changeShopStatus(t.db, signup.shop.id, "extend-trial", { ...byOperator, trialEndsAt: new Date(Date.now() + 7 * 86_400_000) });
    expect(extended.status).toBe("trial");
  });

  it("drops a closed shop's schema once the retention period is over, keeping its registry row and history", async () => {
    await updateOperatorSettings(t.db, { trial_days: 14, grace_days: 7, retention_days: 30 });
    const shop = await shopWithProduct("leaver");
    const other = await shopWithProduct("stayer");
    await changeShopStatus(t.db, shop.id, "close", byMerchant);
    const closed = await t.db.selectFrom("platform.shops").selectAll().where("id", "=", shop.id).executeTakeFirstOrThrow();
    expect((closed.purge_after!.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(29.9);
    const schemaExists = async (name: string) =>
      Boolean((await sql`select 1 from information_schema.schemata where schema_name = ${name}`.execute(t.db)).rows.length);
    await purgeClosedShops(t.db);
    expect(await schemaExists(shop.schema_name)).toBe(true);
    expect(await purgeClosedShops(t.db, new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await schemaExists(shop.schema_name)).toBe(false);
    expect(await schemaExists(other.schema_name)).toBe(true);
    const row = await t.db.selectFrom("platform.shops").selectAll().where("id", "=", shop.id).executeTakeFirstOrThrow();
    expect(row.purged_at).not.toBeNull();
    await expect(changeShopStatus(t.db, shop.id, "reopen", byOperator)).rejects.toThrow("deleted");
  });
});

describe("from the admin and the console", () => {
  it("lets the owner pause, resume and close their shop from the billing page, with a confirmation to close", async () => {
    await shopWithProduct("owned");
    const paused = await adminPost(app, ownerCookie, "/admin/owned/billing", { intent: "pause" });
    expect(paused.status).toBe(200);
    expect(paused.body).toContain("Shop owned is now paused.");
    expect((await app.request("owned.shops.test", "/checkout")).status).toBe(503);
    await adminPost(app, ownerCookie, "/admin/owned/billing", { intent: "resume" });
    expect((await app.request("owned.shops.test", "/checkout")).status).not.toBe(503);
    const unconfirmed = await adminPost(app, ownerCookie, "/admin/owned/billing", { intent: "close", confirm: "wrong" });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain("Type owned to confirm");
    const bogus = await adminPost(app, ownerCookie, "/admin/owned/billing", { intent: "reactivate" });
    expect(bogus.status).toBe(400);
    const closed = await adminPost(app, ownerCookie, "/admin/owned/billing", { intent: "close", confirm: "owned" });
    expect(closed.status).toBe(200);
    expect((await app.request("owned.shops.test", "/")).status).toBe(410);
  });

  it("lets the operator suspend only with a reason and a typed confirmation, from buttons that name the shop", async () => {
    const shop = await shopWithProduct("console");
    const other = await shopWithProduct("bystander");
    const page = await adminGet(app, operatorCookie, `/operator/shops/${shop.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(">Suspend<!-- --> <!-- -->Shop console</button>");
    const list = await adminGet(app, operatorCookie, "/operator?q=console");
    expect(list.body).toContain("Manage <!-- -->Shop console");

    const path = `/operator/shops/${shop.id}`;
    const noReason = await adminPost(app, operatorCookie, path, { intent: "suspend", reason: "", confirm: "console" });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain("Give a reason: the merchant sees it.");
    const noConfirm = await adminPost(app, operatorCookie, path, { intent: "suspend", reason: "Chargebacks", confirm: "bystander" });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body).toContain("Type console to confirm.");
    expect(await status(shop.id)).toBe("active");

    const done = await adminPost(app, operatorCookie, path, { intent: "suspend", reason: "Too many chargebacks <b>", confirm: "console" });
    expect(done.status).toBe(200);
    expect(done.body).toContain("Shop console is now suspended.");
    expect(done.body).toContain("Too many chargebacks &lt;b&gt;");
    expect((await app.request("console.shops.test", "/")).status).toBe(503);
    expect((await app.request("bystander.shops.test", "/")).status).toBe(200);
    const notice = await adminGet(app, ownerCookie, "/admin/console/billing");
    expect(notice.body).toContain("Reason: Too many chargebacks &lt;b&gt;");

    // A merchant never reaches the console, nor an operator's action on a shop.
    expect((await adminGet(app, ownerCookie, path)).headers.location).toMatch(/^\/operator\/login\?/);
    expect((await adminPost(app, ownerCookie, path, { intent: "reactivate", reason: "Me" })).headers.location).toMatch(/^\/operator\/login\?/);
    expect(await status(shop.id)).toBe("suspended");

    const back = await adminPost(app, operatorCookie, path, { intent: "reactivate", reason: "Chargebacks refunded" });
    expect(back.status).toBe(200);
    expect((await app.request("console.shops.test", "/")).status).toBe(200);
    expect(await status(other.id)).toBe("active");
    // An unknown or malformed shop id is a plain 404.
    expect((await adminGet(app, operatorCookie, "/operator/shops/99999999999999999999")).status).toBe(404);
    expect((await adminPost(app, operatorCookie, "/operator/shops/abc", { intent: "suspend" })).status).toBe(404);
  });
});
