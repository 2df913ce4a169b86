import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";

let context: BrowserContext;
let db: TenantDb;
let store: string;

let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
}, 120_000);
afterAll(() => storefront?.close());

/** A full-page screenshot after scrolling through, so lazy images have loaded. */
async function shot(page: Page, name: string) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 600) {
      window.scrollTo(0, y);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(
      [...document.images].map((img) => (img.complete ? null : new Promise((resolve) => img.addEventListener("load", resolve, { once: true })))),
    );
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: path.join(SCREENSHOTS, `storefront-${name}.png`), fullPage: true });
}

describe.each(["minimal", "editorial", "classic"])("the %s theme", (themeId) => {
  it("browses home → collection → product and picks a variant", async () => {
    await publishTheme(db, SYSTEM_ACTOR, themeId);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : null));

    await page.goto(`${store}/`);
    await expect.poll(() => page.evaluate(() => document.querySelector(".store")?.className)).toBe(`store theme-${themeId}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
    await page.waitForLoadState("networkidle");
    await shot(page, `${themeId}-home`);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Kitchen" }).click();
    await page.waitForURL(`${store}/collections/kitchen`);
    await page.getByRole("heading", { level: 1, name: "Kitchen" }).waitFor();
    await page.waitForLoadState("networkidle");
    await shot(page, `${themeId}-collection`);

    await page.getByRole("link", { name: "Stoneware Mug" }).click();
    await page.waitForURL(`${store}/products/stoneware-mug`);
    await page.getByRole("heading", { level: 1, name: "Stoneware Mug" }).waitFor();
    await expect.poll(() => page.locator(".product-price .price-current").textContent()).toBe("$24.00");
    expect(await page.locator(".product-price .price-compare").textContent()).toBe("$28.00");

    // With JavaScript the choice applies at once and the address follows.
    await page.getByRole("radio", { name: /^Slate/ }).check();
    await expect.poll(() => page.locator(".stock").textContent()).toBe("Sold out");
    expect(await page.getByRole("button", { name: "Sold out" }).isDisabled()).toBe(true);
    expect(page.url()).toMatch(/\?variant=\d+$/);
    await page.getByRole("radio", { name: /^12 oz/ }).check();
    await expect.poll(() => page.locator(".stock").textContent()).toMatch(/^Available to order/);
    expect(await page.locator(".product-gallery img").first().getAttribute("alt")).toBe("Slate stoneware mug");
    await page.getByText("You may also like").waitFor();
    await page.waitForLoadState("networkidle");
    await shot(page, `${themeId}-product`);
    // On a desktop the header's Account and Cart links share one row.
    const middle = async (selector: string) => {
      const box = (await page.locator(`.site-header ${selector}`).boundingBox())!;
      return box.y + box.height / 2;
    };
    expect(Math.abs((await middle(".account-link")) - (await middle(".cart-link")))).toBeLessThan(4);
    // Phones get a layout of their own.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${store}/`);
    await shot(page, `${themeId}-home-phone`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("without JavaScript", () => {
  it("the variant picker submits to the matching variant's address", async () => {
    await publishTheme(db, SYSTEM_ACTOR, "minimal");
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await page.goto(`${store}/products/stoneware-mug`);
    await page.getByRole("radio", { name: /^Slate/ }).check();
    await page.getByRole("button", { name: "Show this option" }).click();
    await page.waitForURL(/\/products\/stoneware-mug\?variant=\d+$/);
    expect(await page.locator(".stock").textContent()).toBe("Sold out");
    expect(await page.locator('input[name="option1"][value="Slate"]').isChecked()).toBe(true);
    await page.close();
  });

  it("before launch, the password page lets a visitor with the password in", async () => {
    await publishTheme(db, SYSTEM_ACTOR, "editorial");
    await db.updateTable("settings").set({ launched_at: null, storefront_password: "first-look" }).execute();
    const page = await context.newPage();
    await page.goto(`${store}/products/stoneware-mug`);
    await page.waitForURL(`${store}/password`);
    await page.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
    await page.getByLabel("Enter the shop password").fill("wrong");
    await page.getByRole("button", { name: "Enter" }).click();
    await page.getByText("That password isn't right.").waitFor();
    await shot(page, "password");
    await page.getByLabel("Enter the shop password").fill("first-look");
    await page.getByRole("button", { name: "Enter" }).click();
    await page.waitForURL(`${store}/`);
    // The theme's hero says the shop's own headline.
    await page.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
    await page.goto(`${store}/products/stoneware-mug`);
    await page.getByRole("heading", { level: 1, name: "Stoneware Mug" }).waitFor();
    await db.updateTable("settings").set({ launched_at: new Date() }).execute();
    await page.close();
  });

  it("a shopper tabs to the skip link first and sees where focus is", async () => {
    const page = await context.newPage();
    await page.goto(`${store}/collections/all`);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement!).outlineStyle }));
    expect(focused).toEqual({ text: "Skip to content", outline: "solid" });
    await shot(page, "skip-link");
    await page.close();
  });
});
