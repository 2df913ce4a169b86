import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { recordOrder } from "../../shop/orders.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { addToCartAndViewCart, openSeededStorefront, SCREENSHOTS, type SeededStorefront, waitForCartDrawerForm } from "../support/browser.ts";

let context: BrowserContext;
let db: TenantDb;
let store: string;

let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
}, 120_000);
afterAll(() => storefront?.close());

let shotNumber = 0;
async function shot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.evaluate(async () => {
    await Promise.all(
      [...document.images].map((img) => (img.complete ? null : new Promise((resolve) => img.addEventListener("load", resolve, { once: true })))),
    );
  });
  shotNumber += 1;
  await page.screenshot({ path: path.join(SCREENSHOTS, `cart-account-${String(shotNumber).padStart(2, "0")}-${name}.png`), fullPage: true });
}

const cartCount = (page: Page) => page.locator(".cart-link .cart-count").textContent();

function watchErrors(page: Page): string[] {
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The refused submissions this test makes on purpose answer 400; anything else is a failure.
  page.on("console", (m) => (m.type() === "error" && !m.text().includes("status of 400 (Bad Request)") ? errors.push(m.text()) : null));
  return errors;
}

describe("a shopper with JavaScript", () => {
  it("adds to the cart, changes the quantity, registers with the cart kept, logs out and back in", async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);

    await page.goto(`${store}/products/beeswax-candle`);
    await page.getByRole("heading", { level: 1, name: "Beeswax Candle" }).waitFor();
    await page.getByLabel("Quantity").fill("2");
    await waitForCartDrawerForm(page);
    await page.getByRole("button", { name: "Add to cart" }).click();
    // The cart drawer opens over the product page, with the cart as it now is; the header counts the new items.
    const drawer = page.getByRole("dialog", { name: "Added to your cart" });
    await drawer.waitFor();
    expect(page.url()).toBe(`${store}/products/beeswax-candle`);
    await drawer.getByText("Quantity: 2").waitFor();
    expect(await drawer.getByText("Subtotal (2 items)").count()).toBe(1);
    await expect.poll(() => cartCount(page)).toBe("2");
    await shot(page, "drawer");
    // Escape closes it and the shopper is where they were.
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Add to cart" }).click();
    await drawer.getByText("Quantity: 4").waitFor();
    await drawer.getByRole("link", { name: "View cart" }).click();
    await page.waitForURL(`${store}/cart`);
    await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
    await expect.poll(() => cartCount(page)).toBe("4");
    // The − and + steppers: plain forms, one step each.
    await page.getByRole("button", { name: "Decrease quantity for Beeswax Candle (Honey)" }).click();
    await expect.poll(() => cartCount(page)).toBe("3");
    await page.getByRole("button", { name: "Decrease quantity for Beeswax Candle (Honey)" }).click();
    await expect.poll(() => cartCount(page)).toBe("2");
    await page.getByRole("button", { name: "Increase quantity for Beeswax Candle (Honey)" }).click();
    await expect.poll(() => cartCount(page)).toBe("3");
    await page.getByRole("button", { name: "Decrease quantity for Beeswax Candle (Honey)" }).click();
    await expect.poll(() => cartCount(page)).toBe("2");

    await page.goto(`${store}/products/stoneware-mug`);
    await addToCartAndViewCart(page);
    await page.waitForURL(`${store}/cart`);
    await expect.poll(() => cartCount(page)).toBe("3");
    const candleRow = page.getByRole("row", { name: /Beeswax Candle/ });
    expect(await candleRow.locator(".cart-line-total").textContent()).toBe("$36.00");
    expect(await page.locator(".cart-subtotal strong").textContent()).toBe("$60.00");
    await shot(page, "cart");

    await page.getByLabel("Quantity of Beeswax Candle (Honey)").fill("3");
    await page.getByRole("button", { name: "Update quantity of Beeswax Candle (Honey)" }).click();
    await expect.poll(() => candleRow.locator(".cart-line-total").textContent()).toBe("$54.00");
    await expect.poll(() => cartCount(page)).toBe("4");
    expect(await page.locator(".cart-subtotal strong").textContent()).toBe("$78.00");

    // A bad quantity is refused next to its line.
    await page.getByLabel("Quantity of Beeswax Candle (Honey)").fill("0");
    await page.getByRole("button", { name: "Update quantity of Beeswax Candle (Honey)" }).click();
    await expect.poll(() => candleRow.locator(".field-error").textContent()).toBe("Enter a quantity of 1 or more.");
    await shot(page, "cart-error");

    await page.getByRole("link", { name: "create an account" }).click();
    await page.waitForURL(/\/account\/register\?redirectTo=\/cart$/);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.locator("#firstName-error").textContent()).toBe("Enter your first name.");
    await shot(page, "register-errors");
    await page.getByLabel("First name").fill("Mira");
    await page.getByLabel("Last name (optional)").fill("Okafor");
    await page.getByLabel("Email", { exact: true }).fill("mira@example.com");
    await page.getByLabel("Password", { exact: true }).fill("slow-mornings-2026");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${store}/cart`);
    await expect.poll(() => cartCount(page)).toBe("4");
    await expect.poll(() => page.getByRole("row", { name: /Stoneware Mug/ }).count()).toBe(1);

    // An order placed earlier (checkout isn't part of this test): it shows in the history.
    const customer = await db.selectFrom("customers").select("id").where("email", "=", "mira@example.com").executeTakeFirstOrThrow();
    const placed = await recordOrder(db, {
      email: "mira@example.com",
      customerId: customer.id,
      currency: "USD",
      lines: [
        { title: "Ceramic Vase", quantity: 1, unitPrice: 6400 },
        { title: "Olive Wood Spoon", quantity: 2, unitPrice: 1200 },
      ],
      shippingTotal: 500,
      financialStatus: "paid",
      shippingAddress: { name: "Mira Okafor", line1: "12 Kiln Lane", city: "Stoke-on-Trent", postal_code: "ST1 1AA", country: "GB" },
    });
    await page.goto(`${store}/account`);
    await page.getByText("Logged in as Mira Okafor (mira@example.com)").waitFor();
    expect(
      await page
        .getByRole("row", { name: new RegExp(`#${placed.number}`) })
        .getByRole("cell")
        .last()
        .textContent(),
    ).toBe("$93.00");
    await shot(page, "account");
    await page.getByRole("link", { name: `Order #${placed.number}` }).click();
    await page.getByRole("heading", { level: 1, name: `Order #${placed.number}` }).waitFor();
    await page.getByText("United Kingdom").waitFor();
    await shot(page, "order");

    await page.getByRole("link", { name: "Addresses" }).click();
    await page.waitForURL(`${store}/account/addresses`);
    await page.getByLabel("Full name").fill("Mira Okafor");
    await page.getByLabel("Street address").fill("12 Kiln Lane");
    await page.getByLabel("Country").selectOption("GB");
    await page.getByRole("button", { name: "Add address" }).click();
    await expect.poll(() => page.locator("#city-error").textContent()).toBe("Enter the city.");
    await shot(page, "address-error");
    await page.getByLabel("City").fill("Stoke-on-Trent");
    await page.getByLabel("Postal code (optional)").fill("ST1 1AA");
    await page.getByRole("button", { name: "Add address" }).click();
    await page.getByText("Address added.").waitFor();
    await page.locator(".address-card address").getByText("12 Kiln Lane").waitFor();
    await shot(page, "addresses");
    await page.getByRole("link", { name: "Your data" }).click();
    await page.getByRole("heading", { level: 2, name: "Delete your account" }).waitFor();
    await shot(page, "privacy");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${store}/`);
    await expect.poll(() => cartCount(page)).toBe("0");

    await page.goto(`${store}/account`);
    await page.waitForURL(/\/account\/login\?redirectTo=%2Faccount$/);
    await page.getByLabel("Email", { exact: true }).fill("mira@example.com");
    await page.getByLabel("Password", { exact: true }).fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("That email and password don't match an account at this shop.").waitFor();
    await shot(page, "login-error");
    await page.getByLabel("Password", { exact: true }).fill("slow-mornings-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${store}/account`);
    await expect.poll(() => cartCount(page)).toBe("4");
    await page.goto(`${store}/cart`);
    expect(
      await page
        .getByRole("row", { name: /Beeswax Candle/ })
        .getByRole("spinbutton")
        .inputValue(),
    ).toBe("3");
    await shot(page, "cart-after-login");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "cart-mobile");
    await page.goto(`${store}/account/addresses`);
    await shot(page, "addresses-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });

    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("every theme", () => {
  it("draws the cart and the account pages with its own look", async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Still signed in as Mira from the first test.
    for (const themeId of ["editorial", "classic"]) {
      await publishTheme(db, SYSTEM_ACTOR, themeId);
      await page.goto(`${store}/cart`);
      await expect.poll(() => page.evaluate(() => document.querySelector(".store")?.className)).toBe(`store theme-${themeId}`);
      await shot(page, `${themeId}-cart`);
      await page.goto(`${store}/account/privacy`);
      await shot(page, `${themeId}-privacy`);
    }
    await publishTheme(db, SYSTEM_ACTOR, "minimal");
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("a shopper without JavaScript", () => {
  it("adds, changes and removes cart lines with plain form posts", async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await context.clearCookies();

    await page.goto(`${store}/products/serving-bowl`);
    await page.getByLabel("Quantity").fill("9");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart\?limit=\d+$/);
    // Only four in stock: capped, and said so.
    expect(await page.getByLabel("Quantity of Serving Bowl").inputValue()).toBe("4");
    await page.getByText("Only 4 available, and they are all in your cart.").waitFor();
    await shot(page, "no-js-capped");

    await page.getByLabel("Quantity of Serving Bowl").fill("2");
    await page.getByRole("button", { name: "Update quantity of Serving Bowl" }).click();
    await page.waitForURL(`${store}/cart`);
    expect(await page.getByLabel("Quantity of Serving Bowl").inputValue()).toBe("2");
    expect(await page.locator(".cart-subtotal strong").textContent()).toBe("$96.00");

    await page.getByRole("button", { name: "Remove Serving Bowl" }).click();
    await page.waitForURL(`${store}/cart`);
    await page.getByText("Your cart is empty").waitFor();
    await shot(page, "no-js-empty");
    await page.close();
  });
});
