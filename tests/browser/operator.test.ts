import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTotpCode } from "../../server/operator-auth.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb } from "../../tenants/handle.server.ts";
import { freezeLapsedShops, startTrial } from "../../tenants/lifecycle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { addOperator, OPERATOR_PASSWORD } from "../support/operator.ts";
import { createProduct, launch, variant } from "../support/storefront.ts";

let t: TestDatabase;
let app: TestApp;
let base: string;
let secret: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

const shot = (name: string) => path.join(SCREENSHOTS, `operator-${name}.png`);

beforeAll(async () => {
  t = await createTestDatabase();
  const merchant = await createUser(t.db, { email: "ivy@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen & Clay", ownerId: merchant.id });
  const other = await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: merchant.id });
  for (const s of [shop, other]) {
    const db = tenantDb(t.db, s.schema_name);
    await createProduct(db, { title: `${s.name} candle`, handle: "candle", status: "active", variants: [variant([], 2400)] });
    await launch(db);
  }
  const frost = await provisionShop(t.db, { slug: "frost", name: "Frost & Fig", ownerId: merchant.id });
  await launch(tenantDb(t.db, frost.schema_name));
  // Its trial ended a while ago without a plan: the hourly job froze it.
  await startTrial(t.db, frost.id, new Date(Date.now() - 40 * 86_400_000));
  await freezeLapsedShops(t.db, { platformOrigin: "http://localhost", send: async () => "sent" as const });
  secret = (await addOperator(t.db, "ops@bazaar.example")).secret;
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

describe("the operator console in a browser", () => {
  it("logs in with a code, changes a shop's plan and suspends it; its storefront and admin then say so", async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://${base}/operator`);
    await page.waitForURL(/\/operator\/login\?redirectTo=/);
    await page.getByLabel("Email").fill("ops@bazaar.example");
    await page.getByLabel("Password").fill(OPERATOR_PASSWORD);
    await page.getByLabel("Code from your authenticator app").fill(currentTotpCode(secret));
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/operator`);
    await page.getByRole("heading", { level: 1, name: "Shops" }).waitFor();
    await page.screenshot({ path: shot("01-shops"), fullPage: true });

    await page.getByRole("link", { name: "Manage Lumen & Clay" }).click();
    await page.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
    await page.getByLabel("Plan", { exact: true }).selectOption("growth");
    await page.getByRole("button", { name: "Change Lumen & Clay's plan" }).click();
    await page.getByText("Lumen & Clay moved from Starter to Growth.").waitFor();

    // The suspension needs a reason and the shop's address typed out.
    const suspend = page.getByRole("region", { name: "Suspend Lumen & Clay" });
    await suspend.getByRole("button", { name: "Suspend Lumen & Clay" }).click();
    await page.getByText("Give a reason: the merchant sees it.").waitFor();
    await suspend.getByLabel("Reason (the merchant sees it)").fill("Payments disputed by several shoppers; please contact support.");
    await suspend.getByLabel("Type lumen to confirm").fill("lumen");
    await suspend.getByRole("button", { name: "Suspend Lumen & Clay" }).click();
    await page.getByText("Lumen & Clay is now suspended. The owner has been emailed.").waitFor();
    await page.screenshot({ path: shot("02-suspended"), fullPage: true });

    const store = await browser.context.newPage();
    await store.goto(`http://lumen.${base}/products/candle`);
    await store.getByRole("heading", { name: "Shop unavailable" }).waitFor();
    await store.screenshot({ path: shot("03-storefront-unavailable") });
    await store.goto(`http://fern.${base}/products/candle`);
    await store.getByRole("heading", { name: "Fern & Moss candle" }).waitFor();

    // The merchant, on a phone, is sent from any admin page to the notice with the operator's reason.
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`http://${base}/login?redirectTo=/admin/lumen/products`);
    await phone.getByLabel("Email").fill("ivy@lumen.example");
    await phone.getByLabel("Password").fill("wax-and-wick-2026");
    await phone.getByRole("button", { name: "Log in" }).click();
    await phone.waitForURL(`http://${base}/admin/lumen/billing`);
    await phone.getByText("Reason: Payments disputed by several shoppers; please contact support.").first().waitFor();
    // What to do about it, said on the page the merchant is on (not "this email").
    await phone.getByText("To resolve it, reply to Bazaar's email about the suspension.").first().waitFor();
    expect(await phone.getByRole("navigation", { name: "Shop admin" }).getByRole("link").allTextContents()).toEqual(["Plan & billing"]);
    await phone.screenshot({ path: shot("04-merchant-notice-phone"), fullPage: true });

    await page.goto(`http://${base}/operator/log`);
    await page.getByRole("cell", { name: "shop.suspend" }).waitFor();
    await page.getByRole("cell", { name: "shop.change-plan" }).waitFor();
    await page.goto(`http://${base}/operator/metrics`);
    await page.getByRole("heading", { level: 1, name: "Metrics" }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: shot("05-metrics-phone"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`http://${base}/pricing`);
    await page.getByRole("heading", { level: 1, name: "Pricing" }).waitFor();
    await page.screenshot({ path: shot("06-pricing"), fullPage: true });
  });

  it("sends a frozen shop's merchant to billing, where paying with the test gateway gives the shop back", async () => {
    const page = await browser.context.newPage();
    // Any admin page of the frozen shop; the merchant may still be signed in from the test before.
    await page.goto(`http://${base}/admin/frost/products`);
    if (new URL(page.url()).pathname === "/login") {
      await page.getByLabel("Email").fill("ivy@lumen.example");
      await page.getByLabel("Password").fill("wax-and-wick-2026");
      await page.getByRole("button", { name: "Log in" }).click();
    }
    await page.waitForURL(`http://${base}/admin/frost/billing`);
    await page.getByText("Your free trial ended without a plan.").first().waitFor();
    await page.screenshot({ path: shot("07-frozen-billing"), fullPage: true });
    const store = await browser.context.newPage();
    await store.goto(`http://frost.${base}/`);
    await store.getByRole("heading", { name: "Shop unavailable" }).waitFor();

    await page.getByRole("button", { name: "Choose Growth" }).click();
    await page.waitForURL(`http://${base}/admin/frost/billing/checkout?plan=growth`);
    await page.getByRole("button", { name: "Pay $49.00 with the test card" }).click();
    await page.waitForURL(`http://${base}/admin/frost/billing?paid=1`);
    await page.getByText("Payment received. Thank you!").waitFor();
    await page.getByRole("heading", { name: "Frost & Fig: Active" }).waitFor();
    await page.screenshot({ path: shot("08-paid"), fullPage: true });

    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Products" }).click();
    await page.waitForURL(`http://${base}/admin/frost/products`);
    await store.goto(`http://frost.${base}/`);
    expect(await store.getByRole("heading", { name: "Shop unavailable" }).count()).toBe(0);
  });

  it("lets a suspended shop's owner download its data on a phone, and the operator restore it into a new shop", async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`http://${base}/admin/lumen/billing`);
    const data = phone.getByRole("region", { name: "Your shop's data" });
    const [download] = await Promise.all([phone.waitForEvent("download"), data.getByRole("button", { name: "Download all shop data" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^lumen-\d{4}-\d{2}-\d{2}\.bazaar\.gz$/);
    const file = path.join(SCREENSHOTS, "..", download.suggestedFilename());
    await download.saveAs(file);
    await data.scrollIntoViewIfNeeded();
    await phone.screenshot({ path: shot("09-owner-download-phone") });

    const page = await browser.context.newPage();
    await page.goto(`http://${base}/operator`);
    await page.getByRole("navigation", { name: "Operator console" }).getByRole("link", { name: "Restore a shop" }).click();
    await page.getByRole("heading", { level: 1, name: "Restore a shop" }).waitFor();
    await page.getByLabel("Shop bundle").setInputFiles(file);
    await page.getByLabel("New address").fill("lumen");
    await page.getByLabel("Owner's email").fill("ivy@lumen.example");
    await page.getByRole("button", { name: "Restore into a new shop" }).click();
    await page.getByText("That address is already taken.").waitFor();
    await page.screenshot({ path: shot("10-restore-taken"), fullPage: true });
    await page.getByLabel("Shop bundle").setInputFiles(file);
    await page.getByLabel("New address").fill("lumen-again");
    await page.getByRole("button", { name: "Restore into a new shop" }).click();
    await page.waitForURL(/\/operator\/shops\/\d+$/);
    await page.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: shot("11-restored-phone"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    const store = await browser.context.newPage();
    await store.goto(`http://lumen-again.${base}/products/candle`);
    await store.getByRole("heading", { name: "Lumen & Clay candle" }).waitFor();
  });
});
