import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../tenants/accounts.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";

// The platform's landing page tells a merchant what they get: features, the three themes, the operator's plans.
const SHOTS = path.join(os.tmpdir(), "bazaar-shots");
let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let base: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const other = await createUser(t.db, { email: "grower@fern.example", password: "moss-and-frond-2026" });
  await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: owner.id });
  await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: other.id });
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

async function open(url: string, problems: string[]): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${url}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.url()}: ${r.status()}`);
  });
  await page.goto(url);
  return page;
}

describe("the landing page", () => {
  it("shows the features, the three themes and the operator's plans, on a desktop and a phone", async () => {
    // The operator renamed a plan and changed its price: the landing page shows it at once.
    await t.db.updateTable("platform.plans").set({ name: "Growth+", monthly_price: 3900 }).where("id", "=", "growth").execute();
    const problems: string[] = [];
    const page = await open(`http://${base}/`, problems);
    await page.getByRole("heading", { level: 1, name: "Your shop online, open in a minute." }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Everything a shop needs" }).waitFor();
    expect(await page.getByRole("heading", { level: 3, name: "Checkout and payouts" }).isVisible()).toBe(true);
    for (const theme of ["Minimal", "Editorial", "Classic"]) {
      await page.getByRole("img", { name: `A shop in the ${theme} theme` }).scrollIntoViewIfNeeded();
      expect(await page.getByRole("img", { name: `A shop in the ${theme} theme` }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    }
    const plans = page.getByRole("list", { name: "Plans" });
    await plans.getByRole("heading", { name: "Growth+" }).waitFor();
    expect(await plans.innerText()).toContain("$39.00");
    // Nothing about how the database is laid out.
    expect(await page.locator("main").innerText()).not.toMatch(/schema|database/i);
    await page.screenshot({ path: path.join(SHOTS, "landing-desktop.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, "landing-phone.png"), fullPage: true });
    await page.getByRole("link", { name: "Open your shop" }).click();
    await page.waitForURL(`http://${base}/signup`);
    expect(problems).toEqual([]);
  });

  it("has a favicon on the platform host and on every shop's host", async () => {
    for (const host of [base, `lumen.${base}`, `fern.${base}`]) {
      const problems: string[] = [];
      const page = await open(`http://${host}/`, problems);
      const href = await page.locator('link[rel="icon"]').getAttribute("href");
      // Fetched by the page itself: the test's own resolver doesn't know *.localhost.
      const icon = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, type: response.headers.get("content-type") };
      }, href!);
      expect(icon.status).toBe(200);
      expect(icon.type).toContain("image/svg+xml");
      expect(problems.filter((p) => /favicon/.test(p))).toEqual([]);
      await page.close();
    }
  });
});
