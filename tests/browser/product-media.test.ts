import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProductImages } from "../../shop/media.server.ts";
import { saveProduct } from "../../shop/products.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { makeImage } from "../support/images.ts";

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
let base: string;
let mediaDir: string;
let db: TenantDb;
let productId: string;

const shot = (n: string) => page.screenshot({ path: path.join(SCREENSHOTS, `media-${n}.png`), fullPage: true });

beforeAll(async () => {
  t = await createTestDatabase();
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-media-browser-"));
  process.env.MEDIA_DIR = mediaDir;
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen Candles", ownerId: owner.id });
  db = tenantDb(t.db, shop.schema_name);
  productId = (
    await saveProduct(
      db,
      { userId: owner.id, email: owner.email, ip: "" },
      {
        title: "Beeswax candle",
        handle: "",
        descriptionHtml: "",
        status: "active",
        vendor: "Lumen",
        productType: "Candle",
        tags: [],
        seoTitle: "",
        seoDescription: "",
        options: [{ name: "Scent", values: ["Honey", "Pine"] }],
        variants: ["Honey", "Pine"].map((scent) => ({
          optionValues: [scent],
          sku: `WAX-${scent.toUpperCase()}`,
          price: 1800,
          compareAtPrice: null,
          inventoryQuantity: 4,
          continueSelling: false,
          weightGrams: 250,
        })),
      },
    )
  ).id;
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  browser = await launchBrowser();
  context = browser.context;
  page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

async function imageOrder(): Promise<string[]> {
  return (await listProductImages(db, productId)).map((i) => i.alt);
}

describe("managing a product's images in a browser", () => {
  it("logs in, uploads images, and shows their thumbnails", async () => {
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/lumen`);

    await page.goto(`http://${base}/admin/lumen/products/${productId}/media`);
    await page.getByRole("heading", { level: 1, name: "Images" }).waitFor();
    await page.getByText("This product has no images yet.").waitFor();
    await shot("01-empty");

    await page.getByLabel("Add images").setInputFiles([
      { name: "honey.jpg", mimeType: "image/jpeg", buffer: await makeImage("jpeg", 1400, 1000, 2) },
      { name: "pine.png", mimeType: "image/png", buffer: await makeImage("png", 800, 800, 5) },
      { name: "flame.webp", mimeType: "image/webp", buffer: await makeImage("webp", 600, 900, 8) },
    ]);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("3 images added.").waitFor();
    // Images without alt text yet are presentational, so find them as elements, not by role.
    const thumbnails = page.getByRole("list", { name: "Product images" }).locator("img");
    await expect.poll(() => thumbnails.count()).toBe(3);
    // Every thumbnail really loaded (decoded by the browser, from the admin's media route).
    await expect
      .poll(() => thumbnails.evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)))
      .toEqual([true, true, true]);
    const src = await thumbnails.first().evaluate((img) => (img as HTMLImageElement).currentSrc);
    expect(src).toMatch(new RegExp(`^http://${base}/admin/lumen/media/products/${productId}/[0-9a-f]{32}/\\d+$`));
    await shot("02-uploaded");
  });

  it("explains why a disguised file was refused", async () => {
    await page
      .getByLabel("Add images")
      .setInputFiles({ name: "notes.jpg", mimeType: "image/jpeg", buffer: Buffer.from("<html><body>Shopping list</body></html>") });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("notes.jpg: This file is text (HTML, SVG or XML), not a picture").waitFor();
    expect(await page.getByLabel("Add images").getAttribute("aria-describedby")).toBe("images-error");
    expect(await imageOrder()).toHaveLength(3);
    await shot("03-rejected");
  });

  it("edits alt text, which stays after a reload", async () => {
    const alt = page.getByLabel("Alt text");
    await alt.nth(0).fill("Honey candle, lit, on a wooden table");
    await page.getByRole("button", { name: "Save alt text" }).nth(0).click();
    await page.getByText("Alt text saved.").waitFor();
    await alt.nth(1).fill("Pine candle");
    await page.getByRole("button", { name: "Save alt text" }).nth(1).click();
    await expect.poll(imageOrder).toEqual(["Honey candle, lit, on a wooden table", "Pine candle", ""]);
    await page.reload();
    expect(await page.getByLabel("Alt text").nth(0).inputValue()).toBe("Honey candle, lit, on a wooden table");
    expect(await page.getByRole("img", { name: "Pine candle" }).count()).toBe(1);
  });

  it("reorders with the arrow buttons and by dragging", async () => {
    await page.getByRole("button", { name: "Move image 1 later" }).click();
    await expect.poll(imageOrder).toEqual(["Pine candle", "Honey candle, lit, on a wooden table", ""]);
    await page.getByText("Image moved.").waitFor();

    const items = page.getByRole("list", { name: "Product images" }).getByRole("listitem");
    await items.nth(2).locator("figure").dragTo(items.nth(0));
    await expect.poll(imageOrder).toEqual(["", "Pine candle", "Honey candle, lit, on a wooden table"]);
    await page.reload();
    await expect
      .poll(() =>
        page
          .getByRole("list", { name: "Product images" })
          .locator("img")
          .evaluateAll((imgs) => imgs.map((i) => i.getAttribute("alt"))),
      )
      .toEqual(["", "Pine candle", "Honey candle, lit, on a wooden table"]);
    await shot("04-reordered");
  });

  it("gives each variant an image", async () => {
    await page.getByLabel("Honey", { exact: true }).selectOption({ label: "Image 3: Honey candle, lit, on a wooden table" });
    await page.getByLabel("Pine", { exact: true }).selectOption({ label: "Image 2: Pine candle" });
    await page.getByRole("button", { name: "Save variant images" }).click();
    await page.getByText("Images saved for 2 variants.").waitFor();
    const images = await listProductImages(db, productId);
    const variants = await db.selectFrom("variants").select(["option_values", "image_id"]).where("product_id", "=", productId).orderBy("position").execute();
    expect(variants.map((v) => [v.option_values[0], v.image_id])).toEqual([
      ["Honey", images[2].id],
      ["Pine", images[1].id],
    ]);
    await page.getByRole("heading", { name: "Variant images" }).scrollIntoViewIfNeeded();
    await shot("05-variants");
  });

  it("deletes an image, and the storefront serves the others as AVIF", async () => {
    await page.getByRole("button", { name: "Delete image 1" }).click();
    await page.getByText("Image deleted.").waitFor();
    await expect.poll(imageOrder).toEqual(["Pine candle", "Honey candle, lit, on a wooden table"]);

    const [pine] = await listProductImages(db, productId);
    const storefront = await context.newPage();
    const response = await storefront.goto(`http://lumen.${base}/media/${pine.storage_key.split("/").slice(2).join("/")}/480`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("image/avif");
    expect(response?.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    await storefront.close();
  });
});
