/**
 * The summary of a product's variants and options kept on its row (min_price, max_price,
 * available, option_pairs; tenants/migrations/0011_product_search_summary.ts), which storefront
 * search filters, sorts and counts facets by. Shop schemas have no triggers, so whatever writes
 * variants or product options calls refreshProductSummary in the same transaction.
 */
import { sql } from "kysely";
import type { TenantDb } from "../tenants/handle.server.ts";

function summarise(db: TenantDb) {
  return db.updateTable("products as p").set((eb) => ({
    min_price: eb
      .selectFrom("variants as v")
      .select((v) => v.fn.min("v.price").as("min_price"))
      .whereRef("v.product_id", "=", "p.id"),
    max_price: eb
      .selectFrom("variants as v")
      .select((v) => v.fn.max("v.price").as("max_price"))
      .whereRef("v.product_id", "=", "p.id"),
    available: eb
      .exists(
        eb
          .selectFrom("variants as v")
          .select(sql.lit(1).as("one"))
          .whereRef("v.product_id", "=", "p.id")
          .where((v) => v.or([v("v.inventory_quantity", ">", 0), v("v.continue_selling", "=", true)])),
      )
      .$castTo<boolean>(),
    // Same text as the migration's backfill: JSON array text per value, distinct and sorted.
    option_pairs: sql<string[]>`array(${eb
      .selectFrom("product_options as o")
      .crossJoin(sql<{ value: string }>`unnest(o.option_values)`.as<"ov">(sql`ov(value)`))
      .select(sql<string>`pg_catalog.array_to_json(array[o.name, ov.value])::text`.as("pair"))
      .distinct()
      .whereRef("o.product_id", "=", "p.id")
      .orderBy("pair")})`,
  }));
}

/** Recomputes one product's summary from its variants and options; call it in the transaction that changed them. */
export async function refreshProductSummary(db: TenantDb, productId: string): Promise<void> {
  await summarise(db).where("p.id", "=", productId).execute();
}

/** Recomputes every product's summary, for bulk writers (the search benchmark's generator). */
export async function refreshAllProductSummaries(db: TenantDb): Promise<void> {
  await summarise(db).execute();
}
