import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { enqueueCatalogueImport, startCatalogueTransferWorker } from "../jobs/processors/catalogue-transfer.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { queueImport } from "../shop/csv/transfers.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { readOperatorSettings } from "../tenants/lifecycle.server.ts";
import { changeShopPlan, lockPeriodPrice, platformFee, platformFeeFor, planToInput, savePlan, findPlan } from "../tenants/plans.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn, ORIGIN } from "./support/admin-forms.ts";
import { waitFor } from "./support/wait.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { makeImage } from "./support/images.ts";
import { productForm } from "./support/product-forms.ts";
import { multipartBody, rawRequest } from "./support/raw-http.ts";

let t: TestDatabase;
let app: TestApp;
let ownerCookie: string;
let operatorCookie: string;
let small: Shop;
let roomy: Shop;
const operator = { kind: "operator" as const, email: "ops@example.com" };

const shopRow = (id: string) => t.db.selectFrom("platform.shops").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass" });
  // A tiny plan for the limits, hidden from the pricing page.
  await savePlan(
    t.db,
    {
      id: "tiny",
      name: "Tiny",
      currency: "USD",
      monthlyPrice: "5",
      pausedPrice: "1",
      feePercent: "3.5",
      maxProducts: "2",
      maxStaff: "1",
      maxStorageMb: "10",
      position: "0",
      public: false,
    },
    { create: true },
  );
  small = await provisionShop(t.db, { slug: "small", name: "Small Shop", ownerId: owner.id });
  roomy = await provisionShop(t.db, { slug: "roomy", name: "Roomy Shop", ownerId: owner.id });
  await changeShopPlan(t.db, small.id, "tiny", operator);
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass");
  operatorCookie = await operatorSession(app, t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("the fee on each sale", () => {
  it("is the plan's basis points of the amount, rounded down to a whole minor unit", () => {
    expect(platformFee({ fee_bp: 200 }, 1999n)).toBe(39n);
    expect(platformFee({ fee_bp: 200 }, 5000n)).toBe(100n);
    expect(platformFee({ fee_bp: 50 }, 199n)).toBe(0n);
    expect(platformFee({ fee_bp: 350 }, 9_007_199_254_740_993n)).toBe(315_251_973_915_934n);
    expect(platformFee({ fee_bp: 200 }, -500n)).toBe(0n);
  });

  it("follows each shop's plan, and a plan change applies to the next sale", async () => {
    expect(await platformFeeFor(t.db, small.id, 10_000n)).toEqual({ fee: 350n, feeBp: 350, plan: "tiny" });
    expect(await platformFeeFor(t.db, roomy.id, 10_000n)).toEqual({ fee: 200n, feeBp: 200, plan: "starter" });
    await changeShopPlan(t.db, roomy.id, "pro", operator);
    expect(await platformFeeFor(t.db, roomy.id, 10_000n)).toEqual({ fee: 50n, feeBp: 50, plan: "pro" });
    await changeShopPlan(t.db, roomy.id, "starter", operator);
    const history = await t.db.selectFrom("platform.shop_status_changes").select(["event", "reason"]).where("shop_id", "=", roomy.id).orderBy("id").execute();
    expect(history).toEqual([
      { event: "change-plan", reason: "Plan: Starter → Pro" },
      { event: "change-plan", reason: "Plan: Pro → Starter" },
    ]);
  });
});

describe("plan limits", () => {
  it("refuses the product past the plan's limit with a message and an upgrade link, in that shop only", async () => {
    for (const title of ["One", "Two"]) {
      const res = await adminPost(app, ownerCookie, "/admin/small/products/new", productForm({ title, variants: [{ price: "10" }] }));
      expect(res.status, title).toBe(302);
    }
    const third = await adminPost(app, ownerCookie, "/admin/small/products/new", productForm({ title: "Three", variants: [{ price: "10" }] }));
    expect(third.status).toBe(403);
    expect(third.body).toContain("Your Tiny plan allows 2 products. Upgrade your plan to add more.");
    expect(third.body).toContain('href="/admin/small/billing">See plans</a>');
    const titles = await tenantDb(t.db, small.schema_name).selectFrom("products").select("title").orderBy("title").execute();
    expect(titles.map((r) => r.title)).toEqual(["One", "Two"]);
    // Editing an existing product is never refused.
    const roomyThird = await adminPost(app, ownerCookie, "/admin/roomy/products/new", productForm({ title: "Three", variants: [{ price: "10" }] }));
    expect(roomyThird.status).toBe(302);
  });

  it("skips the import rows that would pass the limit, and says why", async () => {
    const db = tenantDb(t.db, small.schema_name);
    await db.deleteFrom("products").where("title", "=", "Two").execute();
    const csv = "Handle,Title,Variant Price\nnew-a,New A,12.00\nnew-b,New B,13.00\none,One,14.00\n";
    const transfer = await queueImport(db, app.services.media, SYSTEM_ACTOR, { shopId: small.id, fileName: "more.csv", bytes: Buffer.from(csv) });
    await enqueueCatalogueImport(app.services.jobs, { shopId: small.id, transferId: transfer.id });
    const worker = startCatalogueTransferWorker(app.services.jobs, t.db, app.services.media);
    try {
      const done = await waitFor(async () => {
        const row = await db.selectFrom("catalogue_transfers").selectAll().where("id", "=", transfer.id).executeTakeFirstOrThrow();
        return row.status === "done" || row.status === "failed" ? row : undefined;
      });
      const report = done.report as { created: number; updated: number; skipped: number; errors: { line: number; handle: string; message: string }[] };
      expect(report).toMatchObject({ created: 1, updated: 1, skipped: 1 });
      expect(report.errors).toEqual([{ line: 3, handle: "new-b", message: "Your Tiny plan allows 2 products. Upgrade your plan to add more." }]);
    } finally {
      await worker.close();
    }
    expect((await db.selectFrom("products").select("handle").orderBy("handle").execute()).map((r) => r.handle)).toEqual(["new-a", "one"]);
  });

  it("refuses the staff invitation past the plan's limit", async () => {
    const first = await adminPost(app, ownerCookie, "/admin/small/staff", { intent: "invite", email: "first@example.com", role: "staff" });
    expect(first.status).toBe(200);
    // Inviting the same person again replaces the invitation: still one seat.
    expect((await adminPost(app, ownerCookie, "/admin/small/staff", { intent: "invite", email: "first@example.com", role: "staff" })).status).toBe(200);
    const second = await adminPost(app, ownerCookie, "/admin/small/staff", { intent: "invite", email: "second@example.com", role: "staff" });
    expect(second.status).toBe(409);
    expect(second.body).toContain("Your Tiny plan allows 1 staff accounts. Upgrade your plan to add more.");
    expect(second.body).toContain('href="/admin/small/billing">See plans</a>');
    const invited = await t.db.selectFrom("platform.invitations").select("email").where("shop_id", "=", small.id).execute();
    expect(invited).toEqual([{ email: "first@example.com" }]);
    expect((await adminPost(app, ownerCookie, "/admin/roomy/staff", { intent: "invite", email: "second@example.com", role: "staff" })).status).toBe(200);
  });

  it("refuses an image upload past the plan's storage, in that shop only", async () => {
    const db = tenantDb(t.db, small.schema_name);
    const product = await db.selectFrom("products").select("id").orderBy("id").executeTakeFirstOrThrow();
    // 10 MB already stored: the Tiny plan's whole allowance.
    await db
      .insertInto("product_media")
      .values({
        product_id: product.id,
        position: 0,
        storage_key: "seeded/full",
        width: 10,
        height: 10,
        content_type: "image/webp",
        byte_size: 10 * 1024 * 1024,
      })
      .execute();
    const { body, contentType } = multipartBody({}, [
      { field: "images", filename: "cat.jpg", contentType: "image/jpeg", data: await makeImage("jpeg", 64, 64) },
    ]);
    const res = await rawRequest(app.port, "bazaar.test", `/admin/small/products/${product.id}/media`, {
      method: "POST",
      body,
      headers: { cookie: ownerCookie, origin: ORIGIN, "content-type": contentType },
    });
    expect(res.status).toBe(403);
    expect(res.text()).toContain("Your Tiny plan allows 10 MB of storage. Upgrade your plan to add more.");
    expect(await db.selectFrom("product_media").select("id").execute()).toHaveLength(1);
    await db.deleteFrom("product_media").where("storage_key", "=", "seeded/full").execute();
  });

  it("shows the shop's usage against its plan on the billing page and in the console", async () => {
    const billing = await adminGet(app, ownerCookie, "/admin/small/billing");
    expect(billing.body).toContain("Tiny<!-- --> plan: <!-- -->$5.00<!-- --> a month");
    expect(billing.body).toContain("Products<!-- -->: <!-- -->2<!-- --> <!-- -->of 2");
    expect(billing.body).toContain("Staff accounts<!-- -->: <!-- -->1<!-- --> <!-- -->of 1");
    const consolePage = await adminGet(app, operatorCookie, `/operator/shops/${small.id}`);
    expect(consolePage.body).toContain("<dt>Products</dt><dd>2<!-- --> <!-- -->of 2</dd>");
  });
});

describe("the operator's plans", () => {
  it("edits a plan from the console: the pricing page shows the new price, shops keep theirs until their next period", async () => {
    await lockPeriodPrice(t.db, roomy.id);
    expect(await shopRow(roomy.id)).toMatchObject({ billed_price: "1900", billed_currency: "USD" });
    const starter = planToInput((await findPlan(t.db, "starter"))!);
    const bad = await adminPost(app, operatorCookie, "/operator/plans", {
      intent: "save-plan",
      ...starter,
      public: "on",
      monthlyPrice: "24.999",
      pausedPrice: "nine",
      feePercent: "101",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("USD has at most 2 decimals; &quot;24.999&quot; has 3.");
    expect(bad.body).toContain("Enter a price such as 9.00.");
    expect(bad.body).toContain("Enter a percentage from 0 to 100");
    expect((await findPlan(t.db, "starter"))!.monthly_price).toBe("1900");

    // A price typed with a decimal comma is read as meant (24.00), never as 2400.00; a fee of "2,5" is 2.5 %.
    const saved = await adminPost(app, operatorCookie, "/operator/plans", {
      intent: "save-plan",
      ...starter,
      public: "on",
      monthlyPrice: "24,00",
      feePercent: "2,5",
    });
    expect(saved.status).toBe(200);
    expect(await findPlan(t.db, "starter")).toMatchObject({ monthly_price: "2400", fee_bp: 250 });
    await adminPost(app, operatorCookie, "/operator/plans", { intent: "save-plan", ...starter, public: "on", monthlyPrice: "24.00" });
    expect(saved.body).toContain("A new price applies to each shop from its next billing period.");
    expect((await shopRow(roomy.id)).billed_price).toBe("1900");
    await lockPeriodPrice(t.db, roomy.id);
    expect((await shopRow(roomy.id)).billed_price).toBe("2400");

    const pricing = await app.request("bazaar.test", "/pricing");
    expect(pricing.status).toBe(200);
    expect(pricing.body).toContain("$24.00");
    expect(pricing.body).toContain("Growth");
    expect(pricing.body).toContain("Start a 14-day free trial");
    expect(pricing.body).not.toContain("Tiny");
  });

  it("sets the trial, grace and retention periods, refusing nonsense", async () => {
    const bad = await adminPost(app, operatorCookie, "/operator/plans", { intent: "settings", trial_days: "-1", grace_days: "7", retention_days: "0" });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Enter a whole number of days from 0 to 365.");
    expect(bad.body).toContain("Enter a whole number of days from 1 to 3650.");
    const ok = await adminPost(app, operatorCookie, "/operator/plans", { intent: "settings", trial_days: "21", grace_days: "3", retention_days: "60" });
    expect(ok.status).toBe(200);
    expect((await app.request("bazaar.test", "/pricing")).body).toContain("Start a 21-day free trial");
  });

  it("keeps merchants out of the console's plan pages", async () => {
    expect((await adminGet(app, ownerCookie, "/operator/plans")).headers.location).toBe("/operator/login?redirectTo=%2Foperator%2Fplans");
    const post = await adminPost(app, ownerCookie, "/operator/plans", { intent: "settings", trial_days: "365", grace_days: "90", retention_days: "1" });
    expect(post.status).toBe(302);
    expect((await readOperatorSettings(t.db)).trial_days).not.toBe(365);
  });

  it("moves a shop to another plan from the console", async () => {
    const res = await adminPost(app, operatorCookie, `/operator/shops/${roomy.id}`, { intent: "change-plan", plan: "growth" });
    expect(res.status).toBe(200);
    expect(res.body).toContain("Roomy Shop moved from Starter to Growth.");
    expect((await shopRow(roomy.id)).plan).toBe("growth");
    const bogus = await adminPost(app, operatorCookie, `/operator/shops/${roomy.id}`, { intent: "change-plan", plan: "platinum" });
    expect(bogus.status).toBe(400);
    expect((await shopRow(roomy.id)).plan).toBe("growth");
  });
});
