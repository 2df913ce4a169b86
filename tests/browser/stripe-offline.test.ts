import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripeFromEnv } from "../../server/stripe.server.ts";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { createShippingRate, createShippingZone } from "../../shop/settings.server.ts";
import { connectShopAccount, refreshPayoutState } from "../../tenants/stripe-accounts.server.ts";
import { addToCartAndViewCart, openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";
import { FakeStripe } from "../support/fake-stripe.ts";

// With Stripe configured (against the fake server) and the shop's account able to take charges, Stripe's own
// scripts (Stripe.js, Connect.js) can't load on this machine: the checkout and the admin must say so plainly, fast.
let storefront: SeededStorefront;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  storefront = await openSeededStorefront(fake.env());
  const { db, t, shop } = storefront;
  const zone = await createShippingZone(db, SYSTEM_ACTOR, { name: "UK", countries: "GB" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Standard", price: "4.50", minSubtotal: "" });
  const stripe = stripeFromEnv(fake.env())!;
  const account = await connectShopAccount(t.db, stripe.client, shop, { email: "maker@lumen.example", country: "GB" }, false);
  fake.setAccountState(account, { charges: true, payouts: true });
  await refreshPayoutState(t.db, stripe.client, account);
}, 120_000);
afterAll(async () => {
  await storefront?.close();
  await fake?.stop();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `stripe-offline-${name}.png`), fullPage: true });
}

describe("Stripe's scripts can't load", () => {
  it("the checkout creates the payment, then says plainly that the payment form couldn't load, on a desktop and a phone", async () => {
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      const page = await storefront.context.newPage();
      page.setDefaultTimeout(15_000);
      await page.setViewportSize(viewport);
      await page.goto(`${storefront.store}/products/stoneware-mug`);
      await addToCartAndViewCart(page);
      await page.waitForURL(`${storefront.store}/cart`);
      await page.getByRole("button", { name: "Check out" }).click();
      await page.waitForURL(/\/checkouts\//);
      await page.getByLabel("Email", { exact: true }).fill("ada@example.com");
      await page.getByLabel("Full name").fill("Ada Lovelace");
      await page.getByLabel("Street address").fill("1 Analytical Way");
      await page.getByLabel("City").fill("London");
      await page.getByLabel("Country").selectOption("GB");
      await page.getByRole("button", { name: "Update shipping" }).click();
      await page.getByLabel(/^Standard/).check();
      // Choosing a method reprices the order at once (the phone's cart still holds the desktop's unpaid mug too).
      await expect.poll(() => page.locator(".checkout-total dd strong").textContent()).toBe(label === "desktop" ? "$28.50" : "$52.50");
      await page.getByText("Card and other payment methods are taken securely by Stripe on the next step.").waitFor();
      const before = fake.sent("POST", "/v1/payment_intents").length;
      await page.getByRole("button", { name: /^Continue to payment/ }).click();
      await page.getByText("Stripe's payment form couldn't load, so this page can't take a payment right now. Nothing was charged.").waitFor();
      expect(fake.sent("POST", "/v1/payment_intents")).toHaveLength(before + 1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await shot(page, `checkout-${label}`);
      await page.close();
    }
  });

  it("the admin's Payments page shows the payout state and offers Stripe's own page when Connect.js can't load", async () => {
    const page = await storefront.context.newPage();
    page.setDefaultTimeout(15_000);
    const platform = new URL(storefront.store).host.replace(/^lumen\./, "");
    await page.goto(`http://${platform}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/admin/);
    await page.getByRole("link", { name: "Payments" }).click();
    await page.getByRole("heading", { name: "Payout status" }).waitFor();
    await page.getByText("Accepting payments: checkout is open").waitFor();
    await page.getByText("Stripe's embedded pages couldn't load here (they come from connect-js.stripe.com).").waitFor();
    await page.getByRole("button", { name: "Continue on Stripe" }).waitFor();
    await shot(page, "admin-payments");
  });
});
