import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordOrder } from "../../shop/orders.server.ts";
import { saveProduct } from "../../shop/products.server.ts";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let base: string;
const shot = (page: Page, n: string) => page.screenshot({ path: path.join(SCREENSHOTS, `sales-${n}.png`), fullPage: true });

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@harbour.example", password: "harbour-pass-1" });
  const shop = await provisionShop(t.db, { slug: "harbour-tea", name: "Harbour Tea", ownerId: owner.id });
  const db = tenantDb(t.db, shop.schema_name);
  await db.updateTable("settings").set({ currency: "GBP" }).execute();
  const teas = [
    ["Earl Grey", 850],
    ["Sencha", 1_200],
    ["Assam", 700],
  ] as const;
  const ids: string[] = [];
  for (const [title, price] of teas) {
    const saved = await saveProduct(db, SYSTEM_ACTOR, {
      title,
      handle: "",
      descriptionHtml: "",
      status: "active",
      vendor: "Harbour",
      productType: "Tea",
      tags: [],
      seoTitle: "",
      seoDescription: "",
      options: [],
      variants: [{ optionValues: [], sku: "", price, compareAtPrice: null, inventoryQuantity: 50, continueSelling: false, weightGrams: 100 }],
    });
    ids.push(saved.id);
  }
  // Orders over the last four weeks, a few a day, most of them paid.
  const now = Date.now();
  for (let i = 0; i < 40; i++) {
    const product = i % 3;
    const quantity = 1 + (i % 4);
    await recordOrder(db, {
      email: `shopper${i % 9}@example.com`,
      currency: "GBP",
      lines: [{ productId: ids[product], title: teas[product][0], unitPrice: teas[product][1], quantity }],
      shippingTotal: 395,
      financialStatus: i % 7 === 3 ? "pending" : "paid",
      placedAt: new Date(now - ((i * 17) % 28) * 86_400_000 - (i % 5) * 3_600_000),
    });
  }
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
  context = browser.context;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

describe("the admin home in a browser", () => {
  it("shows the onboarding checklist, launches, and then shows the dashboard with its chart", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("owner@harbour.example");
    await page.getByLabel("Password").fill("harbour-pass-1");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/harbour-tea`);

    await page.getByRole("heading", { name: "Get your shop ready" }).waitFor();
    await expect.poll(() => page.getByRole("link", { name: "Pick a theme" }).getAttribute("href")).toBe("/admin/harbour-tea/themes");
    // Products and, with no Stripe key, payments (the test gateway) are done.
    expect(await page.getByText("2 of 5 steps done.").count()).toBe(1);
    await shot(page, "01-checklist");

    // Every open step's link leads to where it gets done.
    const checklist = page.getByRole("region", { name: "Get your shop ready" });
    await checklist.getByRole("link", { name: "Set your policies" }).click();
    await page.getByRole("heading", { name: "Policies" }).waitFor();
    await page.goBack();
    await checklist.getByRole("link", { name: "Pick a theme" }).click();
    await page.getByRole("heading", { name: "Themes", level: 1 }).waitFor();
    // Publishing a theme, the default one as it comes, picks it.
    await page.getByRole("button", { name: "Publish Minimal" }).click();
    await page.getByRole("button", { name: "Publish Minimal" }).waitFor({ state: "detached" });
    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Home" }).click();
    await page.getByText("3 of 5 steps done.").waitFor();
    expect(await checklist.getByRole("heading", { name: "Pick a theme (done)" }).count()).toBe(1);

    // Launching with a step open names it and asks first.
    await page.getByRole("button", { name: "Launch my shop" }).click();
    const confirm = page.getByRole("alert");
    await confirm.getByText("1 step isn't done yet:").waitFor();
    expect(await confirm.getByRole("listitem").allTextContents()).toEqual(["Set your policies"]);
    await shot(page, "01-launch-confirm");
    await confirm.getByRole("link", { name: "Not yet" }).click();
    await page.getByRole("button", { name: "Launch my shop" }).waitFor();
    await page.getByRole("button", { name: "Launch my shop" }).click();
    await page.getByRole("alert").getByRole("button", { name: "Launch anyway" }).click();
    await page.waitForURL(`http://${base}/admin/harbour-tea?launched=1`);
    await page.getByRole("status").getByText("Your shop is open").waitFor();
    // The unfinished step stays on the home page until it's done.
    const rest = page.getByRole("region", { name: "Finish setting up your shop" });
    expect(await rest.getByText("4 of 5 steps done.").count()).toBe(1);
    expect(await rest.getByRole("link", { name: "Set your policies" }).getAttribute("href")).toBe("/admin/harbour-tea/settings/policies");
    const chart = page.getByRole("img", { name: "Sales per day in GBP, last 30 days" });
    await chart.waitFor();
    expect(await chart.locator("rect").count()).toBe(30);
    expect(await page.getByRole("heading", { name: "Top products by units" }).count()).toBe(1);
    await shot(page, "02-dashboard");

    await page.getByText("Show the figures as a table").click();
    await page.getByRole("table", { name: "Sales per day in GBP, last 30 days" }).waitFor();
    await shot(page, "03-chart-table");
  });

  it("filters orders, fulfils one and finds its customer", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/harbour-tea/orders`);
    await page.getByLabel("Payment").selectOption("pending");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/financial=pending/);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(6);
    await shot(page, "04-orders-filtered");

    await page.locator("tbody tr").first().getByRole("link").click();
    await page.getByRole("heading", { name: /^Order #\d+$/ }).waitFor();
    await page.getByRole("button", { name: "Mark as fulfilled" }).click();
    await page.getByText("Order marked as fulfilled.").waitFor();
    await page.getByText(/Marked as fulfilled by owner@harbour\.example\./).waitFor();
    await shot(page, "05-order-fulfilled");

    await page
      .locator(".detail")
      .getByRole("link", { name: /^shopper\d@example\.com$/ })
      .click();
    await page.getByRole("heading", { name: "Lifetime spend" }).waitFor();
    await shot(page, "06-customer");

    await page.goto(`http://${base}/admin/harbour-tea/customers`);
    await page.getByLabel("Sort").selectOption("spend");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/sort=spend/);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(9);
    await shot(page, "07-customers");
  });

  it("creates a discount code after fixing what the form points out", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/harbour-tea/discounts/new`);
    await page.getByLabel("Discount code").fill("tea time");
    await page.getByLabel("Percentage off (%)").fill("150");
    await page.getByRole("button", { name: "Create discount" }).click();
    await page.getByText("Use 2–64 letters, digits, hyphens or underscores.").waitFor();
    await page.getByText("Enter a percentage from 0.01 to 100").waitFor();
    await shot(page, "08-discount-errors");

    await page.getByLabel("Discount code").fill("teatime");
    await page.getByLabel("Percentage off (%)").fill("12.5");
    await page.getByLabel("Some products").check();
    await page.getByLabel("Sencha").check();
    await page.getByRole("button", { name: "Create discount" }).click();
    await page.getByText("Discount code created.").waitFor();
    await page.getByRole("heading", { name: "TEATIME" }).waitFor();
    await shot(page, "09-discount-created");

    await page.getByRole("link", { name: "← Discounts" }).click();
    await page.getByRole("link", { name: "TEATIME" }).waitFor();
    expect(await page.getByText("12.5 % off").count()).toBe(1);
    await shot(page, "10-discounts");
  });
});
