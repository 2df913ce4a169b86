import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { refreshSearchWords } from "../../shop/search.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";
import { createProduct, variant } from "../support/storefront.ts";

let context: BrowserContext;
let db: TenantDb;
let store: string;

let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
  // A few more stoneware pieces from other makers, so the facets have something to offer.
  const colours = [{ name: "Colour", values: ["Sand", "Slate"] }];
  await createProduct(db, {
    title: "Stoneware Bowl Set",
    vendor: "Kiln & Co",
    productType: "Tableware",
    tags: ["stoneware", "gift"],
    options: colours,
    variants: [variant(["Sand"], 3200), variant(["Slate"], 3400)],
  });
  await createProduct(db, {
    title: "Stoneware Plate",
    vendor: "Kiln & Co",
    productType: "Tableware",
    tags: ["stoneware"],
    options: colours,
    variants: [variant(["Sand"], 2200), variant(["Slate"], 2200)],
  });
  await createProduct(db, {
    title: "Stoneware Planter",
    vendor: "Fern House",
    productType: "Garden",
    tags: ["stoneware", "plants"],
    variants: [variant([], 3600, { inventoryQuantity: 0 })],
  });
  await createProduct(db, {
    title: "Stoneware Jug",
    vendor: "Fern House",
    productType: "Tableware",
    descriptionHtml: "<p>Pours without a drip.</p>",
    variants: [variant([], 4100)],
  });
  await refreshSearchWords(db);
}, 120_000);
afterAll(() => storefront?.close());

const shot = (page: Page, themeId: string, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `search-${themeId}-${name}.png`), fullPage: true });
const cardTitles = (page: Page) =>
  page.locator(".search-results .product-grid > li").evaluateAll((items) => items.map((li) => li.querySelector("h3")?.textContent?.trim() ?? ""));

describe.each(["minimal", "editorial", "classic"])("searching the storefront in the %s theme", (themeId) => {
  beforeAll(() => publishTheme(db, SYSTEM_ACTOR, themeId));

  it("suggests as the shopper types, forgives a typo, filters and sorts", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : null));

    await page.goto(`${store}/search`);
    await expect.poll(() => page.evaluate(() => document.querySelector(".store")?.className)).toBe(`store theme-${themeId}`);
    await page.getByRole("heading", { level: 1, name: "Search" }).waitFor();
    await page.waitForLoadState("networkidle");

    // Predictive search: a combobox with a listbox of products.
    const box = page.getByRole("combobox", { name: "Search products" });
    await box.pressSequentially("stonew", { delay: 40 });
    const listbox = page.getByRole("listbox", { name: "Suggestions" });
    await listbox.waitFor();
    await expect.poll(() => box.getAttribute("aria-expanded")).toBe("true");
    const options = listbox.getByRole("option");
    await expect.poll(() => options.count()).toBe(6);
    expect(await options.last().textContent()).toBe("Search for “stonew”");
    await box.press("ArrowDown");
    const first = await options.first().getAttribute("id");
    expect(await box.getAttribute("aria-activedescendant")).toBe(first);
    expect(await options.first().getAttribute("aria-selected")).toBe("true");
    await shot(page, themeId, "01-suggestions");
    await box.press("Escape");
    await expect.poll(() => box.getAttribute("aria-expanded")).toBe("false");

    // A typo on the full page: "stonware" still finds the stoneware.
    await box.fill("stonware");
    await box.press("Enter");
    await page.waitForURL(`${store}/search?q=stonware`);
    await page.getByText("Including results for “stoneware”.").waitFor();
    await expect.poll(() => page.locator(".search-summary").textContent()).toBe("5 results for “stonware”");
    expect((await cardTitles(page)).sort()).toEqual(["Stoneware Bowl Set", "Stoneware Jug", "Stoneware Mug", "Stoneware Planter", "Stoneware Plate"]);
    await page.waitForLoadState("networkidle");
    await shot(page, themeId, "02-typo");

    // A filter applies as soon as it is ticked; the counts stay those of the other filters.
    const brands = page.getByRole("group", { name: "Brand" });
    expect(await brands.getByRole("checkbox").evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).labels?.[0]?.textContent))).toEqual([
      "Fern House (2 products)",
      "Kiln & Co (2 products)",
      "Lumen Studio (1 product)",
    ]);
    await brands.getByRole("checkbox", { name: /Kiln & Co/ }).check();
    await page.waitForURL(/filter\.p\.vendor=Kiln/);
    await expect.poll(() => page.locator(".search-summary").textContent()).toBe("2 results for “stonware”");
    expect((await cardTitles(page)).sort()).toEqual(["Stoneware Bowl Set", "Stoneware Plate"]);
    expect(await brands.getByRole("checkbox", { name: /Kiln & Co/ }).isChecked()).toBe(true);
    expect(await page.getByRole("group", { name: "Availability" }).textContent()).toContain("In stock (2 products)");
    await page.waitForLoadState("networkidle");
    await shot(page, themeId, "03-filtered");

    // Sorting keeps the filter.
    await page.getByLabel("Sort by").selectOption("price-ascending");
    await page.waitForURL(/sort_by=price-ascending/);
    expect(page.url()).toContain("filter.p.vendor=Kiln");
    await expect.poll(() => cardTitles(page)).toEqual(["Stoneware Plate", "Stoneware Bowl Set"]);
    await page.getByLabel("Sort by").selectOption("price-descending");
    await expect.poll(() => cardTitles(page)).toEqual(["Stoneware Bowl Set", "Stoneware Plate"]);
    await page.waitForLoadState("networkidle");
    await shot(page, themeId, "04-sorted");

    // One h1, every control labelled.
    expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
    const unlabelled = await page
      .locator("input:not([type=hidden]), select")
      .evaluateAll((els) => els.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label")).map((el) => el.outerHTML));
    expect(unlabelled).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("works without JavaScript: the filters are a form with an Apply button", async () => {
    const page = await context.newPage();
    // Without scripts the page stays the server-rendered HTML.
    await page.route("**/*", (route) => (route.request().resourceType() === "script" ? route.abort() : route.continue()));
    await page.goto(`${store}/search?q=stoneware`);
    expect(await page.locator(".store").getAttribute("class")).toBe(`store theme-${themeId}`);
    await page
      .getByRole("group", { name: "Brand" })
      .getByRole("checkbox", { name: /Fern House/ })
      .check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/filter\.p\.vendor=Fern\+House/);
    expect((await cardTitles(page)).sort()).toEqual(["Stoneware Jug", "Stoneware Planter"]);
    await page.getByLabel("Sort by").selectOption("title-descending");
    await page.getByRole("button", { name: "Sort" }).click();
    await page.waitForURL(/sort_by=title-descending/);
    expect(page.url()).toContain("filter.p.vendor=Fern+House");
    expect(await cardTitles(page)).toEqual(["Stoneware Planter", "Stoneware Jug"]);

    await page.goto(`${store}/search?q=teapot`);
    await page.getByText("No products match “teapot”.").waitFor();
    await shot(page, themeId, "05-no-results");
  });
});
