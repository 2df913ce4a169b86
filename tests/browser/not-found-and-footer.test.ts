import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { openSeededStorefront, SCREENSHOTS, waitForHydration, type SeededStorefront } from "../support/browser.ts";
import { createPage } from "../support/storefront.ts";

// A shopper on a mistyped address and in the footer, in each theme of the seeded "Lumen & Clay" shop.
let context: BrowserContext;
let db: TenantDb;
let store: string;
let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
  // Beside the seeded "About us": two more visible pages and a hidden one.
  await createPage(db, "faq", "FAQ", "<p>Answers.</p>");
  await createPage(db, "care-guide", "Care guide", "<p>Wash by hand.</p>");
  await createPage(db, "wholesale", "Wholesale", "<p>Not yet.</p>", false);
}, 120_000);
afterAll(() => storefront?.close());

/** Errors in the page, except the browser's own note that the document was a 404. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => (m.type() === "error" && !m.text().includes("status of 404") ? errors.push(m.text()) : null));
  return errors;
}

describe.each(["minimal", "editorial", "classic"])("the %s theme", (themeId) => {
  it("shows a mistyped address as the shop's own Page not found, with a search for its words", async () => {
    await publishTheme(db, SYSTEM_ACTOR, themeId);
    const page = await context.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(`${store}/products/stonewear-mug`);
    expect(response?.status()).toBe(404);
    expect(await page.evaluate(() => document.querySelector(".store")?.className)).toBe(`store theme-${themeId}`);
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    expect(await page.title()).toBe("Page not found · Lumen & Clay");
    // Hydrated first: the screenshot hides the focused search box's caret with an inline style, which the page's
    // hydration would then find on the server's input and report.
    await waitForHydration(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, `not-found-${themeId}.png`), fullPage: true });

    const search = page.getByRole("search", { name: "Search instead" });
    expect(await search.getByLabel("Search products").inputValue()).toBe("stonewear mug");
    await search.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(`${store}/search?q=stonewear+mug`);
    await page.getByRole("heading", { level: 1, name: "Search results" }).waitFor();

    // Client-side navigation to an address that is the platform's elsewhere finds the shop's page too.
    await page.goto(`${store}/`);
    await waitForHydration(page);
    await page.evaluate(() => (window as unknown as { __remixRouter: { navigate(to: string): Promise<void> } }).__remixRouter.navigate("/login"));
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    expect(page.url()).toBe(`${store}/login`);
    expect(await page.evaluate(() => document.querySelector(".store")?.className)).toBe(`store theme-${themeId}`);
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await page.waitForURL(`${store}/`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("links the shop's visible content pages in the footer", async () => {
    await publishTheme(db, SYSTEM_ACTOR, themeId);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${store}/collections/all`);
    const pages = page.getByRole("navigation", { name: "About the shop" });
    expect(await pages.getByRole("link").allTextContents()).toEqual(["About us", "Care guide", "FAQ"]);
    expect(await page.getByRole("navigation", { name: "Policies" }).getByRole("link").allTextContents()).toEqual(["Refund policy", "Shipping policy"]);
    await waitForHydration(page);
    await page.locator(".site-footer").screenshot({ path: path.join(SCREENSHOTS, `footer-${themeId}.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(".site-footer").screenshot({ path: path.join(SCREENSHOTS, `footer-${themeId}-phone.png`) });
    await page.setViewportSize({ width: 1280, height: 800 });

    await pages.getByRole("link", { name: "Care guide" }).click();
    await page.waitForURL(`${store}/pages/care-guide`);
    await page.getByRole("heading", { level: 1, name: "Care guide" }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
