import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop, User } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import {
  addProductImage,
  deleteProductImageFiles,
  fetchImageFromUrl,
  ImageRejectedError,
  listProductImages,
  MAX_IMAGE_BYTES,
  prepareImage,
  productImageSrcSet,
  productImageUrl,
  type ProductImage,
} from "../shop/media.server.ts";
import { deleteProducts, saveProduct, type ProductInput } from "../shop/products.server.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { adminPost } from "./support/admin-forms.ts";
import { makeImage } from "./support/images.ts";
import { multipartBody, rawRequest, type FilePart, type RawResponse } from "./support/raw-http.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
const IMMUTABLE = "public, max-age=31536000, immutable";

let t: TestDatabase;
let app: TestApp;
let mediaDir: string;
let storage: LocalDiskStorage;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let alice: User;
let aliceCookie: string;
let bobCookie: string;
let aliceActor: Actor;
let bobActor: Actor;
/** North's mug (two colours) and south's mug and plate: south has ids north doesn't. */
let northMug: string;
let southMug: string;
let southPlate: string;

function productInput(title: string, colours: string[]): ProductInput {
  return {
    title,
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: colours.length ? [{ name: "Colour", values: colours }] : [],
    variants: (colours.length ? colours.map((c) => [c]) : [[]]).map((optionValues) => ({
      optionValues,
      sku: `SKU-${optionValues.join("") || "X"}`,
      price: 1200,
      compareAtPrice: null,
      inventoryQuantity: 3,
      continueSelling: false,
      weightGrams: 300,
    })),
  };
}

async function logIn(email: string, password: string): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
  expect(res.status).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

function upload(cookie: string, slug: string, productId: string, files: FilePart[]): Promise<RawResponse> {
  const { body, contentType } = multipartBody({}, files);
  return rawRequest(app.port, PLATFORM, `/admin/${slug}/products/${productId}/media`, {
    method: "POST",
    body,
    headers: { cookie, origin: ORIGIN, "content-type": contentType },
  });
}

function post(cookie: string, slug: string, productId: string, form: Record<string, string>) {
  return app.request(PLATFORM, `/admin/${slug}/products/${productId}/media`, { method: "POST", form, headers: { cookie, origin: ORIGIN } });
}

function get(host: string, pathname: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(app.port, host, pathname, { headers });
}

function file(filename: string, data: Buffer, contentType = "image/jpeg"): FilePart {
  return { field: "images", filename, contentType, data };
}

async function storedKeys(shop: Shop): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  try {
    const entries = await readdir(path.join(mediaDir, "shops", shop.id), { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(mediaDir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

async function auditActions(db: TenantDb): Promise<string[]> {
  return (await db.selectFrom("audit_events").select("action").where("action", "like", "product.%image%").orderBy("id").execute()).map((r) => r.action);
}

beforeAll(async () => {
  t = await createTestDatabase();
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-media-"));
  storage = new LocalDiskStorage(mediaDir);
  alice = await createUser(t.db, { email: "alice@north.example", password: "north-pass-1" });
  const bob = await createUser(t.db, { email: "bob@south.example", password: "south-pass-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: alice.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: bob.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  aliceActor = { userId: alice.id, email: alice.email, ip: "127.0.0.1" };
  bobActor = { userId: bob.id, email: bob.email, ip: "127.0.0.1" };
  // Same handles and titles in both shops, different rows.
  northMug = (await saveProduct(northDb, aliceActor, productInput("Mug", ["Red", "Blue"]))).id;
  southMug = (await saveProduct(southDb, bobActor, productInput("Mug", ["Red", "Blue"]))).id;
  // South has more products, so its plate's id is one north never reaches in this file.
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await saveProduct(southDb, bobActor, productInput(`Bowl ${n}`, []));
  southPlate = (await saveProduct(southDb, bobActor, productInput("Plate", []))).id;

  process.env.MEDIA_DIR = mediaDir;
  delete process.env.S3_BUCKET;
  app = await startTestApp(t.url);
  aliceCookie = await logIn("alice@north.example", "north-pass-1");
  bobCookie = await logIn("bob@south.example", "south-pass-1");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("checking and resizing images", () => {
  it("accepts JPEG, PNG, WebP and AVIF and stores WebP and AVIF at every width up to the image's own", async () => {
    const cases = [
      { format: "jpeg", width: 2000, height: 1500, type: "image/jpeg", widths: [160, 480, 960, 1600] },
      { format: "png", width: 600, height: 400, type: "image/png", widths: [160, 480, 600] },
      { format: "webp", width: 300, height: 300, type: "image/webp", widths: [160, 300] },
      { format: "avif", width: 120, height: 60, type: "image/avif", widths: [120] },
    ] as const;
    const product = (await saveProduct(northDb, aliceActor, productInput("Poster", []))).id;
    for (const [n, c] of cases.entries()) {
      const bytes = await makeImage(c.format, c.width, c.height, n);
      const { id, duplicate } = await addProductImage(northDb, storage, aliceActor, product, { bytes, alt: `${c.format} poster`, shopId: north.id });
      expect(duplicate).toBe(false);
      const row = await northDb.selectFrom("product_media").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const largest = c.widths[c.widths.length - 1];
      expect(row).toMatchObject({ content_type: c.type, byte_size: bytes.length, width: largest, position: n, alt: `${c.format} poster` });
      expect(row.storage_key).toMatch(new RegExp(`^shops/${north.id}/products/${product}/[0-9a-f]{32}$`));
      for (const width of c.widths) {
        for (const format of ["webp", "avif"] as const) {
          const stored = await storage.get(`${row.storage_key}/${width}.${format}`);
          expect(stored, `${c.format} ${width}.${format}`).not.toBeNull();
          const meta = await sharp(stored!).metadata();
          expect(meta.width).toBe(width);
          expect(format === "avif" ? meta.compression : meta.format).toBe(format === "avif" ? "av1" : "webp");
        }
      }
      // Never upscaled: nothing wider than the image itself.
      expect(await storage.get(`${row.storage_key}/${largest === 1600 ? 3200 : 1600}.webp`)).toBeNull();
    }
    expect((await listProductImages(northDb, product)).map((i) => i.alt)).toEqual(["jpeg poster", "png poster", "webp poster", "avif poster"]);
  });

  it("strips EXIF and other metadata, after applying the EXIF rotation", async () => {
    const photo = await sharp(await makeImage("jpeg", 200, 100, 9))
      .withExif({ IFD0: { Artist: "Secret Photographer", Copyright: "GPS 59.91N 10.75E" } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const prepared = await prepareImage(photo);
    // Orientation 6 means "rotate 90°": the stored image is portrait.
    expect([prepared.width, prepared.height]).toEqual([100, 200]);
    for (const rendition of prepared.renditions) {
      const meta = await sharp(rendition.body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(rendition.body.includes("Secret Photographer")).toBe(false);
    }
  });

  it("rejects what isn't a JPEG, PNG, WebP or AVIF picture, whatever its name, with a reason, and stores nothing", async () => {
    const before = await storedKeys(north);
    const jpeg = await makeImage("jpeg", 400, 300, 3);
    const rejects: [string, Buffer, RegExp][] = [
      ["html named .jpg", Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>"), /text \(HTML, SVG or XML\), not a picture/],
      ["svg", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), /text \(HTML, SVG or XML\)/],
      ["gif", await makeImage("gif", 40, 40), /GIF images aren't supported/],
      ["empty", Buffer.alloc(0), /The file is empty/],
      ["oversize", Buffer.concat([jpeg, Buffer.alloc(MAX_IMAGE_BYTES)]), /images can be at most 20 MB/],
      ["truncated jpeg", jpeg.subarray(0, Math.floor(jpeg.length / 2)), /could not be read: the file may be damaged or incomplete/],
      ["jpeg header on random bytes", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]), /could not be read/],
      ["heic", Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic"), Buffer.alloc(100)]), /HEIC photos aren't supported/],
      ["pdf", Buffer.from("%PDF-1.7\n1 0 obj"), /This file is not a JPEG, PNG, WebP or AVIF image/],
    ];
    for (const [name, bytes, reason] of rejects) {
      const error = await addProductImage(northDb, storage, aliceActor, northMug, { bytes, shopId: north.id }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ImageRejectedError);
      expect((error as ImageRejectedError).reason, name).toMatch(reason);
    }
    expect(await listProductImages(northDb, northMug)).toEqual([]);
    expect(await storedKeys(north)).toEqual(before);
  });

  it("refuses images with too many pixels before decoding them", async () => {
    // 8,000 × 8,000 of one colour compresses to a few kilobytes but would decode to 256 MB.
    const bomb = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    expect(bomb.length).toBeLessThan(MAX_IMAGE_BYTES);
    await expect(prepareImage(bomb)).rejects.toThrow(/8000 × 8000 pixels; images can have at most 50 megapixels/);
  });

  it("adds the same picture to a product only once", async () => {
    const product = (await saveProduct(northDb, aliceActor, productInput("Coaster", []))).id;
    const bytes = await makeImage("png", 200, 200, 21);
    const first = await addProductImage(northDb, storage, aliceActor, product, { bytes, shopId: north.id });
    const again = await addProductImage(northDb, storage, aliceActor, product, { bytes, alt: "ignored", shopId: north.id });
    expect(again).toEqual({ id: first.id, duplicate: true });
    expect(await listProductImages(northDb, product)).toHaveLength(1);
  });
});

describe("uploading in the admin", () => {
  it("uploads several images in one multipart form and lists them on the page", async () => {
    const res = await upload(aliceCookie, "north", northMug, [
      file("front.png", await makeImage("png", 900, 900, 1), "image/png"),
      file("side.jpg", await makeImage("jpeg", 1200, 800, 2)),
    ]);
    expect(res.status).toBe(200);
    const images = await listProductImages(northDb, northMug);
    expect(images.map((i) => [i.position, i.content_type, i.width])).toEqual([
      [0, "image/png", 900],
      [1, "image/jpeg", 1200],
    ]);
    expect(await auditActions(northDb)).toContain("product.image_added");
    const page = await app.request(PLATFORM, `/admin/north/products/${northMug}/media`, { headers: { cookie: aliceCookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(productImageUrl(images[0], { width: 480, adminSlug: "north" }));
  });

  it("refuses a whole upload with a disguised or unsupported file, naming the file and the reason", async () => {
    const before = await listProductImages(northDb, northMug);
    const keys = await storedKeys(north);
    const res = await upload(aliceCookie, "north", northMug, [
      file("fine.webp", await makeImage("webp", 300, 300, 5), "image/webp"),
      file("holiday.jpg", Buffer.from("<html><body>not a photo</body></html>")),
      file("spinner.jpg", await makeImage("gif", 20, 20)),
      file("blank.jpg", Buffer.alloc(0)),
    ]);
    expect(res.status).toBe(400);
    const body = res.text();
    expect(body).toContain("holiday.jpg: This file is text (HTML, SVG or XML), not a picture");
    expect(body).toContain("spinner.jpg: GIF images aren&#x27;t supported");
    expect(body).toContain("blank.jpg: The file is empty.");
    expect(body).not.toContain("fine.webp:");
    expect(await listProductImages(northDb, northMug)).toEqual(before);
    expect(await storedKeys(north)).toEqual(keys);
  });

  it("refuses an oversized upload while reading it, with a clear message", async () => {
    const before = await listProductImages(northDb, northMug);
    const big = Buffer.concat([await makeImage("jpeg", 100, 100), Buffer.alloc(MAX_IMAGE_BYTES + 1024)]);
    const res = await upload(aliceCookie, "north", northMug, [file("huge.jpg", big)]);
    expect(res.status).toBe(413);
    expect(res.text()).toContain("An image is larger than 20 MB");
    expect(await listProductImages(northDb, northMug)).toEqual(before);
  });

  it("asks for a file when none was chosen", async () => {
    const res = await upload(aliceCookie, "north", northMug, [
      { field: "images", filename: "", contentType: "application/octet-stream", data: Buffer.alloc(0) },
    ]);
    expect(res.status).toBe(400);
    expect(res.text()).toContain("Choose one or more images to upload.");
  });
});

describe("serving images", () => {
  let image: ProductImage;
  beforeAll(async () => {
    image = (await listProductImages(northDb, northMug))[0];
  });

  it("serves each stored width as WebP or AVIF on the shop's host, with year-long immutable caching", async () => {
    for (const width of [160, 480, 900]) {
      for (const format of ["webp", "avif"] as const) {
        const res = await get("north.shops.test", productImageUrl(image, { width, format }));
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toBe(`image/${format}`);
        expect(res.headers["cache-control"]).toBe(IMMUTABLE);
        expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}-\d+-(webp|avif)"$/);
        expect(res.headers.vary).toBeUndefined();
        expect(Number(res.headers["content-length"])).toBe(res.body.length);
        expect((await sharp(res.body).metadata()).width).toBe(width);
      }
    }
    expect(productImageSrcSet(image)).toBe(["160", "480", "900"].map((w) => `/media/${image.storage_key.split("/").slice(2).join("/")}/${w} ${w}w`).join(", "));
  });

  it("picks AVIF or WebP from the Accept header when the URL names no format", async () => {
    const url = productImageUrl(image, { width: 480 });
    expect(url).toMatch(/\/480$/);
    const avif = await get("north.shops.test", url, { accept: "image/avif,image/webp,image/apng,image/*,*/*;q=0.8" });
    expect(avif.headers["content-type"]).toBe("image/avif");
    expect(avif.headers.vary).toBe("Accept");
    const webp = await get("north.shops.test", url, { accept: "image/webp,*/*" });
    expect(webp.headers["content-type"]).toBe("image/webp");
    expect(webp.headers.etag).not.toBe(avif.headers.etag);
    const refused = await get("north.shops.test", url, { accept: "image/avif;q=0, image/webp" });
    expect(refused.headers["content-type"]).toBe("image/webp");
  });

  it("answers HEAD with the headers and no body", async () => {
    const url = productImageUrl(image, { width: 480, format: "avif" });
    const full = await get("north.shops.test", url);
    const head = await rawRequest(app.port, "north.shops.test", url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-type"]).toBe("image/avif");
    expect(head.headers["content-length"]).toBe(String(full.body.length));
  });

  it("answers 304 to a matching If-None-Match and 404 to widths and paths that don't exist", async () => {
    const url = productImageUrl(image, { width: 160, format: "webp" });
    const first = await get("north.shops.test", url);
    const again = await get("north.shops.test", url, { "if-none-match": first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers["cache-control"]).toBe(IMMUTABLE);
    expect((await get("north.shops.test", url.replace("/160.webp", "/1600.webp"))).status).toBe(404);
    expect((await get("north.shops.test", url.replace("/160.webp", "/160.png"))).status).toBe(404);
    expect((await get("north.shops.test", "/media/products/1/..%2F..%2F..%2Fetc/160.webp")).status).toBe(404);
    expect((await get("north.shops.test", `/media/shops/${north.id}/products/${northMug}/x/160.webp`)).status).toBe(404);
  });

  it("serves the admin's copy on the platform host to members only, privately cached", async () => {
    const url = productImageUrl(image, { width: 160, format: "avif", adminSlug: "north" });
    const member = await get(PLATFORM, url, { cookie: aliceCookie });
    expect(member.status).toBe(200);
    expect(member.headers["content-type"]).toBe("image/avif");
    expect(member.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
    expect((await get(PLATFORM, url)).status).toBe(302);
    expect((await get(PLATFORM, url, { cookie: bobCookie })).status).toBe(404);
    // The storefront path is not served on the platform host.
    expect((await get(PLATFORM, productImageUrl(image, { width: 160 }))).status).toBe(404);
  });
});

describe("two shops", () => {
  it("never share files: the same picture is stored once per shop, and a shop's host serves only its own", async () => {
    const same = await makeImage("png", 320, 320, 42);
    const inNorth = await addProductImage(northDb, storage, aliceActor, northMug, { bytes: same, shopId: north.id });
    const inSouth = await addProductImage(southDb, storage, bobActor, southMug, { bytes: same, shopId: south.id });
    const southOnly = await addProductImage(southDb, storage, bobActor, southPlate, { bytes: await makeImage("jpeg", 500, 300, 43), shopId: south.id });
    const row = (db: TenantDb, id: string) => db.selectFrom("product_media").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const northRow = await row(northDb, inNorth.id);
    const southRow = await row(southDb, inSouth.id);
    const plateRow = await row(southDb, southOnly.id);
    expect(northRow.storage_key.startsWith(`shops/${north.id}/`)).toBe(true);
    expect(southRow.storage_key.startsWith(`shops/${south.id}/`)).toBe(true);

    // South's own image on south's host; the same path on north's host finds nothing.
    const plateUrl = productImageUrl(plateRow, { width: 480, format: "webp" });
    expect((await get("south.shops.test", plateUrl)).status).toBe(200);
    expect((await get("north.shops.test", plateUrl)).status).toBe(404);
    expect((await get(PLATFORM, productImageUrl(plateRow, { width: 480, adminSlug: "north" }), { cookie: aliceCookie })).status).toBe(404);

    // Deleting south's copy leaves north's.
    const del = await post(bobCookie, "south", southMug, { intent: "delete", imageId: inSouth.id });
    expect(del.status).toBe(200);
    expect((await get("south.shops.test", productImageUrl(southRow, { width: 160, format: "webp" }))).status).toBe(404);
    expect((await get("north.shops.test", productImageUrl(northRow, { width: 160, format: "webp" }))).status).toBe(200);
    expect((await storedKeys(north)).every((k) => k.startsWith(`shops/${north.id}/`))).toBe(true);
  });

  it("gives a member of one shop a 404 for the other shop's product media, by slug or by id, and changes nothing", async () => {
    const southBefore = await listProductImages(southDb, southPlate);
    const southKeys = await storedKeys(south);
    expect((await app.request(PLATFORM, `/admin/south/products/${southPlate}/media`, { headers: { cookie: aliceCookie } })).status).toBe(404);
    expect((await upload(aliceCookie, "south", southPlate, [file("x.png", await makeImage("png", 50, 50, 7), "image/png")])).status).toBe(404);
    expect((await post(aliceCookie, "south", southPlate, { intent: "alt", imageId: southBefore[0].id, alt: "hacked" })).status).toBe(404);
    expect((await post(aliceCookie, "south", southPlate, { intent: "delete", imageId: southBefore[0].id })).status).toBe(404);
    // South's plate id doesn't exist in north: editing the id under north's slug is a 404 too.
    expect(await northDb.selectFrom("products").select("id").where("id", "=", southPlate).executeTakeFirst()).toBeUndefined();
    expect((await app.request(PLATFORM, `/admin/north/products/${southPlate}/media`, { headers: { cookie: aliceCookie } })).status).toBe(404);
    expect((await upload(aliceCookie, "north", southPlate, [file("x.png", await makeImage("png", 50, 50, 7), "image/png")])).status).toBe(404);
    // An image id that isn't on this product (south's id under north's product) is a 404.
    const northIds = (await listProductImages(northDb, northMug)).map((i) => i.id);
    const foreign = String(Math.max(...northIds.map(Number), Number(southBefore[0].id)) + 100);
    expect((await post(aliceCookie, "north", northMug, { intent: "alt", imageId: foreign, alt: "x" })).status).toBe(404);
    expect((await post(aliceCookie, "north", northMug, { intent: "delete", imageId: "not-a-number" })).status).toBe(404);
    expect(await listProductImages(southDb, southPlate)).toEqual(southBefore);
    expect(await storedKeys(south)).toEqual(southKeys);
  });
});

describe("alt text, order and variant images", () => {
  it("saves alt text, and refuses alt text that is too long without changing it", async () => {
    const [first] = await listProductImages(northDb, northMug);
    const ok = await post(aliceCookie, "north", northMug, { intent: "alt", imageId: first.id, alt: "  Red   mug, front view " });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("Alt text saved.");
    const long = await post(aliceCookie, "north", northMug, { intent: "alt", imageId: first.id, alt: "x".repeat(513) });
    expect(long.status).toBe(400);
    expect(long.body).toContain("Use at most 512 characters of alt text.");
    expect(long.body).toContain(`id="alt-${first.id}-error"`);
    const [after] = await listProductImages(northDb, northMug);
    expect(after.alt).toBe("Red mug, front view");
  });

  it("moves images up and down without JavaScript and reorders them all at once with it", async () => {
    const ids = (await listProductImages(northDb, northMug)).map((i) => i.id);
    expect(ids.length).toBe(3);
    await post(aliceCookie, "north", northMug, { intent: "move", imageId: ids[0], direction: "down" });
    expect((await listProductImages(northDb, northMug)).map((i) => i.id)).toEqual([ids[1], ids[0], ids[2]]);
    await post(aliceCookie, "north", northMug, { intent: "move", imageId: ids[2], direction: "up" });
    expect((await listProductImages(northDb, northMug)).map((i) => [i.id, i.position])).toEqual([
      [ids[1], 0],
      [ids[2], 1],
      [ids[0], 2],
    ]);

    const res = await post(aliceCookie, "north", northMug, { intent: "reorder", order: [ids[0], ids[1], ids[2]].join(",") });
    expect(res.status).toBe(200);
    expect((await listProductImages(northDb, northMug)).map((i) => i.id)).toEqual(ids);
    const stale = await post(aliceCookie, "north", northMug, { intent: "reorder", order: [ids[0], ids[1]].join(",") });
    expect(stale.status).toBe(400);
    expect(stale.body).toContain("reload the page and try again");
    expect((await listProductImages(northDb, northMug)).map((i) => i.id)).toEqual(ids);
  });

  it("assigns images to variants, refuses another product's image, and clears a deleted image from its variants", async () => {
    const images = await listProductImages(northDb, northMug);
    const variants = await northDb.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", northMug).orderBy("position").execute();
    const res = await post(aliceCookie, "north", northMug, {
      intent: "variant-images",
      [`variant-${variants[0].id}`]: images[1].id,
      [`variant-${variants[1].id}`]: images[2].id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain("Images saved for 2 variants.");
    const imageOf = async () =>
      (await northDb.selectFrom("variants").select(["id", "image_id"]).where("product_id", "=", northMug).orderBy("position").execute()).map((v) => v.image_id);
    expect(await imageOf()).toEqual([images[1].id, images[2].id]);

    // An image of another product (the poster) is not this product's to show.
    const poster = await northDb.selectFrom("products").select("id").where("handle", "=", "poster").executeTakeFirstOrThrow();
    const posterImage = (await listProductImages(northDb, poster.id))[0];
    const foreign = await post(aliceCookie, "north", northMug, { intent: "variant-images", [`variant-${variants[0].id}`]: posterImage.id });
    expect(foreign.status).toBe(404);
    expect(await imageOf()).toEqual([images[1].id, images[2].id]);

    const del = await post(aliceCookie, "north", northMug, { intent: "delete", imageId: images[2].id });
    expect(del.status).toBe(200);
    expect(await imageOf()).toEqual([images[1].id, null]);
    expect((await listProductImages(northDb, northMug)).map((i) => [i.id, i.position])).toEqual([
      [images[0].id, 0],
      [images[1].id, 1],
    ]);
    expect(await storage.get(`${images[2].storage_key}/160.webp`)).toBeNull();
    expect((await get("north.shops.test", productImageUrl(images[2], { width: 160, format: "webp" }))).status).toBe(404);
  });

  it("removes a deleted product's files", async () => {
    const product = (await saveProduct(northDb, aliceActor, productInput("Teapot", []))).id;
    const { id } = await addProductImage(northDb, storage, aliceActor, product, { bytes: await makeImage("jpeg", 300, 300, 55), shopId: north.id });
    const row = await northDb.selectFrom("product_media").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(await deleteProducts(northDb, aliceActor, [product])).toEqual([product]);
    await deleteProductImageFiles(storage, north.id, product);
    expect((await storedKeys(north)).filter((k) => k.startsWith(`shops/${north.id}/products/${product}/`))).toEqual([]);
    expect((await get("north.shops.test", productImageUrl(row, { format: "webp" }))).status).toBe(404);
    // Other products' files stay.
    expect((await storedKeys(north)).some((k) => k.startsWith(`shops/${north.id}/products/${northMug}/`))).toBe(true);
  });

  it("a bulk delete past the 500-product limit removes the files of the products it deleted, and only those", async () => {
    const fillers = await northDb
      .insertInto("products")
      .values(Array.from({ length: 500 }, (_, i) => ({ handle: `filler-${i}`, title: `Filler ${i}` })))
      .returning("id")
      .execute();
    const kept = (await saveProduct(northDb, aliceActor, productInput("Kept Jug", []))).id;
    await addProductImage(northDb, storage, aliceActor, kept, { bytes: await makeImage("jpeg", 300, 300, 57), shopId: north.id });
    const fields: [string, string][] = [["bulkAction", "delete"], ...fillers.map((f): [string, string] => ["ids", f.id]), ["ids", kept]];
    const res = await adminPost(app, aliceCookie, "/admin/north/products", fields);
    expect(res.status).toBe(200);
    expect(res.body).toContain("500 products");
    expect(await northDb.selectFrom("products").select("id").where("id", "=", kept).executeTakeFirst()).toEqual({ id: kept });
    expect((await storedKeys(north)).some((k) => k.startsWith(`shops/${north.id}/products/${kept}/`))).toBe(true);
  });

  it("records every change in the shop's own audit log", async () => {
    const northActions = await auditActions(northDb);
    expect(new Set(northActions)).toEqual(
      new Set(["product.image_added", "product.image_alt_changed", "product.images_reordered", "product.variant_images_changed", "product.image_deleted"]),
    );
    const events = await northDb.selectFrom("audit_events").selectAll().where("action", "=", "product.image_alt_changed").execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_email: "alice@north.example", subject_type: "product", subject_id: northMug });
    expect(events[0].summary).toContain("Red mug, front view");
    const southActions = await auditActions(southDb);
    expect(southActions.filter((a) => a === "product.image_alt_changed")).toEqual([]);
  });
});

describe("downloading images by URL", () => {
  let server: http.Server;
  let base: string;
  let png: Buffer;
  beforeAll(async () => {
    png = await makeImage("png", 240, 160, 77);
    server = http.createServer((req, res) => {
      if (req.url === "/photo.png") return res.writeHead(200, { "content-type": "image/png" }).end(png);
      if (req.url === "/moved") return res.writeHead(302, { location: "/photo.png" }).end();
      if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
      if (req.url === "/declared-big") return res.writeHead(200, { "content-length": String(50_000) }).end(Buffer.alloc(50_000));
      if (req.url === "/streamed-big") {
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(10_000));
        return res.end();
      }
      if (req.url === "/slow") return; // never answers
      res.writeHead(404).end("nope");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const allow = { allowPrivateNetwork: true };
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => "no error",
      (e: unknown) => (e instanceof ImageRejectedError ? e.reason : `other error: ${e}`),
    );

  it("downloads an image, following redirects, and adds it with its source URL", async () => {
    expect((await fetchImageFromUrl(`${base}/photo.png`, allow)).equals(png)).toBe(true);
    const bytes = await fetchImageFromUrl(`${base}/moved`, allow);
    expect(bytes.equals(png)).toBe(true);
    const { id } = await addProductImage(southDb, storage, bobActor, southPlate, {
      bytes,
      sourceUrl: `${base}/moved`,
      alt: "From the web",
      position: 0,
      shopId: south.id,
    });
    const images = await listProductImages(southDb, southPlate);
    expect(images[0]).toMatchObject({ id, source_url: `${base}/moved`, alt: "From the web", position: 0 });
    expect(images).toHaveLength(2);
  });

  it("explains why a download failed", async () => {
    expect(await reason(fetchImageFromUrl(`${base}/missing.jpg`, allow))).toBe(`could not download ${base}/missing.jpg: the server answered 404 Not Found`);
    expect(await reason(fetchImageFromUrl(`${base}/declared-big`, { ...allow, maxBytes: 20_000 }))).toMatch(/: the file is larger than/);
    expect(await reason(fetchImageFromUrl(`${base}/streamed-big`, { ...allow, maxBytes: 20_000 }))).toMatch(/: the file is larger than/);
    expect(await reason(fetchImageFromUrl(`${base}/slow`, { ...allow, timeoutMs: 300 }))).toMatch(/^could not download .*\/slow: no answer within 300 ms$/);
    expect(await reason(fetchImageFromUrl(`${base}/loop`, allow))).toMatch(/: too many redirects$/);
    expect(await reason(fetchImageFromUrl("ftp://example.com/a.jpg", allow))).toBe(
      "could not download ftp://example.com/a.jpg: only http and https addresses can be downloaded",
    );
    expect(await reason(fetchImageFromUrl("not a url", allow))).toBe("could not download not a url: it is not a web address");
  });

  it("refuses loopback and private-network addresses unless allowed, also behind DNS names and redirects", async () => {
    expect(await reason(fetchImageFromUrl(`${base}/photo.png`))).toMatch(/: 127\.0\.0\.1 is on a private network$/);
    const port = (server.address() as AddressInfo).port;
    expect(await reason(fetchImageFromUrl(`http://localhost:${port}/photo.png`))).toMatch(/: localhost is on a private network \((127\.0\.0\.1|::1)\)$/);
    expect(await reason(fetchImageFromUrl("http://169.254.169.254/latest/meta-data/"))).toMatch(/169\.254\.169\.254 is on a private network$/);
    expect(await reason(fetchImageFromUrl("http://[::ffff:10.0.0.1]/x.png"))).toMatch(/is on a private network$/);
  });
});
