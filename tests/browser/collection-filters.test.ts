import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";

// A collection page filters and sorts in place (Dawn has both), on a desktop and, with the filters folded, on a phone.

let storefront: SeededStorefront;
beforeAll(async () => {
  storefront = await openSeededStorefront();
}, 120_000);
afterAll(() => storefront?.close());

const titles = (page: import("playwright-core").Page) => page.locator("main .product-card-title a").allTextContents();

describe("a collection's filters and sort", () => {
  it("narrow and order the products without leaving the page, on a desktop and a phone", async () => {
    const page = await storefront.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await page.goto(`${storefront.store}/collections/all`);
      await page.waitForFunction(() => "__remixRouter" in window);
      await page.getByRole("heading", { name: "8 products" }).waitFor();
      await page.getByLabel(/^In stock/).check();
      await page.waitForURL(/filter\.v\.availability=1/);
      await page.getByRole("heading", { name: "7 products" }).waitFor();
      expect(await titles(page)).not.toContain("Espresso Cups, Set of Two");
      await page.getByLabel("Sort by").selectOption({ label: "Price, low to high" });
      await page.waitForURL(/sort_by=price-ascending/);
      await expect.poll(async () => (await titles(page))[0]).toBe("Olive Wood Spoon");
      await page.screenshot({ path: `${SCREENSHOTS}/collection-filters-1280.png` });

      // On a phone the filters fold away below the heading, so the products come first.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${storefront.store}/collections/kitchen`);
      await page.waitForFunction(() => "__remixRouter" in window);
      await expect.poll(() => page.getByLabel(/^In stock/).isVisible()).toBe(false);
      await page.locator("summary").filter({ hasText: "Filters" }).click();
      await page.getByLabel(/^In stock/).check();
      await page.waitForURL(/\/collections\/kitchen\?.*filter\.v\.availability=1/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${SCREENSHOTS}/collection-filters-390.png`, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
