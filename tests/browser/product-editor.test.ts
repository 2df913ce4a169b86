import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sanitizeRichText } from "../../shop/html.server.ts";
import { getProduct } from "../../shop/products.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { XSS_PAYLOADS } from "../support/xss-payloads.ts";

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let base: string;
let shopDb: TenantDb;

const shot = (page: Page, n: string) => page.screenshot({ path: path.join(SCREENSHOTS, `catalogue-${n}.png`), fullPage: true });

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: owner.id });
  shopDb = tenantDb(t.db, shop.schema_name);
  await shopDb.updateTable("settings").set({ currency: "EUR" }).execute();
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
  context = browser.context;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

describe("the product editor in a browser", () => {
  it("creates a product with two options, generated variants and prices, and lists it", async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.accept();
    });
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/lumen`);

    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Products" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/products`);
    await page.getByText("No products yet").waitFor();
    await page.getByRole("link", { name: "Add product" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/products/new`);

    await page.getByLabel("Title", { exact: true }).fill("Beeswax Pillar");
    // The description is a rich-text editor: type, then bold what comes next.
    await page.getByRole("textbox", { name: "Description", exact: true }).click();
    await page.keyboard.type("Hand-poured ");
    await page.getByRole("button", { name: "Bold" }).click();
    await page.keyboard.type("bold text");
    // Typed at once after the click, as the editor keeps focus: no letter may go to the button.
    await expect.poll(() => page.getByRole("button", { name: "Bold" }).getAttribute("aria-pressed")).toBe("true");
    // New products are active, as in Shopify; this one stays a draft until the list publishes it below.
    await page.getByText("Shoppers will see Sold out: stock is 0.", { exact: false }).waitFor();
    await page.getByLabel("Status").selectOption("draft");
    await page.getByText("Shoppers can't see this product: it's a draft.").waitFor();
    await page.getByLabel("Vendor").fill("Lumen Studio");
    await page.getByLabel("Tags").fill("beeswax, gift");

    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option 1 name").fill("Scent");
    await page.getByLabel("Values").fill("Honey, Cedar");
    await page.getByRole("button", { name: "Add option" }).click();
    // The round trip kept what was typed in the first option.
    await expect.poll(() => page.getByLabel("Option 1 name").inputValue()).toBe("Scent");
    await page.getByLabel("Option 2 name").fill("Size");
    await page.getByLabel("Values").nth(1).fill("Small, Medium, Large");
    await page.getByRole("button", { name: "Generate variants" }).click();
    await page.getByText("6 variants from the options. Set their prices and save.").waitFor();
    await expect.poll(() => page.locator("table.variants-table tbody tr").count()).toBe(6);
    expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe("Beeswax Pillar");

    // Everything ticked, one price for all, then a different price for the large ones.
    await page.getByLabel("Select all variants").check();
    await page.getByLabel("With selected").selectOption("price");
    await page.getByLabel("New value").fill("18.50");
    await page.getByRole("button", { name: "Apply to selected" }).click();
    await page.getByText("Changed 6 variants. Save to keep the change.").waitFor();
    await expect.poll(() => page.getByLabel("Price for Cedar / Large", { exact: true }).inputValue()).toBe("18.50");
    await page.getByLabel("Price for Honey / Large", { exact: true }).fill("24");
    await page.getByLabel("Price for Cedar / Large", { exact: true }).fill("24");
    await page.getByLabel("Inventory for Honey / Small", { exact: true }).fill("12");
    await page.getByLabel("SKU for Honey / Small", { exact: true }).fill("PILLAR-HON-S");
    await shot(page, "01-new-product-variants");

    // A bad price stops the save and says where.
    await page.getByLabel("Price for Cedar / Medium", { exact: true }).fill("18,5.0.1");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Enter an amount in EUR, like 12.50.").waitFor();
    expect(await page.getByLabel("Price for Cedar / Medium", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await shot(page, "02-price-error");
    expect(await shopDb.selectFrom("products").select("id").execute()).toEqual([]);

    await page.getByLabel("Price for Cedar / Medium", { exact: true }).fill("18.50");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/lumen\/products\/\d+\?created=1$/);
    await page.getByText("Product created.").waitFor();
    await shot(page, "03-saved-product");
    const id = /products\/(\d+)/.exec(page.url())![1];
    const saved = (await getProduct(shopDb, id))!;
    expect(saved).toMatchObject({
      title: "Beeswax Pillar",
      vendor: "Lumen Studio",
      tags: ["beeswax", "gift"],
      descriptionHtml: "<p>Hand-poured <strong>bold text</strong></p>",
    });
    expect(saved.variants.map((v) => [v.optionValues.join(" / "), v.price])).toEqual([
      ["Honey / Small", 1850],
      ["Honey / Medium", 1850],
      ["Honey / Large", 2400],
      ["Cedar / Small", 1850],
      ["Cedar / Medium", 1850],
      ["Cedar / Large", 2400],
    ]);
    expect(saved.variants[0]).toMatchObject({ sku: "PILLAR-HON-S", inventoryQuantity: 12 });
    await expect.poll(() => page.getByRole("link", { name: "Media" }).first().getAttribute("href")).toBe(`/admin/lumen/products/${id}/media`);

    await page.getByRole("link", { name: "Products", exact: true }).first().click();
    await page.waitForURL(`http://${base}/admin/lumen/products`);
    const row = page.locator("table.list-table tbody tr", { hasText: "Beeswax Pillar" });
    await row.waitFor();
    expect(await row.innerText()).toContain("€18.50 – €24.00");
    expect(await row.innerText()).toContain("12 in stock");
    await shot(page, "04-product-list");
    expect(dialogs).toEqual([]);
  });

  it("publishes from the list with a bulk action", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/lumen/products`);
    await page.getByLabel("Select Beeswax Pillar").check();
    await page.getByLabel("With selected").selectOption("publish");
    await page.getByRole("button", { name: "Apply" }).last().click();
    await page.getByText("Published 1 product.").waitFor();
    await page.locator("table.list-table .status.active").waitFor();
    await shot(page, "05-bulk-published");
  });

  it("groups the product into a manual and an automated collection", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/lumen/collections`);
    await page.getByRole("link", { name: "Add collection" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Gifts");
    await shot(page, "06-new-manual-collection");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/lumen\/collections\/\d+\?created=1$/);
    await page.getByRole("searchbox", { name: "Find products to add" }).fill("pillar");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByLabel("Beeswax Pillar").check();
    await page.getByRole("button", { name: "Add selected" }).click();
    await page.getByText("Added 1 product.").waitFor();
    await page.locator(".collection-products td.title-cell", { hasText: "Beeswax Pillar" }).waitFor();
    await shot(page, "07-manual-collection");

    await page.goto(`http://${base}/admin/lumen/collections/new`);
    await page.getByLabel("Title", { exact: true }).fill("Under €20");
    await page.getByText("Automated", { exact: true }).click();
    await page.getByLabel("Condition 1: field").selectOption("price");
    await page.getByLabel("Condition 1: comparison").selectOption("less_than");
    await page.getByLabel("Condition 1: value").fill("20");
    await page.getByLabel("Parent collection").selectOption({ label: "Gifts" });
    await shot(page, "08-new-automated-collection");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/lumen\/collections\/\d+\?created=1$/);
    await page.locator(".collection-products td.title-cell", { hasText: "Beeswax Pillar" }).waitFor();
    await shot(page, "09-automated-collection");

    await page.goto(`http://${base}/admin/lumen/collections`);
    await page.locator("table.list-table tbody tr", { hasText: "Under €20" }).waitFor();
    await shot(page, "10-collection-list");
  });

  it("writes a content page after fixing its handle, and shoppers read it on the storefront", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://${base}/admin/lumen`);
    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Pages" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/pages`);
    await page.getByText("No pages yet.").waitFor();
    await page.getByRole("link", { name: "Add page" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/pages/new`);

    await page.getByLabel("Title", { exact: true }).fill("Our story");
    await page.getByRole("button", { name: "Edit as HTML" }).click();
    await page.getByLabel("Content (HTML)").fill("<h2>Since 2019</h2><p>We pour every candle by hand.</p><script>alert(1)</script>");
    await page.getByLabel("Handle").fill("Our Story!");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Use lowercase letters, digits and single hyphens.").waitFor();
    expect(await page.getByLabel("Handle").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe("Our story");
    await shot(page, "11-page-handle-error");
    expect(await shopDb.selectFrom("pages").select("id").execute()).toEqual([]);

    await page.getByLabel("Handle").fill("our-story");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/lumen\/pages\/\d+\?created=1$/);
    await page.getByText("Page created.").waitFor();
    // Saved as sanitised: the script is gone from what the editor shows.
    await page.getByRole("textbox", { name: "Content" }).getByRole("heading", { name: "Since 2019" }).waitFor();
    await page.getByRole("button", { name: "Edit as HTML" }).click();
    expect(await page.getByLabel("Content (HTML)").inputValue()).toBe("<h2>Since 2019</h2><p>We pour every candle by hand.</p>");
    await shot(page, "12-page-saved");

    await shopDb.updateTable("settings").set({ launched_at: new Date() }).execute();
    const shopper = await context.newPage();
    const dialogs: string[] = [];
    shopper.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await shopper.goto(`http://lumen.${base}/pages/our-story`);
    await shopper.getByRole("heading", { level: 1, name: "Our story" }).waitFor();
    await shopper.getByRole("heading", { level: 2, name: "Since 2019" }).waitFor();
    await shopper.screenshot({ path: path.join(SCREENSHOTS, "catalogue-13-page-on-storefront.png"), fullPage: true });
    await shopper.close();

    await page.goto(`http://${base}/admin/lumen/pages`);
    await page.locator("table.list-table tbody tr", { hasText: "Our story" }).getByText("Visible").waitFor();
    await shot(page, "14-page-list");
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("runs no script from any sanitised payload when Chromium renders them", async () => {
    const page = await context.newPage();
    const fired: string[] = [];
    page.on("dialog", async (dialog) => {
      fired.push(dialog.message());
      await dialog.dismiss();
    });
    // Rendered as the storefront will: the stored HTML, inside a page. Payloads that reach `alert` would show a dialog.
    const body = XSS_PAYLOADS.map((p) => `<section data-payload="${p.name}">${sanitizeRichText(p.html)}</section>`).join("\n");
    await page.setContent(`<!doctype html><html><body>${body}</body></html>`, { waitUntil: "load" });
    await page.waitForTimeout(500);
    // Clicking every link and button must not run anything either.
    for (const element of await page.locator("a, button").all()) await element.click({ timeout: 1000, noWaitAfter: true }).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(fired).toEqual([]);
    expect(await page.locator("script, iframe, object, embed, form, svg, math, style, meta, base").count()).toBe(0);
  });
  it("takes prices with a decimal comma once the shop writes numbers the German way, on a desktop and a phone", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/lumen/settings`);
    await page.getByLabel("Number format").selectOption("de-DE");
    await shot(page, "15-number-format");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Settings saved.").waitFor();
    expect(await shopDb.selectFrom("settings").select(["locale", "currency"]).executeTakeFirstOrThrow()).toEqual({ locale: "de-DE", currency: "EUR" });

    await page.goto(`http://${base}/admin/lumen/products`);
    await page.getByRole("link", { name: "Beeswax Pillar" }).click();
    const price = page.getByLabel("Price for Honey / Small", { exact: true });
    await expect.poll(() => price.inputValue()).toBe("18,50");
    await price.fill("1.500");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText('"1.500" could mean 1500 or 1,50. Type 1500 without a separator, or 1,50 with "," as the decimal mark.').waitFor();
    expect(await price.getAttribute("aria-invalid")).toBe("true");
    await shot(page, "16-ambiguous-price");

    await price.fill("19,90");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Product saved.").waitFor();
    const id = /products\/(\d+)/.exec(page.url())![1];
    expect((await getProduct(shopDb, id))!.variants.map((v) => v.price)).toEqual([1990, 1850, 2400, 1850, 1850, 2400]);
    await expect.poll(() => price.inputValue()).toBe("19,90");

    await page.setViewportSize({ width: 390, height: 844 });
    await price.fill("19,905");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText('EUR has at most 2 decimals; "19,905" has 3. Type at most 2, like 12,50.').waitFor();
    await shot(page, "17-phone-price-decimals");
    await page.goto(`http://${base}/admin/lumen/settings`);
    await page.getByLabel("Number format").waitFor();
    await shot(page, "18-phone-number-format");
    expect((await getProduct(shopDb, id))!.variants[0].price).toBe(1990);
  });
});
