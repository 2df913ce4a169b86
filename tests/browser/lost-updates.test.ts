import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { getCollection, saveCollection, type CollectionInput } from "../../shop/collections.server.ts";
import { getPage, savePage } from "../../shop/pages.server.ts";
import { getSettings } from "../../shop/settings.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import type { ThemeSettings } from "../../themes/settings.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";

// Two staff, each in their own browser, edit the same collection, page and tax settings. The second save from the
// same version is refused with a message naming what the first one changed, keeps what was typed, and a reload (or
// a second, informed save) then saves. Another shop with the same handles is never touched.
let t: TestDatabase;
let app: TestApp;
let base: string;
let lumen: TenantDb;
let fern: TenantDb;
let first: Awaited<ReturnType<typeof launchBrowser>>;
let second: Awaited<ReturnType<typeof launchBrowser>>;
let olive: Page;
let ada: Page;
let collectionId: string;
let pageId: string;
const problems: string[] = [];

const collection = (title: string): CollectionInput => ({
  title,
  handle: "candles",
  descriptionHtml: "",
  kind: "manual",
  rules: [],
  rulesMatch: "all",
  parentId: null,
  seoTitle: "",
  seoDescription: "",
});
const aboutPage = (title: string) => ({
  title,
  handle: "about",
  bodyHtml: "<p>Hand-poured.</p>",
  visibility: "visible" as const,
  seoTitle: "",
  seoDescription: "",
});

async function logIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  await page.goto(`http://${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wax-and-wick-2026");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`http://${base}/admin/lumen`);
  return page;
}

/** Both staff open `path`, ready to type. */
async function bothOpen(path: string) {
  for (const page of [olive, ada]) {
    await page.goto(`http://${base}${path}`);
    await page.waitForFunction(() => "__remixRouter" in window);
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  const port = await freePort();
  base = `localhost:${port}`;
  const [owner, admin, grower] = await Promise.all(
    ["olive@lumen.example", "ada@lumen.example", "grower@fern.example"].map((email) => createUser(t.db, { email, password: "wax-and-wick-2026" })),
  );
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: owner.id });
  await t.db.insertInto("platform.memberships").values({ user_id: admin.id, shop_id: shop.id, role: "admin" }).execute();
  lumen = tenantDb(t.db, shop.schema_name);
  fern = tenantDb(t.db, (await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: grower.id })).schema_name);
  ({ id: collectionId } = await saveCollection(lumen, SYSTEM_ACTOR, collection("Candles")));
  ({ id: pageId } = await savePage(lumen, SYSTEM_ACTOR, aboutPage("About us")));
  await saveCollection(fern, SYSTEM_ACTOR, collection("Fern candles"));
  await savePage(fern, SYSTEM_ACTOR, aboutPage("About Fern"));
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  [first, second] = await Promise.all([launchBrowser(), launchBrowser()]);
  [olive, ada] = await Promise.all([logIn(first.context, "olive@lumen.example"), logIn(second.context, "ada@lumen.example")]);
}, 60_000);
afterAll(async () => {
  await first?.close();
  await second?.close();
  await app?.close();
  await t?.drop();
});

describe("two staff editing the same thing", () => {
  it("a collection: the second save is refused, shows what changed and keeps the typed text; after a reload it saves", async () => {
    await bothOpen(`/admin/lumen/collections/${collectionId}`);
    await olive.getByLabel("Title", { exact: true }).fill("Soy candles");
    await olive.getByRole("button", { name: "Save", exact: true }).click();
    await olive.getByText("Collection saved.").waitFor();

    await ada.getByLabel("Title", { exact: true }).fill("Beeswax candles");
    await ada.getByLabel("Page title").fill("Beeswax candles, hand-poured");
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    const alert = ada.getByRole("alert");
    await alert.getByText("This collection changed since you opened it", { exact: false }).waitFor();
    expect(await alert.textContent()).toContain("differs from yours in: title (now “Soy candles”), page title (now empty)");
    expect(await ada.getByLabel("Title", { exact: true }).inputValue()).toBe("Beeswax candles");
    expect(await ada.getByLabel("Page title").inputValue()).toBe("Beeswax candles, hand-poured");
    await ada.screenshot({ path: path.join(SCREENSHOTS, "lost-updates-01-collection-1280.png") });
    await ada.setViewportSize({ width: 390, height: 844 });
    expect(await ada.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await ada.screenshot({ path: path.join(SCREENSHOTS, "lost-updates-02-collection-390.png") });
    await ada.setViewportSize({ width: 1280, height: 800 });
    const stored = (await getCollection(lumen, collectionId))!;
    expect([stored.title, stored.seoTitle, stored.version]).toEqual(["Soy candles", "", 2]);

    await ada.reload();
    await ada.waitForFunction(() => "__remixRouter" in window);
    expect(await ada.getByLabel("Title", { exact: true }).inputValue()).toBe("Soy candles");
    await ada.getByLabel("Page title").fill("Soy candles, hand-poured");
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByText("Collection saved.").waitFor();
    const saved = (await getCollection(lumen, collectionId))!;
    expect([saved.title, saved.seoTitle, saved.version]).toEqual(["Soy candles", "Soy candles, hand-poured", 3]);
    expect((await fern.selectFrom("collections").select(["title", "version"]).execute())[0]).toEqual({ title: "Fern candles", version: 1 });
  });

  it("a page: the second save is refused and keeps the typed text; saving again from the refusal replaces it knowingly", async () => {
    await bothOpen(`/admin/lumen/pages/${pageId}`);
    await olive.getByLabel("Title", { exact: true }).fill("Our story");
    await olive.getByRole("button", { name: "Save", exact: true }).click();
    await olive.getByText("Page saved.").waitFor();

    await ada.getByLabel("Title", { exact: true }).fill("Who we are");
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByText("This page changed since you opened it", { exact: false }).waitFor();
    expect(await ada.getByRole("alert").textContent()).toContain("title (now “Our story”)");
    expect(await ada.getByLabel("Title", { exact: true }).inputValue()).toBe("Who we are");
    expect((await getPage(lumen, pageId))!.title).toBe("Our story");

    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByText("Page saved.").waitFor();
    expect([(await getPage(lumen, pageId))!.title, (await getPage(lumen, pageId))!.version]).toEqual(["Who we are", 3]);
    expect(await fern.selectFrom("pages").select(["title", "version"]).execute()).toEqual([{ title: "About Fern", version: 1 }]);
  });

  it("a theme's draft: an autosave over a newer draft is refused and the typed text stays; the next save goes through", async () => {
    const announcement = async () =>
      ((await lumen.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow()).draft as ThemeSettings)
        .announcement.text;
    await bothOpen("/admin/lumen/themes/editorial");
    await olive.getByLabel("Announcement", { exact: true }).fill("Free shipping this week");
    await olive.getByText("Draft saved. Preview updated.").waitFor();

    await ada.getByLabel("Announcement", { exact: true }).fill("Closed for the holidays");
    await ada.getByText("This theme's draft changed since you opened it", { exact: false }).waitFor();
    expect(await ada.getByRole("alert").textContent()).toContain("differs from yours in: announcement bar.");
    expect(await ada.getByLabel("Announcement", { exact: true }).inputValue()).toBe("Closed for the holidays");
    expect(await announcement()).toBe("Free shipping this week");

    // The refusal named the newer version: typing on saves over it knowingly.
    await ada.getByLabel("Announcement", { exact: true }).fill("Closed for the holidays, back soon");
    await ada.getByText("Draft saved. Preview updated.").waitFor();
    expect(await announcement()).toBe("Closed for the holidays, back soon");
  });

  it("the tax settings: the second save is refused with the saved rate and keeps the typed one", async () => {
    await bothOpen("/admin/lumen/settings/taxes");
    await olive.getByLabel("Tax rate (%)").fill("20");
    await olive.getByRole("button", { name: "Save", exact: true }).click();
    await olive.getByText("Tax settings saved.").waitFor();

    await ada.getByLabel("Tax rate (%)").fill("7.5");
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByText("The settings on this page changed since you opened it", { exact: false }).waitFor();
    expect(await ada.getByRole("alert").textContent()).toContain("tax rate (now “20”)");
    expect(await ada.getByLabel("Tax rate (%)").inputValue()).toBe("7.5");
    await ada.setViewportSize({ width: 390, height: 844 });
    await ada.screenshot({ path: path.join(SCREENSHOTS, "lost-updates-03-taxes-390.png") });
    await ada.setViewportSize({ width: 1280, height: 800 });
    expect((await getSettings(lumen)).tax_rate_bp).toBe(2000);
    expect((await getSettings(fern)).version).toBe(1);
    expect(problems).toEqual([]);
  });
});
