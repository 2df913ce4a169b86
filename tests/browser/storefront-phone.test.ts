import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import { openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";

// Every theme on a 390 px phone: a long shop name keeps to two lines, product grids show two cards a row, and
// nothing scrolls sideways.

let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  await storefront.t.db.updateTable("platform.shops").set({ name: "Lumen & Clay Handmade Home Goods" }).where("id", "=", storefront.shop.id).execute();
}, 120_000);
afterAll(() => storefront?.close());

describe.each(["minimal", "editorial", "classic"])("the %s theme on a phone", (themeId) => {
  it("keeps the shop's name to two lines and shows two products a row", async () => {
    await publishTheme(storefront.db, SYSTEM_ACTOR, themeId);
    const page = await storefront.context.newPage();
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of ["/", "/collections/kitchen"]) {
        await page.goto(`${storefront.store}${path}`);
        const logo = page.getByRole("link", { name: "Lumen & Clay Handmade Home Goods" }).first();
        const lines = await logo.evaluate((link) => {
          const text = link.querySelector("span")!;
          return Math.round(text.getBoundingClientRect().height / parseFloat(getComputedStyle(text).lineHeight));
        });
        expect(lines, `${themeId} ${path}: lines of the shop's name`).toBeLessThanOrEqual(2);
        const cards = await page.locator("main .product-grid > li").evaluateAll((items) => items.slice(0, 2).map((li) => li.getBoundingClientRect()));
        expect(cards).toHaveLength(2);
        expect(cards[1].top, `${themeId} ${path}: the second card sits beside the first`).toBe(cards[0].top);
        expect(cards[0].width).toBeGreaterThan(140);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      }
      await page.screenshot({ path: `${SCREENSHOTS}/phone-${themeId}-collection.png`, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
