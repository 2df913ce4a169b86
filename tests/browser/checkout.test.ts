import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { createShippingRate, createShippingZone } from "../../shop/settings.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { addToCartAndViewCart, openSeededStorefront, SCREENSHOTS, watchErrorsBesides400, type SeededStorefront } from "../support/browser.ts";

// A shopper buys through the test gateway (a declined card first), on a desktop and a 390 px phone; the merchant
// then fulfils the order with a tracking number and refunds part of it.
let context: BrowserContext;
let db: TenantDb;
let store: string;
let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
  const zone = await createShippingZone(db, SYSTEM_ACTOR, { name: "Europe", countries: "GB, FR, DE" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Standard", price: "4.50", minSubtotal: "" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Express", price: "12.00", minSubtotal: "" });
}, 120_000);
afterAll(() => storefront?.close());

async function shot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: path.join(SCREENSHOTS, `checkout-${name}.png`), fullPage: true });
}

async function fillCheckout(page: Page, name: string, email: string) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Street address").fill("1 Analytical Way");
  await page.getByLabel("City").fill("London");
  await page.getByLabel("Country").selectOption("GB");
  await page.getByRole("button", { name: "Update shipping" }).click();
  // With JavaScript, choosing the rate reprices by itself.
  await page.getByLabel(/^Express/).check();
  await expect.poll(() => page.locator(".checkout-total dd strong").textContent()).toBe("$36.00");
}

describe("checkout through the test gateway", () => {
  it("a declined card keeps the cart and says why; a good card leads to the thank-you page, then the merchant fulfils and refunds", async () => {
    const page = await context.newPage();
    const errors = watchErrorsBesides400(page);
    await page.goto(`${store}/products/stoneware-mug`);
    await addToCartAndViewCart(page);
    await page.waitForURL(`${store}/cart`);
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(/\/checkouts\/[A-Za-z0-9_-]+$/);
    await page.getByRole("heading", { level: 1, name: "Checkout" }).waitFor();
    await fillCheckout(page, "Ada Lovelace", "ada@example.com");
    await page.getByText("Use a card number ending in 1 to pay, 2 for a declined card, 3 for a processing error.").waitFor();
    await shot(page, "01-desktop-review");

    await page.getByLabel("Card number").fill("4000 0000 0000 0002");
    await page.getByRole("button", { name: "Pay $36.00" }).click();
    await page.getByText("Your card was declined. Nothing was charged: try another card.").waitFor();
    expect(await page.locator(".cart-link .cart-count").textContent()).toBe("1");
    await shot(page, "02-declined");

    await page.getByLabel("Card number").fill("4242 4242 4242 4241");
    await page.getByRole("button", { name: "Pay $36.00" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you, Ada!" }).waitFor();
    const number = (await page.locator(".order-number").textContent())!.replace("Order #", "");
    await page.getByText("Stoneware Mug").first().waitFor();
    await shot(page, "03-thank-you");
    expect(errors).toEqual([]);

    const admin = await context.newPage();
    const adminErrors = watchErrorsBesides400(admin);
    const platform = new URL(store).host.replace(/^lumen\./, "");
    await admin.goto(`http://${platform}/login`);
    await admin.getByLabel("Email").fill("maker@lumen.example");
    await admin.getByLabel("Password").fill("wax-and-wick-2026");
    await admin.getByRole("button", { name: "Log in" }).click();
    await admin.waitForURL(/\/admin/);
    await admin.goto(`http://${platform}/admin/lumen/orders/${number}`);
    await admin.getByRole("heading", { name: `Order #${number}` }).waitFor();
    await admin.getByLabel("Carrier (optional)").fill("Royal Mail");
    await admin.getByLabel("Tracking number (optional)").fill("RM123456789GB");
    await admin.getByRole("button", { name: "Mark as fulfilled" }).click();
    await admin.getByText("Order marked as fulfilled. The customer was emailed.").waitFor();
    // Typed at once, while the page reloads its data after the fulfilment: the refund form keeps what was typed.
    await admin.getByLabel("Restock Stoneware Mug").fill("1");
    await admin.getByLabel(/^Amount to refund/).fill("10.00");
    expect(await admin.getByLabel(/^Amount to refund/).inputValue()).toBe("10.00");
    await admin.getByRole("button", { name: "Refund", exact: true }).click();
    // The page answers with a status or an alert; reading whichever comes says why if the refund was refused.
    const answer = admin.locator('[role="status"], [role="alert"]').filter({ hasNotText: "marked as fulfilled" });
    await answer.first().waitFor();
    expect(await answer.first().textContent()).toBe("Refund by maker@lumen.example: refunded $10.00, put 1 unit back in stock.");
    await admin.locator(".timeline").getByText("Refund by maker@lumen.example: refunded $10.00, put 1 unit back in stock.").waitFor();
    await admin.getByText("Partially refunded").first().waitFor();
    await shot(admin, "04-merchant-refunded");
    expect(adminErrors).toEqual([]);
  });

  it("fits a 390 px phone without sideways scrolling and pays", async () => {
    const page = await context.newPage();
    const errors = watchErrorsBesides400(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${store}/products/stoneware-mug`);
    await addToCartAndViewCart(page);
    await page.waitForURL(`${store}/cart`);
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(/\/checkouts\//);
    await fillCheckout(page, "Kit Marlowe", "kit@example.com");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "05-phone-review");
    await page.getByLabel("Card number").fill("4242424242424241");
    await page.getByRole("button", { name: "Pay $36.00" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you, Kit!" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "06-phone-thank-you");
    expect(errors).toEqual([]);
  });
});
