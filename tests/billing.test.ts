import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { MailMessage } from "../shop/mail.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { applyBillingEvent, type BillingEvent } from "../tenants/billing.server.ts";
import { changeShopStatus, freezeLapsedShops, startTrial } from "../tenants/lifecycle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn, ORIGIN } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

let t: TestDatabase;
let app: TestApp;
let ownerId: string;
let ownerCookie: string;
const mail: MailMessage[] = [];
const options = { platformOrigin: ORIGIN, send: async (m: MailMessage) => (mail.push(m), "sent" as const) };
const row = (id: string) => t.db.selectFrom("platform.shops").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const paid = (shop: Shop, id: string, planId: string, periodEnd: string, at = "2026-12-01T00:00:00Z"): BillingEvent => ({
  id,
  type: "invoice.paid",
  shopId: shop.id,
  subscriptionId: `sub_${shop.id}`,
  planId,
  periodEnd: new Date(periodEnd),
  at: new Date(at),
});

beforeAll(async () => {
  t = await createTestDatabase();
  ownerId = (await createUser(t.db, { email: "owner@example.com", password: "owner-pass" })).id;
  await createUser(t.db, { email: "staff@example.com", password: "staff-pass" });
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("billing events", () => {
  it("turn a trial into a paying shop once, lock the period's price and ignore duplicates and stale invoices", async () => {
    const shop = await provisionShop(t.db, { slug: "payer", name: "Payer", ownerId });
    const other = await provisionShop(t.db, { slug: "bystander", name: "Bystander", ownerId });
    await startTrial(t.db, shop.id);
    expect(await applyBillingEvent(t.db, paid(shop, "evt_1", "growth", "2027-01-01T00:00:00Z"), options)).toBe("applied");
    expect(await applyBillingEvent(t.db, paid(shop, "evt_1", "growth", "2027-01-01T00:00:00Z"), options)).toBe("duplicate");
    expect(await row(shop.id)).toMatchObject({
      status: "active",
      plan: "growth",
      billed_price: "4900",
      billed_currency: "USD",
      subscription_id: `sub_${shop.id}`,
    });
    // A late delivery of last month's invoice changes nothing.
    expect(await applyBillingEvent(t.db, paid(shop, "evt_0", "starter", "2026-12-01T00:00:00Z"), options)).toBe("stale");
    expect((await row(shop.id)).plan).toBe("growth");
    expect(await row(other.id)).toMatchObject({ status: "active", plan: "starter", billed_price: null });
  });

  it("start the grace period on a failed payment, freeze after it, and unfreeze on payment", async () => {
    const shop = await provisionShop(t.db, { slug: "late", name: "Late", ownerId });
    await applyBillingEvent(t.db, paid(shop, "evt_l1", "starter", "2027-01-01T00:00:00Z"), options);
    const failedAt = new Date(Date.now() - 8 * 86_400_000);
    await applyBillingEvent(t.db, { id: "evt_l2", type: "invoice.payment_failed", shopId: shop.id, subscriptionId: `sub_${shop.id}`, at: failedAt }, options);
    // A retry's failure doesn't restart the grace period.
    await applyBillingEvent(t.db, { id: "evt_l3", type: "invoice.payment_failed", shopId: shop.id, subscriptionId: `sub_${shop.id}`, at: new Date() }, options);
    expect((await row(shop.id)).payment_overdue_since).toEqual(failedAt);
    await freezeLapsedShops(t.db, options);
    expect((await row(shop.id)).status).toBe("frozen");
    await applyBillingEvent(t.db, paid(shop, "evt_l4", "starter", "2027-02-01T00:00:00Z"), options);
    expect(await row(shop.id)).toMatchObject({ status: "active", payment_overdue_since: null });
  });

  it("never lift a suspension: a suspended shop that pays stays suspended", async () => {
    const shop = await provisionShop(t.db, { slug: "held", name: "Held", ownerId });
    await changeShopStatus(t.db, shop.id, "suspend", { ...options, actor: { kind: "operator", email: "ops@example.com" }, reason: "Fraud review" });
    await applyBillingEvent(t.db, paid(shop, "evt_h1", "pro", "2027-01-01T00:00:00Z"), options);
    expect(await row(shop.id)).toMatchObject({ status: "suspended", plan: "pro", billed_price: "19900" });
  });
});

describe("paying from the admin with the test gateway", () => {
  it("sends a frozen shop's owner to billing, takes the payment and gives the shop back", async () => {
    const shop = await provisionShop(t.db, { slug: "frosty", name: "Frosty", ownerId });
    await startTrial(t.db, shop.id, new Date(Date.now() - 30 * 86_400_000));
    await freezeLapsedShops(t.db, options);
    app.services.registry.invalidate();
    expect((await row(shop.id)).status).toBe("frozen");
    expect((await app.request("frosty.shops.test", "/")).status).toBe(503);
    expect((await adminGet(app, ownerCookie, "/admin/frosty/products")).headers.location).toBe("/admin/frosty/billing");

    const billing = await adminGet(app, ownerCookie, "/admin/frosty/billing");
    expect(billing.body).toContain("Your free trial ended without a plan.");
    expect(billing.body).toContain(">Pay for Starter</button>");
    const bogus = await adminPost(app, ownerCookie, "/admin/frosty/billing", { intent: "subscribe", plan: "platinum" });
    expect(bogus.status).toBe(400);
    const chosen = await adminPost(app, ownerCookie, "/admin/frosty/billing", { intent: "subscribe", plan: "growth" });
    expect(chosen.headers.location).toBe("/admin/frosty/billing/checkout?plan=growth");
    const checkout = await adminGet(app, ownerCookie, "/admin/frosty/billing/checkout?plan=growth");
    expect(checkout.body).toContain("Pay <!-- -->$49.00<!-- --> with the test card");
    const pay = await adminPost(app, ownerCookie, "/admin/frosty/billing/checkout?plan=growth", {});
    expect(pay.headers.location).toBe("/admin/frosty/billing?paid=1");
    expect(await row(shop.id)).toMatchObject({ status: "active", plan: "growth", billed_price: "4900" });
    expect((await adminGet(app, ownerCookie, "/admin/frosty/products")).status).toBe(200);
    const invoices = await adminGet(app, ownerCookie, "/admin/frosty/billing?paid=1");
    expect(invoices.body).toContain("Payment received. Thank you!");
    expect(invoices.body).toMatch(/<td>Growth<\/td><td class="num">\$49\.00<\/td><td>Paid<\/td><td>\d{4}-\d{2}-\d{2}<\/td>/);
    expect((await app.request("frosty.shops.test", "/")).status).not.toBe(503);
  });

  it("lets only the owner pay", async () => {
    const shop = await provisionShop(t.db, { slug: "staffed", name: "Staffed", ownerId });
    const staff = await t.db.selectFrom("platform.users").select("id").where("email", "=", "staff@example.com").executeTakeFirstOrThrow();
    await t.db.insertInto("platform.memberships").values({ user_id: staff.id, shop_id: shop.id, role: "staff" }).execute();
    const staffCookie = await logIn(app, "staff@example.com", "staff-pass");
    expect((await adminPost(app, staffCookie, "/admin/staffed/billing/checkout?plan=pro", {})).status).toBe(403);
    expect((await row(shop.id)).billed_price).toBeNull();
  });
});
