import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDiskStorage } from "../../shop/storage.server.ts";
import { seedDemo } from "../../tenants/demo.server.ts";
import { freePort, launchBrowser } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";

// The demo shops as a first-time visitor sees them: photos, collections in the menu, variants to choose.
const SHOTS = path.join(os.tmpdir(), "bazaar-shots");
let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let base: string;
let mediaDir: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-demo-shops-"));
  process.env.MEDIA_DIR = mediaDir;
  t = await createTestDatabase();
  await seedDemo(t.db, new LocalDiskStorage(mediaDir));
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

/** Every image on the page has loaded with real pixels. */
async function imagesLoaded(page: Page): Promise<number> {
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  return page.evaluate(() => [...document.images].filter((img) => img.naturalWidth > 0).length);
}

describe("the demo shops in a browser", () => {
  it("North Coffee shows photos, its collections in the menu and a product with sizes and grinds", async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://north-coffee.${base}/`);
    const menu = page
      .getByRole("navigation")
      .filter({ has: page.getByRole("link", { name: "Shop all" }) })
      .first();
    for (const name of ["Blends", "Brewing gear", "Single origins"]) await menu.getByRole("link", { name }).waitFor();
    await menu.getByRole("link", { name: "Single origins" }).click();
    await page.getByRole("heading", { level: 1, name: "Single origins" }).waitFor();
    expect(await imagesLoaded(page)).toBeGreaterThanOrEqual(3);
    await page
      .getByRole("link", { name: /Ethiopia Guji/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 1, name: "Ethiopia Guji" }).waitFor();
    await page.getByRole("img", { name: "Ethiopia Guji" }).first().waitFor();
    await page.getByRole("radio", { name: /^1 kg/ }).check();
    await page.getByRole("radio", { name: /^Filter/ }).check();
    await page.waitForURL(/\?variant=\d+$/);
    await page.getByText("$57.50").first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, "demo-product-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, "demo-product-phone.png"), fullPage: true });
  });

  it("Paper & Ink's notebook shows each colour's own photo", async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://paper-and-ink.${base}/products/a5-notebook`);
    await page.getByRole("radio", { name: /^Rust/ }).check();
    await page.waitForURL(/\?variant=\d+$/);
    await page.getByRole("img", { name: "A5 Notebook, Rust" }).first().waitFor();
    await page.goto(`http://paper-and-ink.${base}/`);
    expect(await imagesLoaded(page)).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SHOTS, "demo-home-desktop.png"), fullPage: true });
  });
});
