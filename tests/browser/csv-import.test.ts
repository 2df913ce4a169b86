import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCatalogueTransferWorker } from "../../jobs/processors/catalogue-transfer.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { changeShopPlan } from "../../tenants/plans.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { generatedCsv } from "../support/catalogue-csv.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";

let t: TestDatabase;
let app: TestApp;
let mediaDir: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let base: string;

const shot = (name: string) => path.join(SCREENSHOTS, `transfers-${name}.png`);
const PRODUCTS = 1000;

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-transfers-media-"));
  process.env.MEDIA_DIR = mediaDir;
  t = await createTestDatabase();
  const merchant = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: merchant.id });
  // A thousand products: more than the Starter plan allows (plan limits are tests/plans.test.ts's).
  await changeShopPlan(t.db, shop.id, "pro", { kind: "operator" });
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("importing a product CSV in the admin", () => {
  // Its own wait for the import is 60 s, so the test needs more than the suite's 60 s on a busy machine.
  it("uploads a file, watches the progress bar advance, and reads the report", { timeout: 150_000 }, async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/lumen`);

    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Import & export" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/transfers`);
    await page.getByRole("heading", { level: 1, name: "Import & export" }).waitFor();
    await page.screenshot({ path: shot("01-empty"), fullPage: true });

    // A file that isn't a product CSV is refused at once, with the reason next to the field.
    await page.getByLabel("CSV file").setInputFiles({ name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from("Name,Price\nShirt,10\n") });
    await page.getByRole("button", { name: "Upload and import" }).click();
    await page.getByText("its first row has no Handle column").waitFor();
    expect(await page.getByLabel("CSV file").getAttribute("aria-describedby")).toBe("file-error");
    await page.screenshot({ path: shot("02-wrong-file"), fullPage: true });

    const csv = generatedCsv(PRODUCTS, { badPriceEvery: 250 });
    await page.getByLabel("CSV file").setInputFiles({ name: "lumen-catalogue.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload and import" }).click();
    await page.getByRole("heading", { name: "Waiting to import lumen-catalogue.csv" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Upload and import" }).isDisabled()).toBe(true);
    await page.screenshot({ path: shot("03-queued"), fullPage: true });

    // The worker starts only now, so the page is seen waiting first; it then polls by itself.
    const worker = startCatalogueTransferWorker(app.services.jobs, t.db, app.services.media);
    try {
      const seen: number[] = [];
      let midway = false;
      const progress = page.locator("section.transfer progress");
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (await page.getByRole("heading", { name: "Imported lumen-catalogue.csv" }).isVisible()) break;
        const value = await progress.evaluate((el: HTMLProgressElement) => (el.hasAttribute("value") ? el.value : -1)).catch(() => -1);
        if (value > 0 && value !== seen.at(-1)) seen.push(value);
        if (!midway && value > 0 && value < PRODUCTS * 4) {
          midway = true;
          await page.screenshot({ path: shot("04-running"), fullPage: true });
          await expect.poll(() => page.locator(".transfer-count").innerText()).toMatch(/^[\d,]+ of 4,000 rows$/);
        }
        await page.waitForTimeout(100);
      }
      // The bar moved forward at least twice before the end, without a reload.
      expect(midway).toBe(true);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    } finally {
      await worker.close();
    }

    await page.getByRole("heading", { name: "Imported lumen-catalogue.csv" }).waitFor();
    const tally = page.locator(".tally");
    await expect.poll(() => tally.innerText()).toContain(`${PRODUCTS - 4} created`);
    await expect.poll(() => tally.innerText()).toContain("4 skipped");
    const errors = page.getByRole("table", { name: /Rows with errors/ });
    await expect.poll(() => errors.getByRole("row").count()).toBe(5);
    // Product 250's fourth variant is on line 4 × 250 + 1.
    await errors.getByRole("row", { name: /1001 generated-250 Variant Price "12,34\.5"/ }).waitFor();
    expect(await page.getByText("4,000 rows read").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Upload and import" }).isEnabled()).toBe(true);
    await page.screenshot({ path: shot("05-report"), fullPage: true });

    // The history lists the import, and the download button gives a Shopify CSV of what was imported.
    await page.getByRole("cell", { name: "lumen-catalogue.csv" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^lumen-products-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const text = readFileSync(file, "utf8");
    expect(text.split("\n")[0]).toMatch(/^Handle,Title,Body \(HTML\),Vendor/);
    expect(text).toContain("generated-1,Generated product 1,");
    await page.reload();
    await page.getByRole("cell", { name: /^lumen-products-/ }).waitFor();
    await page.screenshot({ path: shot("06-history"), fullPage: true });
  });
});
