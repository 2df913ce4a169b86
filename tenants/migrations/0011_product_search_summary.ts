import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * A summary of each product's variants and options on the product row itself, so storefront
 * search filters, sorts and counts facets from one row per match instead of joining variants and
 * options (about 6 µs per matching product). No triggers in shop schemas: the code that writes
 * variants or options recomputes it in the same transaction (refreshProductSummary in
 * shop/product-summary.server.ts). Existing products are summarised here.
 *
 * option_pairs holds one JSON array text per option value, `["Color","Red"]`: unambiguous
 * whatever characters a merchant puts in names and values, and comparable as plain text.
 */
export const productSearchSummary: TenantMigration = {
  name: "0011_product_search_summary",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      alter table ${t("products")}
        add column min_price bigint,
        add column max_price bigint,
        add column available boolean not null default false,
        add column option_pairs text[] not null default '{}'`.execute(db);
    await sql`
      update ${t("products")} p set
        min_price = v.min_price,
        max_price = v.max_price,
        available = v.available,
        option_pairs = array(
          select distinct pg_catalog.array_to_json(array[o.name, value])::text
          from ${t("product_options")} o cross join unnest(o.option_values) value
          where o.product_id = p.id
          order by 1)
      from (
        select pr.id, min(va.price) as min_price, max(va.price) as max_price,
          coalesce(bool_or(va.inventory_quantity > 0 or va.continue_selling), false) as available
        from ${t("products")} pr left join ${t("variants")} va on va.product_id = pr.id
        group by pr.id
      ) v
      where v.id = p.id`.execute(db);
  },
};
