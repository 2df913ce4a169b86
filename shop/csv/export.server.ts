import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { ProductMediaTable } from "../../db/types.ts";
import type { Selectable } from "kysely";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { productToRows, SHOPIFY_COLUMNS, type ExportProduct } from "./shopify-format.ts";
import type { ExportReport, FailedReport } from "./transfers.server.ts";

export interface ExportOptions {
  currency: string;
  /** The absolute address of a stored image, written to Image Src so another shop can download it. */
  imageUrl: (image: Pick<Selectable<ProductMediaTable>, "storage_key" | "width">) => string;
}

/** Products read per round trip: a few queries per batch, and only one batch in memory. */
const BATCH = 200;

/** The catalogue as Shopify CSV records, header first, reading the products a batch at a time in id order. */
export async function* productCsvRecords(db: TenantDb, { currency, imageUrl }: ExportOptions, tally?: ExportReport): AsyncGenerator<string[]> {
  yield [...SHOPIFY_COLUMNS];
  let after = "0";
  for (;;) {
    const products = await db.selectFrom("products").selectAll().where("id", ">", after).orderBy("id").limit(BATCH).execute();
    if (!products.length) return;
    const ids = products.map((p) => p.id);
    const [options, variants, media] = await Promise.all([
      db
        .selectFrom("product_options")
        .select(["product_id", "name", "option_values"])
        .where("product_id", "in", ids)
        .orderBy("product_id")
        .orderBy("position")
        .execute(),
      db.selectFrom("variants").selectAll().where("product_id", "in", ids).orderBy("product_id").orderBy("position").orderBy("id").execute(),
      db
        .selectFrom("product_media")
        .select(["id", "product_id", "storage_key", "width", "alt"])
        .where("product_id", "in", ids)
        .orderBy("product_id")
        .orderBy("position")
        .orderBy("id")
        .execute(),
    ]);
    const byProduct = <T extends { product_id: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) map.set(row.product_id, [...(map.get(row.product_id) ?? []), row]);
      return map;
    };
    const optionsOf = byProduct(options);
    const variantsOf = byProduct(variants);
    const mediaOf = byProduct(media);
    for (const product of products) {
      const images = mediaOf.get(product.id) ?? [];
      const urlOf = new Map(images.map((m) => [m.id, imageUrl(m)]));
      const exported: ExportProduct = {
        handle: product.handle,
        title: product.title,
        descriptionHtml: product.description_html,
        vendor: product.vendor,
        productType: product.product_type,
        tags: product.tags,
        status: product.status,
        seoTitle: product.seo_title,
        seoDescription: product.seo_description,
        options: (optionsOf.get(product.id) ?? []).map((o) => ({ name: o.name, values: o.option_values })),
        variants: (variantsOf.get(product.id) ?? []).map((v) => ({
          optionValues: v.option_values,
          sku: v.sku,
          price: v.price,
          compareAtPrice: v.compare_at_price,
          inventoryQuantity: v.inventory_quantity,
          continueSelling: v.continue_selling,
          weightGrams: v.weight_grams,
          imageUrl: v.image_id ? (urlOf.get(v.image_id) ?? null) : null,
        })),
        images: images.map((m) => ({ url: urlOf.get(m.id)!, alt: m.alt })),
      };
      const rows = productToRows(exported, currency);
      if (tally) {
        tally.products++;
        tally.rows += rows.length;
      }
      yield* rows;
    }
    after = ids[ids.length - 1];
  }
}

/**
 * The catalogue as a Shopify product CSV stream. Reading is paced by the
 * consumer (an HTTP response, standard output), so memory stays at one batch
 * whatever the catalogue's size. `onEnd` hears how it went.
 */
export function exportProductsCsv(db: TenantDb, options: ExportOptions, onEnd?: (outcome: ExportReport | FailedReport) => void): Readable {
  const tally: ExportReport = { products: 0, rows: 0 };
  const output = stringify();
  pipeline(Readable.from(productCsvRecords(db, options, tally)), output, (error) => {
    if (error) console.error("catalogue export failed:", error);
    onEnd?.(error ? { error: "The export stopped before the end." } : tally);
  });
  return output;
}
