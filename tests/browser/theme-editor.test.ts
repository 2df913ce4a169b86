import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../../db/types.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { seedBrowserCatalogue } from "../support/storefront-catalogue.ts";

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let base: string;
let shop: Shop;
let db: TenantDb;

beforeAll(async () => {
  t = await createTestDatabase();
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen & Clay", ownerId: owner.id });
  db = tenantDb(t.db, shop.schema_name);
  await seedBrowserCatalogue(db, app.services.media, shop);
  // The preview must work before launch too: that's when merchants design their shop.
  await db.updateTable("settings").set({ launched_at: null }).execute();
  browser = await launchBrowser();
  context = browser.context;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

describe("the theme editor", () => {
  it("updates the live preview as the merchant types, warns about contrast, and publishes", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/lumen`);

    await page.goto(`http://${base}/admin/lumen/themes`);
    await page.getByRole("link", { name: "Customize Editorial" }).click();
    await page.waitForURL(`http://${base}/admin/lumen/themes/editorial`);

    // The frame is the shop's host (cross-site), unlaunched, showing the editorial draft.
    const preview = page.frameLocator("iframe.preview-frame");
    await preview.getByRole("heading", { level: 1, name: "Lumen & Clay" }).waitFor();
    expect(await preview.locator(".store").getAttribute("class")).toBe("store theme-editorial");
    await page.screenshot({ path: path.join(SCREENSHOTS, "theme-editor-01-open.png") });

    const heading = page.locator(`[id="sections.0.heading"]`);
    await heading.fill("");
    await heading.pressSequentially("Candles for long evenings", { delay: 20 });
    await preview.getByRole("heading", { level: 1, name: "Candles for long evenings" }).waitFor({ timeout: 15_000 });
    await page.getByText("Draft saved. Preview updated.").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "theme-editor-02-typed.png") });

    // A colour change reaches the preview too; a hard-to-read one gets a warning.
    await page.getByLabel("Buttons and links").fill("#1d4ed8");
    await expect.poll(() => preview.locator(".store").getAttribute("style"), { timeout: 15_000 }).toContain("--color-accent:#1d4ed8");
    await page.locator(`[id="colors.text"]`).fill("#cccccc");
    await page.getByText(/Text on the background: contrast 1\.\d\d:1 is below 4\.5:1/).waitFor();
    await page.locator(`[id="colors.text"]`).fill("#141414");
    await page.getByText("All colour pairs meet WCAG AA contrast (4.5:1).").waitFor();

    // Shoppers don't see any of it until it's published.
    const live = await db.selectFrom("theme_settings").select("theme_id").where("is_live", "=", true).executeTakeFirst();
    expect(live).toBeUndefined();
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published: shoppers see these settings now.").waitFor();
    const published = await db.selectFrom("theme_settings").select(["theme_id", "published"]).where("is_live", "=", true).executeTakeFirstOrThrow();
    expect(published.theme_id).toBe("editorial");
    expect(JSON.stringify(published.published)).toContain("Candles for long evenings");
    await preview.getByRole("heading", { level: 1, name: "Candles for long evenings" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "theme-editor-03-published.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("moves sections without JavaScript, saving the draft and reloading the preview", async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await page.goto(`http://${base}/admin/lumen/themes/editorial`);
    await page.getByRole("button", { name: "Move down Hero banner 1" }).click();
    await page.waitForURL(/done=save/);
    await page.getByText("Draft saved.").waitFor();
    const legends = await page.locator(".section-fields legend").allTextContents();
    expect(legends.slice(0, 2)).toEqual(["1. Newest products", "2. Hero banner"]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "theme-editor-04-no-js.png") });
    // The reloaded preview shows the new order: the products first, then the hero (which keeps the page's h1).
    const preview = page.frameLocator("iframe.preview-frame");
    await expect.poll(() => preview.locator("main > section").first().getAttribute("class")).toContain("section-product-grid");
    await preview.getByRole("heading", { level: 1, name: "Candles for long evenings" }).waitFor();
    await page.close();
  });

  it("adds and moves sections without reloading the page, previews at phone width, and resets only once confirmed", async () => {
    // A second shop whose draft must not move when Lumen's does.
    const grower = await createUser(t.db, { email: "grower@fern.example", password: "moss-and-frond-2026" });
    const fern = tenantDb(t.db, (await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: grower.id })).schema_name);
    const fernDraft = async () => JSON.stringify(await fern.selectFrom("theme_settings").select(["theme_id", "draft"]).orderBy("theme_id").execute());
    const fernBefore = await fernDraft();
    const sectionTypes = async () =>
      (
        (await db.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirst())?.draft as {
          sections: { type: string }[];
        } | null
      )?.sections.map((section) => section.type) ?? [];

    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://${base}/admin/lumen/themes`);
    await page.getByRole("main").getByRole("heading", { level: 1 }).waitFor();
    await page.goto(`http://${base}/admin/lumen/themes/editorial`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByRole("main").waitFor();
    // A marker on the window survives only if the page isn't loaded again.
    await page.evaluate(() => Object.assign(window, { stayedPut: true }));

    const before = await sectionTypes();
    await page.getByLabel("New section").selectOption("rich-text");
    await page.getByRole("button", { name: "Add section" }).click();
    const added = before.length + 1;
    await page.locator(".section-fields legend", { hasText: `${added}. ` }).waitFor();
    expect(await sectionTypes()).toEqual([...before, "rich-text"]);
    await page.getByRole("button", { name: `Move up Rich text ${added}` }).click();
    await expect.poll(sectionTypes).toEqual([...before.slice(0, -1), "rich-text", before.at(-1)]);
    await expect
      .poll(() =>
        page
          .locator(".section-fields legend")
          .nth(added - 2)
          .innerText(),
      )
      .toBe(`${added - 1}. Rich text`);
    expect(await page.evaluate(() => "stayedPut" in window)).toBe(true);

    // Phone and desktop widths for the preview, as large as the window allows.
    const frame = page.locator("iframe.preview-frame");
    // Next to the admin's menu and the settings column: the rest of the width, and the window's height less its toolbar.
    const desktop = (await frame.boundingBox())!;
    expect(desktop.width).toBeGreaterThan(640);
    expect(desktop.height).toBeGreaterThan(700);
    await page.getByRole("group", { name: "Preview width" }).getByRole("button", { name: "Phone" }).click();
    await expect.poll(async () => Math.round((await frame.boundingBox())!.width)).toBe(390);
    await page.screenshot({ path: "/tmp/bazaar-shots/theme-editor-phone-preview.png" });
    await page.getByRole("button", { name: "Desktop" }).click();
    await expect.poll(async () => (await frame.boundingBox())!.width).toBeGreaterThan(640);
    await page.screenshot({ path: "/tmp/bazaar-shots/theme-editor-desktop-preview.png" });

    // Reset sits apart from Publish and asks first.
    expect(await page.getByRole("button", { name: "Yes, reset the draft to defaults" }).isVisible()).toBe(false);
    await page.getByText("Reset to defaults…").click();
    await page.getByRole("button", { name: "Yes, reset the draft to defaults" }).click();
    await page.getByText("The draft is back to the theme's defaults.", { exact: false }).waitFor();
    expect(await sectionTypes()).not.toContain("rich-text");
    expect(await fernDraft()).toBe(fernBefore);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: "/tmp/bazaar-shots/theme-editor-phone.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
