import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { createShippingRate, createShippingZone, saveStorefrontLanguage } from "../../shop/settings.server.ts";
import { addToCartAndViewCart, openSeededStorefront, SCREENSHOTS, watchErrorsBesides400, type SeededStorefront } from "../support/browser.ts";

// A Simplified Chinese storefront in Chromium (decision 032): home, product, cart and checkout on a desktop and a
// 390 px phone, found by their Chinese roles and labels, hydrated without errors, nothing wider than the screen.
let context: BrowserContext;
let store: string;
let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, store } = storefront);
  const { db } = storefront;
  await saveStorefrontLanguage(db, SYSTEM_ACTOR, "zh-CN");
  const zone = await createShippingZone(db, SYSTEM_ACTOR, { name: "Europe", countries: "GB, FR, DE" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Standard", price: "4.50", minSubtotal: "" });
}, 120_000);
afterAll(() => storefront?.close());

async function look(page: Page, name: string, width: number) {
  await page.waitForLoadState("networkidle");
  expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
  // Nothing sideways: Chinese strings are shorter, but buttons and labels must still fit.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  await page.screenshot({ path: path.join(SCREENSHOTS, `zh-CN-${name}-${width}.png`), fullPage: true });
}

describe("a zh-CN shop in the browser", () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`home, product, cart and checkout at ${viewport.width} px`, async () => {
      // Each width starts as a new visitor, with an empty cart.
      await context.clearCookies();
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      // The refused checkout form answers 400 on purpose.
      const errors = watchErrorsBesides400(page);

      await page.goto(`${store}/`);
      await page.getByRole("link", { name: /^购物车，0 件商品$/ }).waitFor();
      // The theme's own section texts, untouched by the merchant, in Chinese too.
      await page.getByRole("heading", { level: 2, name: "选购本系列" }).waitFor();
      await page.getByRole("link", { name: "选购全部商品" }).first().waitFor();
      await look(page, "home", viewport.width);

      await page.goto(`${store}/products/stoneware-mug`);
      await page.getByLabel("数量").fill("2");
      await look(page, "product", viewport.width);
      await addToCartAndViewCart(page, { add: "加入购物车", view: "查看购物车" });
      await page.waitForURL(`${store}/cart`);

      await page.getByRole("heading", { level: 1, name: "您的购物车" }).waitFor();
      await page.getByRole("link", { name: /^购物车，2 件商品$/ }).waitFor();
      await look(page, "cart", viewport.width);
      await page.getByRole("button", { name: "去结账" }).click();
      await page.waitForURL(/\/checkouts\/[A-Za-z0-9_-]+$/);

      await page.getByRole("heading", { level: 1, name: "结账" }).waitFor();
      await page.getByLabel("电子邮箱", { exact: true }).fill("not-an-email");
      await page.getByLabel("国家/地区").selectOption({ label: "英国" });
      await page.getByRole("button", { name: "更新配送方式" }).click();
      await page.getByText("请输入有效的电子邮箱，例如 name@example.com。").waitFor();
      await page.getByText("请输入收件人姓名。").first().waitFor();
      await page.getByRole("button", { name: /^支付 / }).waitFor();
      await look(page, "checkout", viewport.width);

      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
