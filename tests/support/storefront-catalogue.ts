import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import sharp from "sharp";
import type { Shop } from "../../db/types.ts";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { IMAGE_FORMATS, IMAGE_WIDTHS, prepareImage, saveProductImages, type PreparedImage } from "../../shop/media.server.ts";
import type { MediaStorage } from "../../shop/storage.server.ts";
import { productPhoto, type PhotoObject } from "../../tenants/demo-photos.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { createCollection, createPage, createProduct, launch, setPolicy, variant } from "./storefront.ts";

/**
 * The seeded photos' width: wide enough for two stored widths (160 and 480), small enough that encoding every file's
 * catalogue (AVIF and WebP copies) doesn't weigh on the browser suite.
 */
const SEED_PHOTO_SIZE = 480;

const PREPARED_PHOTOS = path.resolve(".data/test-photos");

/**
 * A seeded photo, prepared (its stored renditions) once per machine and kept on disk: every browser file seeds the
 * same catalogue, and re-encoding it each time was most of a file's setup. The upload path itself is tested by the
 * media tests, which prepare their images as an upload does.
 */
async function preparedPhoto(object: PhotoObject, colour: string, backdrop: string): Promise<PreparedImage> {
  const bytes = await productPhoto(object, colour, backdrop, SEED_PHOTO_SIZE);
  // Keyed by the photo and by what shapes its renditions, so a change to either prepares it again.
  const key = createHash("sha256")
    .update(bytes)
    .update(JSON.stringify([IMAGE_WIDTHS, IMAGE_FORMATS, sharp.versions]))
    .digest("hex");
  const file = path.join(PREPARED_PHOTOS, `${key}.v8`);
  try {
    return deserialize(await readFile(file)) as PreparedImage;
  } catch {
    const prepared = await prepareImage(bytes);
    await mkdir(PREPARED_PHOTOS, { recursive: true });
    // Written aside and renamed: two files seeding at once never read half a photo.
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, serialize(prepared));
    await rename(partial, file);
    return prepared;
  }
}

/** A small, good-looking catalogue for browser checks: options, sale prices, stock states, variant images. */
export async function seedBrowserCatalogue(db: TenantDb, storage: MediaStorage, shop: Shop) {
  await db.updateTable("settings").set({ currency: "USD", contact_email: "hello@lumen.example", headline: "Lumen & Clay" }).execute();
  const image = async (productId: string, object: PhotoObject, colour: string, backdrop: string, alt: string) => {
    const [saved] = await saveProductImages(db, storage, SYSTEM_ACTOR, productId, shop.id, [{ image: await preparedPhoto(object, colour, backdrop), alt }]);
    return saved.id;
  };

  const mug = await createProduct(db, {
    title: "Stoneware Mug",
    handle: "stoneware-mug",
    vendor: "Lumen Studio",
    descriptionHtml:
      "<p>Thrown by hand and glazed in small batches. Every mug is a little different.</p><ul><li>Dishwasher safe</li><li>Holds 8 or 12 oz</li></ul>",
    options: [
      { name: "Colour", values: ["Sand", "Slate"] },
      { name: "Size", values: ["8 oz", "12 oz"] },
    ],
    variants: [
      variant(["Sand", "8 oz"], 2400, { compareAtPrice: 2800 }),
      variant(["Sand", "12 oz"], 2800),
      variant(["Slate", "8 oz"], 2400, { inventoryQuantity: 0 }),
      variant(["Slate", "12 oz"], 2800, { inventoryQuantity: 0, continueSelling: true }),
    ],
  });
  const sand = await image(mug.id, "mug", "#d9b48f", "#efe6da", "Sand stoneware mug");
  const slate = await image(mug.id, "mug", "#4f5d6b", "#e3e7ea", "Slate stoneware mug");
  void sand;
  const mugVariants = await db.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", mug.id).execute();
  await db
    .updateTable("variants")
    .set({ image_id: slate })
    .where(
      "id",
      "in",
      mugVariants.filter((v) => v.option_values[0] === "Slate").map((v) => v.id),
    )
    .execute();

  const candle = await createProduct(db, {
    title: "Beeswax Candle",
    handle: "beeswax-candle",
    vendor: "Lumen Studio",
    descriptionHtml: "<p>Pure beeswax, cotton wick, about 40 hours of warm light.</p>",
    options: [{ name: "Scent", values: ["Honey", "Cedar"] }],
    variants: [variant(["Honey"], 1800), variant(["Cedar"], 1800, { inventoryQuantity: 0 })],
  });
  await image(candle.id, "candle", "#f1d27a", "#f6efe0", "Beeswax candle");

  const rest: [string, string, PhotoObject, string, string, number, number | null, number][] = [
    ["Serving Bowl", "serving-bowl", "bowl", "#a7c4a0", "#e8efe6", 4800, 5600, 4],
    ["Linen Tea Towel", "linen-tea-towel", "cloth", "#c97b63", "#f3e6df", 1600, null, 20],
    ["Ceramic Vase", "ceramic-vase", "vase", "#2f4858", "#e1e8ec", 6400, null, 2],
    ["Olive Wood Spoon", "olive-wood-spoon", "spoon", "#8a6a44", "#efe8dd", 1200, null, 15],
    ["Espresso Cups, Set of Two", "espresso-cups", "cups", "#e8e1d5", "#d9d0c3", 2600, null, 0],
    ["Table Runner", "table-runner", "cloth", "#5b6c8f", "#e6e9f0", 3900, 4500, 8],
  ];
  const ids: Record<string, string> = { mug: mug.id, candle: candle.id };
  for (const [title, handle, object, colour, backdrop, price, compareAt, stock] of rest) {
    const product = await createProduct(db, {
      title,
      handle,
      vendor: "Lumen Studio",
      variants: [variant([], price, { compareAtPrice: compareAt, inventoryQuantity: stock })],
    });
    await image(product.id, object, colour, backdrop, title);
    ids[handle] = product.id;
  }
  await createCollection(
    db,
    "kitchen",
    "Kitchen",
    [mug.id, ids["serving-bowl"], ids["olive-wood-spoon"], ids["espresso-cups"]],
    "<p>Things to cook, serve and sip with.</p>",
  );
  await createCollection(
    db,
    "home",
    "Home",
    [candle.id, ids["ceramic-vase"], ids["table-runner"], ids["linen-tea-towel"]],
    "<p>Quiet pieces for every room.</p>",
  );
  await setPolicy(db, "refund-policy", "<p>Return anything unused within 30 days for a full refund.</p>");
  await setPolicy(db, "shipping-policy", "<p>Orders ship within two working days.</p>");
  await createPage(db, "about", "About us", "<p>A two-person studio making things for slow mornings.</p>");
  await launch(db);
  return ids;
}
