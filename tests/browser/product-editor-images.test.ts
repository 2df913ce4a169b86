import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProductImages } from "../../shop/media.server.ts";
import { getProduct } from "../../shop/products.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { makeImage } from "../support/images.ts";

// The product editor's own images (drop zone, file input, alt text, order) and its rich-text description, for a
// new product before its first save and for a saved one, with and without JavaScript, in two shops.
const SHOTS = path.join(os.tmpdir(), "bazaar-shots");
let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let noScript: Awaited<ReturnType<typeof launchBrowser>>;
let base: string;
let mediaDir: string;
let lumen: TenantDb;
let fern: TenantDb;
const problems: string[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `product-editor-${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestDatabase();
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-editor-media-"));
  process.env.MEDIA_DIR = mediaDir;
  const maker = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const grower = await createUser(t.db, { email: "grower@fern.example", password: "moss-and-frond-2026" });
  lumen = tenantDb(t.db, (await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: maker.id })).schema_name);
  fern = tenantDb(t.db, (await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: grower.id })).schema_name);
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
  noScript = await launchBrowser({ javaScriptEnabled: false });
  for (const context of [browser.context, noScript.context])
    await context.addInitScript(() =>
      document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)),
    );
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await noScript?.close();
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

async function logIn(context: BrowserContext, email: string, password: string, slug: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  await page.goto(`http://${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`http://${base}/admin/${slug}`);
  return page;
}

const png = async (name: string, seed: number) => ({ name, mimeType: "image/png", buffer: await makeImage("png", 640, 640, seed) });

describe("the product editor's images and description", () => {
  it("takes images before the first save (chosen and dropped), with alt text and order, and a rich-text description", async () => {
    const page = await logIn(browser.context, "maker@lumen.example", "wax-and-wick-2026", "lumen");
    await page.goto(`http://${base}/admin/lumen/products/new`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByLabel("Title", { exact: true }).fill("Honey Taper");

    // Shopify's defaults: active, stock counted from 0, and the page says what that means for shoppers.
    expect(await page.getByLabel("Status").inputValue()).toBe("active");
    await page.getByText('Shoppers will see Sold out: stock is 0. Set the inventory, or tick "Sell when out of stock".').waitFor();
    await page.getByLabel("Inventory for Default", { exact: true }).fill("5");
    await page.getByText("Shoppers can buy this product now.").waitFor();
    await page.getByLabel("Price for Default", { exact: true }).fill("9.50");

    const description = page.getByRole("textbox", { name: "Description", exact: true });
    await description.click();
    await page.getByRole("button", { name: "Heading" }).click();
    await page.keyboard.type("Slow-burning");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Bulleted list" }).click();
    await page.keyboard.type("Pure beeswax");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Bold" }).click();
    // The button hands the focus back to the editor; typing before it lands would lose the first letters.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("contenteditable"))).toBe("true");
    await page.keyboard.type("Cotton wick");

    // One file chosen, one dropped on the zone.
    await page.getByLabel("Add images").setInputFiles([await png("front.png", 1)]);
    await page.getByLabel("Alt text for new image 1").fill("Taper, front");
    const dropped = await png("side.png", 2);
    await page.evaluate(
      ({ bytes }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "side.png", { type: "image/png" }));
        document.querySelector(".drop-zone")!.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { bytes: [...dropped.buffer] },
    );
    await page.getByLabel("Alt text for new image 2").fill("Taper, side");
    await page.getByRole("button", { name: "Move new image 2 earlier" }).click();
    await expect.poll(() => page.getByLabel("Alt text for new image 1").inputValue()).toBe("Taper, side");

    // A draft operation's round trip keeps the chosen files and their alt text.
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option 1 name").waitFor();
    await page.getByRole("button", { name: "Remove option 1" }).click();
    await expect.poll(() => page.getByLabel("Option 1 name").count()).toBe(0);
    expect(await page.getByLabel("Alt text for new image 2").inputValue()).toBe("Taper, front");
    await shot(page, "01-new-with-images");

    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/lumen\/products\/\d+\?created=1$/);
    await page.getByText("Product created.").waitFor();
    const id = /products\/(\d+)/.exec(page.url())![1];
    const product = (await getProduct(lumen, id))!;
    expect(product).toMatchObject({
      status: "active",
      descriptionHtml: "<h2>Slow-burning</h2><ul><li><p>Pure beeswax</p></li><li><p><strong>Cotton wick</strong></p></li></ul>",
    });
    expect(product.variants[0]).toMatchObject({ inventoryQuantity: 5, continueSelling: false, price: 950 });
    expect((await listProductImages(lumen, id)).map((i) => i.alt)).toEqual(["Taper, side", "Taper, front"]);
    // The saved page lists them as stored images; nothing is pending any more.
    await page.getByLabel("Alt text for image 2").waitFor();
    expect(await page.getByLabel("Alt text for new image 1").count()).toBe(0);
    // The other shop has none of it.
    expect(await fern.selectFrom("product_media").select("id").execute()).toEqual([]);
    expect(await fern.selectFrom("products").select("id").execute()).toEqual([]);
  });

  it("reorders, relabels and removes stored images and adds one more, saved with the product", async () => {
    const page = await browser.context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`${page.url()}: ${m.text()}`);
    });
    await page.goto(`http://${base}/admin/lumen/products`);
    await page.getByRole("link", { name: "Honey Taper" }).click();
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByRole("button", { name: "Move image 2 earlier" }).click();
    await expect.poll(() => page.getByLabel("Alt text for image 1").inputValue()).toBe("Taper, front");
    await page.getByLabel("Alt text for image 1").fill("Taper, front view");
    await page.getByLabel("Remove image 2 on save").check();
    await page.getByLabel("Add images").setInputFiles([await png("box.png", 3)]);
    await page.getByLabel("Alt text for new image 1").fill("Gift box");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "02-phone-editing-images");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Product saved.").waitFor();
    const id = /products\/(\d+)/.exec(page.url())![1];
    expect((await listProductImages(lumen, id)).map((i) => i.alt)).toEqual(["Taper, front view", "Gift box"]);
    await shot(page, "03-saved-images");
  });

  it("keeps the optimistic concurrency: a save over a newer version is refused and keeps what was typed", async () => {
    const [first, second] = [await browser.context.newPage(), await browser.context.newPage()];
    const [{ id }] = await lumen.selectFrom("products").select("id").execute();
    for (const page of [first, second]) {
      await page.goto(`http://${base}/admin/lumen/products/${id}`);
      await page.waitForFunction(() => "__remixRouter" in window);
    }
    await first.getByLabel("Vendor").fill("Lumen Studio");
    await first.getByRole("button", { name: "Save", exact: true }).click();
    await first.getByText("Product saved.").waitFor();
    await second.getByLabel("Vendor").fill("Hive Works");
    await second.getByRole("button", { name: "Save", exact: true }).click();
    await second.getByText("This product changed since you opened it", { exact: false }).waitFor();
    expect(await second.getByLabel("Vendor").inputValue()).toBe("Hive Works");
    expect((await getProduct(lumen, id))!.vendor).toBe("Lumen Studio");
  });

  it("works without JavaScript: a textarea for the description and a file input saved with a new product", async () => {
    const page = await logIn(noScript.context, "grower@fern.example", "moss-and-frond-2026", "fern");
    await page.goto(`http://${base}/admin/fern/products/new`);
    await page.getByLabel("Title", { exact: true }).fill("Maidenhair Fern");
    await page.getByLabel("Description", { exact: true }).fill("<p>Likes <em>shade</em>.</p><script>alert(1)</script>");
    await page.getByLabel("Price for Default", { exact: true }).fill("14");
    await page.getByLabel("Inventory for Default", { exact: true }).fill("3");
    // A draft operation can't keep chosen files without JavaScript, and says so.
    await page.getByLabel("Add images").setInputFiles([await png("fern.png", 4)]);
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByText("Choose the new images again: they're kept only when you save.", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Remove option 1" }).click();
    await page.getByLabel("Add images").setInputFiles([await png("fern.png", 4)]);
    await shot(page, "04-no-script-new");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/admin\/fern\/products\/\d+\?created=1$/);
    const id = /products\/(\d+)/.exec(page.url())![1];
    expect((await getProduct(fern, id))!.descriptionHtml).toBe("<p>Likes <em>shade</em>.</p>");
    expect(await listProductImages(fern, id)).toHaveLength(1);
    // Move and alt text without JavaScript go through the server.
    await page.getByLabel("Alt text for image 1").fill("Fern in a pot");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Product saved.").waitFor();
    expect((await listProductImages(fern, id)).map((i) => i.alt)).toEqual(["Fern in a pot"]);
    // Lumen's images are untouched by Fern's.
    expect(await lumen.selectFrom("product_media").select("alt").orderBy("position").execute()).toEqual([{ alt: "Taper, front view" }, { alt: "Gift box" }]);
  });

  it("refuses a file that isn't an image and saves nothing", async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://${base}/admin/lumen/products/new`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByLabel("Title", { exact: true }).fill("Broken");
    await page.getByLabel("Price for Default", { exact: true }).fill("1");
    // Past the page's own check (it only looks at the type), the server decodes the bytes.
    await page.getByLabel("Add images").setInputFiles([{ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("not an image") }]);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("fake.png:", { exact: false }).waitFor();
    expect(await lumen.selectFrom("products").select("title").where("title", "=", "Broken").execute()).toEqual([]);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
