import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToCartAndViewCart, openSeededStorefront, type SeededStorefront } from "../support/browser.ts";

// The Content-Security-Policy (server/csp.ts) in a real browser: the storefront, the checkout, the admin and the theme
// editor's live preview of all three themes run their scripts, and Chromium reports no violation anywhere.
let storefront: SeededStorefront;
const violations: string[] = [];

beforeAll(async () => {
  storefront = await openSeededStorefront();
  // Every frame reports what the policy blocked, as the page's console sees it.
  await storefront.context.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)),
  );
}, 120_000);
afterAll(() => storefront?.close());

async function open(): Promise<Page> {
  const page = await storefront.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("console", (m) => {
    if (/Content Security Policy|CSP violation/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

/** Remix hydrated the page: its scripts (nonce'd module scripts and their imports) ran. */
async function expectHydrated(page: Page) {
  await page.waitForFunction(() => "__remixRouter" in window);
}

describe("Content-Security-Policy in Chromium", () => {
  it("storefront home, product, cart and checkout run their scripts with no violation", async () => {
    const { store } = storefront;
    const page = await open();
    await page.goto(`${store}/`);
    await expectHydrated(page);
    await page.goto(`${store}/products/stoneware-mug`);
    await expectHydrated(page);
    await addToCartAndViewCart(page);
    await page.waitForURL(`${store}/cart`);
    await expectHydrated(page);
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(/\/checkouts\/[A-Za-z0-9_-]+$/);
    await page.getByRole("heading", { level: 1, name: "Checkout" }).waitFor();
    await page.reload();
    await expectHydrated(page);
    expect(violations).toEqual([]);
  });

  it("admin dashboard and the theme editor's live preview of every theme run with no violation", async () => {
    const platform = new URL(storefront.store).host.replace(/^lumen\./, "");
    const page = await open();
    await page.goto(`http://${platform}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${platform}/admin/lumen`);
    await expectHydrated(page);
    for (const theme of ["minimal", "editorial", "classic"]) {
      await page.goto(`http://${platform}/admin/lumen/themes/${theme}`);
      await expectHydrated(page);
      const preview = page.frameLocator("iframe.preview-frame");
      await preview.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
      expect(await preview.locator(".store").getAttribute("class")).toBe(`store theme-${theme}`);
      const frame = page.frames().find((f) => f.url().includes("preview_token"));
      await frame!.waitForFunction(() => "__remixRouter" in window);
    }
    expect(violations).toEqual([]);
  });
});
