import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { getDailySales, getOnboarding, getSalesSummary, launchShop } from "../shop/dashboard.server.ts";
import { formatMoney } from "../shop/money.ts";
import { publishTheme, saveThemeDraft, themeDraft } from "../shop/themes.server.ts";
import { recordOrder, type OrderInput } from "../shop/orders.server.ts";
import { saveProduct, type ProductInput } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { addMember, html, logIn, merchant, PASSWORD } from "./support/sales.ts";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: ReturnType<typeof merchant>;
let admin: ReturnType<typeof merchant>;
let staff: ReturnType<typeof merchant>;
const actor: Actor = { userId: null, email: "seed", ip: "" };
const ids: Record<string, string> = {};

// The figures below are computed by hand from these orders; "now" is fixed.
const NOW = new Date("2021-06-15T12:00:00Z");

function product(title: string, price: number): ProductInput {
  return {
    title,
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: [],
    variants: [{ optionValues: [], sku: "", price, compareAtPrice: null, inventoryQuantity: 10, continueSelling: false, weightGrams: 0 }],
  };
}

function sale(
  db: TenantDb,
  at: string,
  lines: [productId: string | null, title: string, unitPrice: number, quantity: number][],
  over: Partial<OrderInput> = {},
) {
  return recordOrder(db, {
    email: "shopper@example.com",
    currency: "USD",
    financialStatus: "paid",
    placedAt: new Date(at),
    lines: lines.map(([productId, title, unitPrice, quantity]) => ({ productId, title, unitPrice, quantity })),
    ...over,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.test", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.test", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  await addMember(t.db, "admin@north.test", north, "admin");
  await addMember(t.db, "staff@north.test", north, "staff");
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);

  ids.mug = (await saveProduct(northDb, actor, product("Mug", 1_000))).id;
  ids.poster = (await saveProduct(northDb, actor, product("Poster", 5_000))).id;
  ids.beans = (await saveProduct(northDb, actor, product("Beans", 2_000))).id;

  await sale(northDb, "2021-06-15T00:00:00Z", [[ids.mug, "Mug", 1_000, 3]], { shippingTotal: 500 }); // today: 3,500
  await sale(northDb, "2021-06-15T11:59:59Z", [[ids.poster, "Poster", 5_000, 1]]); // today: 5,000
  await sale(northDb, "2021-06-14T23:59:59.999Z", [[ids.mug, "Mug", 1_000, 1]]); // yesterday
  await sale(northDb, "2021-06-01T00:00:00Z", [[ids.beans, "Beans", 2_000, 2]], { financialStatus: "partially_refunded" });
  await sale(northDb, "2021-06-10T09:00:00Z", [[null, "Old print", 2_500, 1]]); // a product deleted since
  await sale(northDb, "2021-05-31T23:59:59Z", [[ids.mug, "Mug", 1_000, 10]]); // last month, still in the chart
  await sale(northDb, "2021-05-17T00:00:00Z", [[ids.beans, "Beans", 800, 1]]); // first day of the chart
  await sale(northDb, "2021-05-16T23:59:59Z", [[ids.beans, "Beans", 700, 1]]); // one second too early for the chart
  // Not sales: unpaid, refunded, another currency, cancelled.
  await sale(northDb, "2021-06-15T10:00:00Z", [[ids.mug, "Mug", 99_000, 1]], { financialStatus: "pending" });
  await sale(northDb, "2021-06-15T10:00:00Z", [[ids.mug, "Mug", 98_000, 1]], { financialStatus: "refunded" });
  await sale(northDb, "2021-06-15T10:00:00Z", [[ids.mug, "Mug", 97_000, 1]], { currency: "EUR" });
  const cancelled = await sale(northDb, "2021-06-15T10:00:00Z", [[ids.mug, "Mug", 96_000, 1]]);
  await northDb.updateTable("orders").set({ cancelled_at: NOW }).where("id", "=", cancelled.id).execute();
  // South sells on the same days, differently.
  await sale(southDb, "2021-06-15T09:00:00Z", [[null, "Espresso", 77_700, 1]]);

  app = await startTestApp(t.url);
  owner = merchant(app, await logIn(app, "owner@north.test"));
  admin = merchant(app, await logIn(app, "admin@north.test"));
  staff = merchant(app, await logIn(app, "staff@north.test"));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("sales figures", () => {
  it("sums today's and this month's paid orders by UTC day, in the shop's currency", async () => {
    const summary = await getSalesSummary(northDb, "USD", NOW);
    expect(summary.today).toEqual({ sales: "8500", orders: 2 });
    expect(summary.month).toEqual({ sales: String(3_500 + 5_000 + 1_000 + 4_000 + 2_500), orders: 5 });
    expect((await getSalesSummary(southDb, "USD", NOW)).today).toEqual({ sales: "77700", orders: 1 });
    // In EUR, north sold the one EUR order.
    expect((await getSalesSummary(northDb, "EUR", NOW)).today).toEqual({ sales: "97000", orders: 1 });
  });

  it("ranks this month's products by units and by revenue", async () => {
    const { topByUnits, topByRevenue } = await getSalesSummary(northDb, "USD", NOW);
    expect(topByUnits).toEqual([
      { productId: ids.mug, title: "Mug", units: 4, revenue: "4000" },
      { productId: ids.beans, title: "Beans", units: 2, revenue: "4000" },
      { productId: ids.poster, title: "Poster", units: 1, revenue: "5000" },
      { productId: null, title: "Old print", units: 1, revenue: "2500" },
    ]);
    expect(topByRevenue.map((p) => p.title)).toEqual(["Poster", "Mug", "Beans", "Old print"]);
  });

  it("gives 30 UTC days ending today, empty days included", async () => {
    const days = await getDailySales(northDb, "USD", NOW, 30);
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ date: "2021-05-17", sales: "800", orders: 1 });
    expect(days[29]).toEqual({ date: "2021-06-15", sales: "8500", orders: 2 });
    const nonEmpty = Object.fromEntries(days.filter((d) => d.orders).map((d) => [d.date, d.sales]));
    expect(nonEmpty).toEqual({
      "2021-05-17": "800",
      "2021-05-31": "10000",
      "2021-06-01": "4000",
      "2021-06-10": "2500",
      "2021-06-14": "1000",
      "2021-06-15": "8500",
    });
  });
});

describe("onboarding", () => {
  it("ticks steps off from the shop's data; payouts are for owners only", async () => {
    const before = await getOnboarding(southDb, { slug: "south", role: "owner", paymentsReady: false });
    expect(before.steps.map((s) => [s.key, s.done])).toEqual([
      ["product", false],
      ["theme", false],
      ["payouts", false],
      ["policies", false],
      ["launch", false],
    ]);
    expect(before.steps.find((s) => s.key === "theme")?.href).toBe("/admin/south/themes");
    expect(before.steps.find((s) => s.key === "payouts")?.href).toBe("/admin/south/payments");
    expect(before.steps.find((s) => s.key === "policies")?.href).toBe("/admin/south/settings/policies");
    // A saved draft doesn't change the storefront; publishing a theme is picking it.
    await saveThemeDraft(southDb, actor, "editorial", await themeDraft(southDb, "editorial"));
    expect((await getOnboarding(southDb, { slug: "south", role: "owner", paymentsReady: false })).steps.find((s) => s.key === "theme")?.done).toBe(false);
    await publishTheme(southDb, actor, "editorial");
    expect((await getOnboarding(southDb, { slug: "south", role: "owner", paymentsReady: false })).steps.find((s) => s.key === "theme")?.done).toBe(true);
    expect((await getOnboarding(southDb, { slug: "south", role: "owner", paymentsReady: true })).steps.find((s) => s.key === "payouts")?.done).toBe(true);

    await southDb.insertInto("policies").values({ handle: "refund-policy", title: "Refunds", body_html: "  " }).execute();
    expect((await getOnboarding(southDb, { slug: "south", role: "owner", paymentsReady: false })).steps.find((s) => s.key === "policies")?.done).toBe(false);
    await southDb.updateTable("policies").set({ body_html: "<p>30 days.</p>" }).execute();
    const north = await getOnboarding(northDb, { slug: "north", role: "admin", paymentsReady: false });
    expect(north.steps.map((s) => [s.key, s.done])).toEqual([
      ["product", true],
      ["theme", false],
      ["policies", false],
      ["launch", false],
    ]);
    expect((await getOnboarding(southDb, { slug: "south", role: "staff", paymentsReady: false })).steps.map((s) => [s.key, s.done])).toEqual([
      ["product", false],
      ["theme", true],
      ["policies", true],
      ["launch", false],
    ]);
  });
});

describe("the admin home", () => {
  it("shows the checklist before launch, with the launch button only for owners and admins", async () => {
    const res = await owner.get("/admin/north");
    expect(res.status).toBe(200);
    for (const text of ["Get your shop ready", "Add a product", "Pick a theme", "Connect payouts", "Set your policies", "Launch my shop"])
      expect(res.body).toContain(text);
    expect(res.body).toContain('href="/admin/north/themes"');
    expect(res.body).toContain('href="/admin/north/payments"');
    expect(res.body).not.toContain("Sales, last 30 days");

    const asAdmin = await admin.get("/admin/north");
    expect(asAdmin.body).toContain("Launch my shop");
    expect(asAdmin.body).not.toContain("Connect payouts");
    const asStaff = await staff.get("/admin/north");
    expect(asStaff.status).toBe(200);
    expect(asStaff.body).not.toContain("Launch my shop");
    expect(asStaff.body).toContain(html("The shop's owner or an admin can launch it."));
  });

  it("doesn't let staff launch, nor anyone launch another shop", async () => {
    expect((await staff.post("/admin/north?index", { intent: "launch" })).status).toBe(403);
    expect((await owner.post("/admin/south?index", { intent: "launch" })).status).toBe(404);
    expect((await owner.get("/admin/south")).status).toBe(404);
    expect((await owner.post("/admin/north?index", { intent: "party" })).status).toBe(400);
    expect((await owner.post("/admin/south?index", { intent: "party" })).status).toBe(404);
    for (const db of [northDb, southDb]) {
      expect((await db.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at).toBeNull();
      expect(await db.selectFrom("audit_events").select("id").where("action", "=", "shop.launched").execute()).toEqual([]);
    }
  });

  it("launches once, audit-logged, then shows today's sales and the chart", async () => {
    await sale(northDb, new Date().toISOString(), [[ids.mug, "Mug", 1_234, 1]]);
    // Unfinished steps are named first, and launching waits until every one of them is confirmed.
    const asked = await owner.post("/admin/north?index", { intent: "launch" });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("2 steps aren&#x27;t done yet:");
    expect(asked.body).toContain('href="/admin/north/themes">Pick a theme</a></li>');
    expect(asked.body).toContain('href="/admin/north/settings/policies">Set your policies</a></li>');
    expect(asked.body).toContain('name="confirmed" value="theme,policies"');
    expect((await owner.post("/admin/north?index", { intent: "launch", confirmed: "theme" })).body).toContain("Launch anyway");
    expect((await northDb.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at).toBeNull();
    const res = await owner.post("/admin/north?index", { intent: "launch", confirmed: "theme,policies" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/north?launched=1");
    const launchedAt = (await northDb.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at;
    expect(launchedAt).toBeInstanceOf(Date);
    expect(await launchShop(northDb, actor)).toEqual({ launched: false });
    expect((await admin.post("/admin/north?index", { intent: "launch" })).status).toBe(302);
    expect((await northDb.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at).toEqual(launchedAt);
    const audit = await northDb.selectFrom("audit_events").selectAll().where("action", "=", "shop.launched").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_email).toBe("owner@north.test");

    const home = await owner.get("/admin/north?launched=1");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Your shop is open");
    expect(home.body).not.toContain("Get your shop ready");
    // The unfinished steps stay until they're done.
    expect(home.body).toContain("Finish setting up your shop");
    expect(home.body).toContain('href="/admin/north/themes">Pick a theme</a>');
    expect(home.body).not.toContain("Launch my shop");
    expect(home.body).toContain('Today <span class="muted">(UTC)</span>');
    expect(home.body).toContain(`<p class="figure">${formatMoney(1_234, "USD")}</p>`);
    expect(home.body).toContain("1 paid order<");
    // The chart streams in after the figures, in the same response.
    expect(home.body).toContain('role="img"');
    expect(home.body).toContain("Sales per day in USD, last 30 days");
    expect(home.body).toContain("Show the figures as a table");
    expect(home.body).not.toContain(formatMoney(77_700, "USD"));

    // Staff see the figures too; south is still unlaunched.
    expect((await staff.get("/admin/north")).body).toContain("Sales, last 30 days");
    expect((await southDb.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at).toBeNull();
  });
});
