import { createHash } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { sql, type Selectable } from "kysely";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import type { ProductMediaTable } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { PlanLimitError, type PlanLimit } from "../tenants/plan-limits.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import type { MediaStorage } from "./storage.server.ts";

export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Decoding a bigger image would take hundreds of megabytes of memory. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGES_PER_PRODUCT = 250;
/** Files in one upload; with the per-file limit this bounds what one request can make the server hold. */
export const MAX_IMAGES_PER_UPLOAD = 10;
export const MAX_ALT_LENGTH = 512;
/** Every image is stored at these widths, never wider than it is. */
export const IMAGE_WIDTHS: readonly number[] = [160, 480, 960, 1600];
/** Very tall images are capped too, so a strip 1,600 wide and 40,000 high doesn't get stored whole. */
const MAX_HEIGHT = 4800;
export const IMAGE_FORMATS = ["avif", "webp"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const ACCEPTED_IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/avif"] as const;
const FORMAT_CONTENT_TYPES: Record<ImageFormat, string> = { avif: "image/avif", webp: "image/webp" };
const ACCEPTED_NAMES = "a JPEG, PNG, WebP or AVIF image";

export type ProductImage = Selectable<ProductMediaTable>;

/** Why an image (or a change to one) was refused, in words a merchant can act on. */
export class ImageRejectedError extends Error {
  constructor(
    readonly reason: string,
    /** The form field the reason belongs to. */
    readonly field: "image" | "alt" | "order" = "image",
  ) {
    super(reason);
    this.name = "ImageRejectedError";
  }
}

/** The product, image or variant isn't in this shop: routes answer 404. */
export class MediaNotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "MediaNotFoundError";
  }
}

// ---------------------------------------------------------------------------
// Checking and resizing

type SourceFormat = "jpeg" | "png" | "webp" | "avif";
const SOURCE_CONTENT_TYPES: Record<SourceFormat, (typeof ACCEPTED_IMAGE_TYPES)[number]> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
};

/** An upload that passed every check, with its renditions ready to store. */
export interface PreparedImage {
  /** SHA-256 of the uploaded bytes (first 32 hex digits): the image's address in storage. */
  hash: string;
  contentType: (typeof ACCEPTED_IMAGE_TYPES)[number];
  byteSize: number;
  /** Of the largest stored rendition, after EXIF rotation. */
  width: number;
  height: number;
  renditions: { width: number; format: ImageFormat; body: Buffer }[];
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString("latin1");
}

/** The format the bytes really are, from their signature; the file name and declared type mean nothing. */
function sniffFormat(bytes: Buffer): SourceFormat {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
    const brands = [ascii(bytes, 8, 12)];
    for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
    if (brands.includes("avif") || brands.includes("avis")) return "avif";
    if (brands.some((b) => ["heic", "heix", "hevc", "heim", "heis", "mif1"].includes(b))) {
      throw new ImageRejectedError(`HEIC photos aren't supported: export the photo as ${ACCEPTED_NAMES.slice(2)} first.`);
    }
  }
  if (ascii(bytes, 0, 4) === "GIF8") throw new ImageRejectedError(`GIF images aren't supported: upload ${ACCEPTED_NAMES}.`);
  const text = bytes
    .subarray(0, 512)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (text.startsWith("<")) {
    throw new ImageRejectedError(`This file is text (HTML, SVG or XML), not a picture: upload ${ACCEPTED_NAMES}.`);
  }
  throw new ImageRejectedError(`This file is not ${ACCEPTED_NAMES}.`);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** Stored widths for an image `width` pixels wide: the standard ones below it, then its own width (capped). */
export function renditionWidths(width: number): number[] {
  const largest = Math.min(width, IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1]);
  return [...IMAGE_WIDTHS.filter((w) => w < largest), largest];
}

/**
 * Checks that the bytes are a JPEG, PNG, WebP or AVIF image by decoding them,
 * then renders WebP and AVIF copies at the standard widths. Re-encoding drops
 * EXIF and every other piece of metadata (after applying the EXIF rotation).
 */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  if (!bytes.length) throw new ImageRejectedError("The file is empty.");
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new ImageRejectedError(`The file is ${megabytes(bytes.length)}; images can be at most ${megabytes(MAX_IMAGE_BYTES)}.`);
  }
  const format = sniffFormat(bytes);
  const unreadable = () => new ImageRejectedError(`The image could not be read: the file may be damaged or incomplete. Upload ${ACCEPTED_NAMES}.`);

  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch {
    throw unreadable();
  }
  const decodedAs = metadata.format === "heif" && metadata.compression === "av1" ? "avif" : metadata.format;
  if (decodedAs !== format || !metadata.width || !metadata.height) throw unreadable();
  if (metadata.width * metadata.height > MAX_IMAGE_PIXELS) {
    throw new ImageRejectedError(
      `The image is ${metadata.width} × ${metadata.height} pixels; images can have at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.`,
    );
  }

  // Decode once, at the largest stored size; every rendition is made from these pixels.
  let master: { data: Buffer; info: OutputInfo };
  try {
    master = await sharp(bytes, { failOn: "error", limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .resize({ width: IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1], height: MAX_HEIGHT, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw unreadable();
  }
  const raw = { width: master.info.width, height: master.info.height, channels: master.info.channels as 1 | 2 | 3 | 4 };
  const renditions: PreparedImage["renditions"] = [];
  for (const width of renditionWidths(raw.width)) {
    const resized = sharp(master.data, { raw }).resize({ width });
    renditions.push({ width, format: "webp", body: await resized.clone().webp({ quality: 82 }).toBuffer() });
    renditions.push({ width, format: "avif", body: await resized.clone().avif({ quality: 55, effort: 2 }).toBuffer() });
  }
  return {
    hash: createHash("sha256").update(bytes).digest("hex").slice(0, 32),
    contentType: SOURCE_CONTENT_TYPES[format],
    byteSize: bytes.length,
    width: raw.width,
    height: raw.height,
    renditions,
  };
}

// ---------------------------------------------------------------------------
// Storage keys and URLs

const ID = /^\d{1,19}$/;

/** Every key starts with the shop's registry id, so two shops never share a file. */
function imageFolder(shopId: string, productId: string, hash: string): string {
  if (!ID.test(shopId) || !ID.test(productId)) throw new Error("Media keys need numeric shop and product ids.");
  return `shops/${shopId}/products/${productId}/${hash}`;
}

function renditionKey(folder: string, width: number, format: ImageFormat): string {
  return `${folder}/${width}.${format}`;
}

/** The part of a storage key after `shops/<id>/`: what media URLs carry. */
function keyPath(storageKey: string): string {
  return storageKey.replace(/^shops\/\d+\//, "");
}

export interface ImageUrlOptions {
  /** The smallest stored width at least this wide (or the largest there is). Default: the largest. */
  width?: number;
  /** Unset: the server picks AVIF or WebP from the browser's Accept header. */
  format?: ImageFormat;
  /** Admin URL on the platform host (for the shop with this slug) instead of the storefront's /media. */
  adminSlug?: string;
}

/**
 * A product image's URL, relative to the storefront host (`/media/…`) or, with
 * `adminSlug`, to the platform host (`/admin/<slug>/media/…`). URLs never
 * change their bytes, so they are cached for a year.
 */
export function productImageUrl(image: Pick<ProductImage, "storage_key" | "width">, options: ImageUrlOptions = {}): string {
  const widths = renditionWidths(image.width);
  const width = options.width === undefined ? widths[widths.length - 1] : (widths.find((w) => w >= options.width!) ?? widths[widths.length - 1]);
  const file = `${keyPath(image.storage_key)}/${width}${options.format ? `.${options.format}` : ""}`;
  return options.adminSlug ? `/admin/${options.adminSlug}/media/${file}` : `/media/${file}`;
}

/** A `srcset` listing every stored width. */
export function productImageSrcSet(image: Pick<ProductImage, "storage_key" | "width">, options: Omit<ImageUrlOptions, "width"> = {}): string {
  return renditionWidths(image.width)
    .map((width) => `${productImageUrl(image, { ...options, width })} ${width}w`)
    .join(", ");
}

const MEDIA_PATH = /^products\/(\d{1,19})\/([0-9a-f]{32})\/(\d{1,5})(?:\.(avif|webp))?$/;

/** AVIF when the browser says it takes it, otherwise WebP (which every current browser shows). */
export function preferredFormat(accept: string | null): ImageFormat {
  const takesAvif = (accept ?? "").split(",").some((range) => {
    const [type, ...params] = range.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    return type === "image/avif" && (!q || Number(q.slice(2)) > 0);
  });
  return takesAvif ? "avif" : "webp";
}

/**
 * Answers a request for `/media/<path>` from the shop `shopId`'s own files:
 * the key is built from the registry's shop id, so another shop's path finds
 * nothing and gets a 404.
 */
export async function mediaResponse(
  storage: MediaStorage,
  shopId: string,
  path: string,
  request: Request,
  { cache }: { cache: "public" | "private" },
): Promise<Response> {
  const match = MEDIA_PATH.exec(path);
  if (!match) return new Response("Not found", { status: 404 });
  const [, productId, hash, width, explicitFormat] = match;
  const format: ImageFormat = (explicitFormat as ImageFormat | undefined) ?? preferredFormat(request.headers.get("accept"));
  const etag = `"${hash}-${width}-${format}"`;
  const headers = new Headers({
    "Cache-Control": `${cache}, max-age=31536000, immutable`,
    ETag: etag,
    "Content-Type": FORMAT_CONTENT_TYPES[format],
    "X-Content-Type-Options": "nosniff",
  });
  if (!explicitFormat) headers.set("Vary", "Accept");

  const body = await storage.get(renditionKey(imageFolder(shopId, productId, hash), Number(width), format));
  if (!body) return new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag))) {
    headers.delete("Content-Type");
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Length", String(body.length));
  return new Response(new Uint8Array(body), { status: 200, headers });
}

// ---------------------------------------------------------------------------
// A product's images

export function listProductImages(db: TenantDb, productId: string): Promise<ProductImage[]> {
  return db.selectFrom("product_media").selectAll().where("product_id", "=", productId).orderBy("position").orderBy("id").execute();
}

/** What the media page shows: the product, its images in order and its variants with their images. */
export async function loadProductMedia(db: TenantDb, productId: string) {
  if (!ID.test(productId)) return null;
  const product = await db.selectFrom("products").select(["id", "title", "handle"]).where("id", "=", productId).executeTakeFirst();
  if (!product) return null;
  const [images, variants] = await Promise.all([
    listProductImages(db, productId),
    db
      .selectFrom("variants")
      .select(["id", "option_values", "sku", "image_id"])
      .where("product_id", "=", productId)
      .orderBy("position")
      .orderBy("id")
      .execute(),
  ]);
  return { product, images, variants };
}

function checkAlt(alt: string): string {
  const clean = alt.trim().replace(/\s+/g, " ");
  if (clean.length > MAX_ALT_LENGTH) throw new ImageRejectedError(`Use at most ${MAX_ALT_LENGTH} characters of alt text.`, "alt");
  return clean;
}

/** Locks the product row, so concurrent image changes to one product queue up instead of racing positions. */
async function lockProduct(trx: TenantDb, productId: string): Promise<{ id: string; title: string }> {
  if (!ID.test(productId)) throw new MediaNotFoundError("Product");
  const product = await trx.selectFrom("products").select(["id", "title"]).where("id", "=", productId).forUpdate().executeTakeFirst();
  if (!product) throw new MediaNotFoundError("Product");
  return product;
}

async function writePositions(trx: TenantDb, productId: string, orderedIds: string[]): Promise<void> {
  const current = new Map(
    (await trx.selectFrom("product_media").select(["id", "position"]).where("product_id", "=", productId).execute()).map((r) => [r.id, r.position]),
  );
  for (const [position, id] of orderedIds.entries()) {
    if (current.get(id) !== position) await trx.updateTable("product_media").set({ position }).where("id", "=", id).execute();
  }
}

export interface NewProductImage {
  image: PreparedImage;
  alt?: string;
  /** 0-based place among the product's images; unset or past the end: last. */
  position?: number;
  /** Where the image was downloaded from (CSV imports). */
  sourceUrl?: string;
}

/**
 * Stores prepared images and adds them to a product, in one transaction with
 * their audit events. An image the product already has (same bytes) is not
 * added twice: its existing id comes back with `duplicate: true`.
 */
export async function saveProductImages(
  db: TenantDb,
  storage: MediaStorage,
  actor: Actor,
  productId: string,
  shopId: string,
  images: NewProductImage[],
  { storageLimit }: { storageLimit?: PlanLimit } = {},
): Promise<{ id: string; duplicate: boolean }[]> {
  const alts = images.map((i) => checkAlt(i.alt ?? ""));
  if (!ID.test(productId) || !(await db.selectFrom("products").select("id").where("id", "=", productId).executeTakeFirst())) {
    throw new MediaNotFoundError("Product");
  }
  const folders = images.map((i) => imageFolder(shopId, productId, i.image.hash));
  // Files first: a row must never point at files that aren't there. Same bytes, same keys, so rewriting is harmless.
  for (const [n, { image }] of images.entries()) {
    await Promise.all(image.renditions.map((r) => storage.put(renditionKey(folders[n], r.width, r.format), r.body, FORMAT_CONTENT_TYPES[r.format])));
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const product = await lockProduct(trx, productId);
      const existing = await trx
        .selectFrom("product_media")
        .select(["id", "storage_key"])
        .where("product_id", "=", productId)
        .orderBy("position")
        .orderBy("id")
        .execute();
      const byKey = new Map(existing.map((row) => [row.storage_key, row.id]));
      if (storageLimit)
        await refuseBeyondStorageLimit(
          trx,
          storageLimit,
          images.filter((_, n) => !byKey.has(folders[n])),
        );
      const order = existing.map((row) => row.id);
      const results: { id: string; duplicate: boolean }[] = [];
      for (const [n, { image, position, sourceUrl }] of images.entries()) {
        const known = byKey.get(folders[n]);
        if (known) {
          results.push({ id: known, duplicate: true });
          continue;
        }
        if (order.length >= MAX_IMAGES_PER_PRODUCT) throw new ImageRejectedError(`A product can have at most ${MAX_IMAGES_PER_PRODUCT} images.`);
        const row = await trx
          .insertInto("product_media")
          .values({
            product_id: productId,
            position: order.length,
            storage_key: folders[n],
            source_url: sourceUrl ?? null,
            alt: alts[n],
            width: image.width,
            height: image.height,
            content_type: image.contentType,
            byte_size: image.byteSize,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const at = position === undefined ? order.length : Math.max(0, Math.min(Math.trunc(position), order.length));
        order.splice(at, 0, row.id);
        byKey.set(folders[n], row.id);
        results.push({ id: row.id, duplicate: false });
        await recordAudit(trx, actor, {
          action: "product.image_added",
          subjectType: "product",
          subjectId: productId,
          summary: `${product.title}: image ${row.id} added${sourceUrl ? ` from ${sourceUrl.slice(0, 200)}` : ""}`,
        });
      }
      await writePositions(trx, productId, order);
      return results;
    });
  } catch (error) {
    // Remove the files no row points at (another upload of the same bytes may have won).
    const kept = new Set(
      (await db.selectFrom("product_media").select("storage_key").where("product_id", "=", productId).execute()).map((row) => row.storage_key),
    );
    for (const folder of new Set(folders)) if (!kept.has(folder)) await storage.delete(`${folder}/`);
    throw error;
  }
}

/** The plan's storage limit (MB) against the shop's stored images plus these; the settings row serialises uploads. */
async function refuseBeyondStorageLimit(trx: TenantDb, limit: PlanLimit, added: NewProductImage[]): Promise<void> {
  await trx.selectFrom("settings").select("singleton").forUpdate().execute();
  const { bytes } = await trx
    .selectFrom("product_media")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("byte_size"), sql<string>`0`).as("bytes"))
    .executeTakeFirstOrThrow();
  const adding = added.reduce((sum, { image }) => sum + image.byteSize, 0);
  if (Number(bytes) + adding > limit.max * 1024 * 1024) throw new PlanLimitError("storage", limit.max, limit.planName);
}

/**
 * Checks, resizes, stores and adds one image to a product. Throws
 * ImageRejectedError (with a reason to show) for anything that isn't a usable
 * JPEG, PNG, WebP or AVIF image, and MediaNotFoundError for an unknown product.
 */
export async function addProductImage(
  db: TenantDb,
  storage: MediaStorage,
  actor: Actor,
  productId: string,
  input: { bytes: Buffer; alt?: string; position?: number; sourceUrl?: string; shopId: string },
  limits: { storageLimit?: PlanLimit } = {},
): Promise<{ id: string; duplicate: boolean }> {
  const image = await prepareImage(input.bytes);
  const [result] = await saveProductImages(
    db,
    storage,
    actor,
    productId,
    input.shopId,
    [{ image, alt: input.alt, position: input.position, sourceUrl: input.sourceUrl }],
    limits,
  );
  return result;
}

export async function updateImageAlt(db: TenantDb, actor: Actor, productId: string, imageId: string, alt: string): Promise<void> {
  const clean = checkAlt(alt);
  await db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    if (!ID.test(imageId)) throw new MediaNotFoundError("Image");
    const updated = await trx.updateTable("product_media").set({ alt: clean }).where("id", "=", imageId).where("product_id", "=", productId).executeTakeFirst();
    if (!updated.numUpdatedRows) throw new MediaNotFoundError("Image");
    await recordAudit(trx, actor, {
      action: "product.image_alt_changed",
      subjectType: "product",
      subjectId: productId,
      summary: `${product.title}: image ${imageId} alt text ${clean ? `“${clean.slice(0, 100)}”` : "removed"}`,
    });
  });
}

/** Puts the product's images in this order; `orderedIds` must name each of them exactly once. */
export async function reorderImages(db: TenantDb, actor: Actor, productId: string, orderedIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    const current = (await listProductImages(trx, productId)).map((row) => row.id);
    const same = orderedIds.length === current.length && new Set(orderedIds).size === current.length && orderedIds.every((id) => current.includes(id));
    if (!same) throw new ImageRejectedError("The images changed while you were reordering them: reload the page and try again.", "order");
    await writePositions(trx, productId, orderedIds);
    await recordAudit(trx, actor, {
      action: "product.images_reordered",
      subjectType: "product",
      subjectId: productId,
      summary: `${product.title}: images reordered`,
    });
  });
}

/** Moves one image a place earlier or later (the no-JavaScript way to reorder). */
export async function moveImage(db: TenantDb, actor: Actor, productId: string, imageId: string, direction: "up" | "down"): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    const order = (await listProductImages(trx, productId)).map((row) => row.id);
    const from = order.indexOf(imageId);
    if (from < 0) throw new MediaNotFoundError("Image");
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= order.length) return;
    [order[from], order[to]] = [order[to], order[from]];
    await writePositions(trx, productId, order);
    await recordAudit(trx, actor, {
      action: "product.images_reordered",
      subjectType: "product",
      subjectId: productId,
      summary: `${product.title}: image ${imageId} moved ${direction}`,
    });
  });
}

/** Removes an image from a product (variants showing it fall back to none) and then its files. */
export async function deleteImage(db: TenantDb, storage: MediaStorage, actor: Actor, productId: string, imageId: string): Promise<void> {
  const removed = await db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    if (!ID.test(imageId)) throw new MediaNotFoundError("Image");
    const row = await trx.deleteFrom("product_media").where("id", "=", imageId).where("product_id", "=", productId).returning("storage_key").executeTakeFirst();
    if (!row) throw new MediaNotFoundError("Image");
    await writePositions(
      trx,
      productId,
      (await listProductImages(trx, productId)).map((r) => r.id),
    );
    await recordAudit(trx, actor, {
      action: "product.image_deleted",
      subjectType: "product",
      subjectId: productId,
      summary: `${product.title}: image ${imageId} deleted`,
    });
    return row.storage_key;
  });
  // After the commit: if this fails, the files are orphaned, never a row left without files.
  await storage.delete(`${removed}/`);
}

/** What the product editor posts about a product's images: the kept ones in their new order with their alt text, and removals. */
export interface ImageEdits {
  kept: { id: string; alt: string }[];
  removed: string[];
}

/** Checks every alt text before anything is stored, so a refused edit changes nothing. */
export function checkImageEdits(edits: ImageEdits, added: { alt?: string }[]): void {
  for (const { alt } of [...edits.kept, ...added]) checkAlt(alt ?? "");
}

/**
 * The product editor's image changes, saved with the product: removals, alt text and order in one
 * transaction (the posted list must name each current image once, or the images changed meanwhile),
 * then the new uploads after them. Files of removed images go after the commit. `edits` is null when
 * the form didn't list the product's images (a product created with its first images).
 */
export async function saveImageEdits(
  db: TenantDb,
  storage: MediaStorage,
  actor: Actor,
  productId: string,
  shopId: string,
  edits: ImageEdits | null,
  added: NewProductImage[],
  options: { storageLimit?: PlanLimit } = {},
): Promise<void> {
  if (edits) await saveExistingImageEdits(db, storage, actor, productId, edits, added);
  if (added.length) await saveProductImages(db, storage, actor, productId, shopId, added, options);
}

async function saveExistingImageEdits(db: TenantDb, storage: MediaStorage, actor: Actor, productId: string, edits: ImageEdits, added: NewProductImage[]) {
  checkImageEdits(edits, added);
  const removedKeys = await db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    const current = await listProductImages(trx, productId);
    const posted = [...edits.kept.map((k) => k.id), ...edits.removed];
    const same = posted.length === current.length && new Set(posted).size === posted.length && current.every((row) => posted.includes(row.id));
    if (!same) throw new ImageRejectedError("The images changed while you were editing them: reload the page and try again.", "order");
    const removed = current.filter((row) => edits.removed.includes(row.id));
    if (removed.length) await trx.deleteFrom("product_media").where("product_id", "=", productId).where("id", "in", edits.removed).execute();
    for (const { id, alt } of edits.kept) {
      const clean = checkAlt(alt);
      if (current.find((row) => row.id === id)?.alt !== clean) await trx.updateTable("product_media").set({ alt: clean }).where("id", "=", id).execute();
    }
    await writePositions(
      trx,
      productId,
      edits.kept.map((k) => k.id),
    );
    const changed = removed.length || current.some((row, n) => edits.kept[n]?.id !== row.id || edits.kept[n]?.alt !== row.alt);
    if (changed)
      await recordAudit(trx, actor, {
        action: "product.images_edited",
        subjectType: "product",
        subjectId: productId,
        summary: `${product.title}: images edited${removed.length ? `, ${removed.length} removed` : ""}`,
      });
    return removed.map((row) => row.storage_key);
  });
  for (const key of removedKeys) await storage.delete(`${key}/`);
}

/** Removes every stored file of a product's images; call after deleting the product. */
export async function deleteProductImageFiles(storage: MediaStorage, shopId: string, productId: string): Promise<void> {
  if (!ID.test(shopId) || !ID.test(productId)) throw new Error("Media keys need numeric shop and product ids.");
  await storage.delete(`shops/${shopId}/products/${productId}/`);
}

/** Sets which image each listed variant shows (null: none). Variants and images must belong to the product. */
export async function setVariantImages(
  db: TenantDb,
  actor: Actor,
  productId: string,
  assignments: { variantId: string; imageId: string | null }[],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const product = await lockProduct(trx, productId);
    const variants = new Map(
      (await trx.selectFrom("variants").select(["id", "image_id"]).where("product_id", "=", productId).execute()).map((v) => [v.id, v.image_id]),
    );
    const images = new Set((await listProductImages(trx, productId)).map((row) => row.id));
    let changed = 0;
    for (const { variantId, imageId } of assignments) {
      if (!variants.has(variantId)) throw new MediaNotFoundError("Variant");
      if (imageId !== null && !images.has(imageId)) throw new MediaNotFoundError("Image");
      if (variants.get(variantId) === imageId) continue;
      await trx.updateTable("variants").set({ image_id: imageId, updated_at: new Date() }).where("id", "=", variantId).execute();
      changed++;
    }
    if (changed) {
      await recordAudit(trx, actor, {
        action: "product.variant_images_changed",
        subjectType: "product",
        subjectId: productId,
        summary: `${product.title}: image changed on ${changed} variant${changed === 1 ? "" : "s"}`,
      });
    }
    return changed;
  });
}

// ---------------------------------------------------------------------------
// Downloading images (CSV imports)

// Loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast and reserved ranges.
const PRIVATE_NETWORKS = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  PRIVATE_NETWORKS.addSubnet(address, prefix, "ipv4");
// IPv4-mapped and NAT64 forms would smuggle any IPv4 address past the list above.
for (const [address, prefix] of [
  ["::", 127],
  ["::ffff:0:0", 96],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE_NETWORKS.addSubnet(address, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (!family) return true;
  return PRIVATE_NETWORKS.check(address, family === 4 ? "ipv4" : "ipv6");
}

class DownloadError extends Error {}

/** DNS lookup that refuses private addresses, checked on the address actually connected to. */
function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new DownloadError(`${hostname} is on a private network (${refused.address})`));
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

const MAX_REDIRECTS = 5;

export interface FetchImageOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Allow loopback and private-network addresses. Off by default so an import
   * can't be used to reach the server's own network; MEDIA_FETCH_ALLOW_PRIVATE=1
   * turns it on for a whole process (tests, intranet image hosts).
   */
  allowPrivateNetwork?: boolean;
}

/**
 * Downloads an image for a product (the "Image Src" column of a CSV import).
 * Only the bytes come back; call addProductImage to check and store them.
 * Throws ImageRejectedError("could not download <url>: <why>") when it can't.
 */
export async function fetchImageFromUrl(url: string, options: FetchImageOptions = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const allowPrivate = options.allowPrivateNetwork ?? ["1", "true", "yes"].includes((process.env.MEDIA_FETCH_ALLOW_PRIVATE ?? "").toLowerCase());
  const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
  const fail = (why: string) => new ImageRejectedError(`could not download ${shown}: ${why}`);

  const deadline = AbortSignal.timeout(timeoutMs);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw fail("it is not a web address");
  }
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") throw fail("only http and https addresses can be downloaded");
    const host = current.hostname.replace(/^\[|\]$/g, "");
    // Node skips the lookup for literal addresses, so check those here.
    if (!allowPrivate && net.isIP(host) && isPrivateAddress(host)) throw fail(`${host} is on a private network`);
    let answer: { status: number; location?: string; body?: Buffer };
    try {
      answer = await download(current, { signal: deadline, maxBytes, lookup: allowPrivate ? undefined : publicOnlyLookup });
    } catch (error) {
      if (deadline.aborted) throw fail(`no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} seconds`}`);
      if (error instanceof DownloadError) throw fail(error.message);
      const { code, message } = error as NodeJS.ErrnoException;
      throw fail(code === "ENOTFOUND" ? `the host ${host} doesn't exist` : (code ?? message));
    }
    if (answer.location !== undefined) {
      if (redirects >= MAX_REDIRECTS) throw fail("too many redirects");
      try {
        current = new URL(answer.location, current);
      } catch {
        throw fail("the server redirected to an invalid address");
      }
      continue;
    }
    if (answer.status < 200 || answer.status > 299) throw fail(`the server answered ${answer.status} ${http.STATUS_CODES[answer.status] ?? ""}`.trim());
    return answer.body!;
  }
}

function download(
  url: URL,
  { signal, maxBytes, lookup }: { signal: AbortSignal; maxBytes: number; lookup?: typeof publicOnlyLookup },
): Promise<{ status: number; location?: string; body?: Buffer }> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        signal,
        lookup: lookup as net.LookupFunction | undefined,
        headers: { accept: "image/avif,image/webp,image/png,image/jpeg,*/*;q=0.5", "user-agent": "Bazaar image import" },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
          response.resume();
          return resolve({ status, location: response.headers.location });
        }
        if (status < 200 || status > 299) {
          response.resume();
          return resolve({ status });
        }
        const tooLarge = () => new DownloadError(`the file is larger than ${megabytes(maxBytes)}`);
        if (Number(response.headers["content-length"] ?? 0) > maxBytes) {
          response.destroy();
          return reject(tooLarge());
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            reject(tooLarge());
          } else chunks.push(chunk);
        });
        response.on("end", () => resolve({ status, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
  });
}
