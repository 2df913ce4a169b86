import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Storefront search in PostgreSQL: a weighted full-text vector per product (a generated column:
 * no triggers in shop schemas), the shop's vocabulary for typo tolerance, a SKU prefix index, and
 * units sold per product for the "best selling" sort. pg_trgm is installed once per database by the
 * platform migration 0003_extensions, into `public`.
 */
export const search: TenantMigration = {
  name: "0007_search",
  async up(db, schema) {
    const t = (name: string) => sql.id(schema, name);
    // array_to_string is only STABLE (element output functions may depend on settings), so a
    // generated column can't call it. For text[] nothing depends on settings, which makes this
    // wrapper truly immutable. It lives in the shop's schema so the schema stays self-contained.
    await sql`
      create function ${t("search_tags_text")}(tags text[]) returns text
      language sql immutable parallel safe
      return pg_catalog.array_to_string(tags, ' ')`.execute(db);
    // Title A (stemmed, plus unstemmed so "runni" still prefix-matches "running"), tags and
    // product type B, vendor C, description D (tags and entities stripped).
    await sql`
      alter table ${t("products")}
        add column search_vector tsvector generated always as (
          setweight(to_tsvector('pg_catalog.english', title), 'A') ||
          setweight(to_tsvector('pg_catalog.simple', title), 'A') ||
          setweight(to_tsvector('pg_catalog.english', ${t("search_tags_text")}(tags) || ' ' || product_type), 'B') ||
          setweight(to_tsvector('pg_catalog.english', vendor), 'C') ||
          setweight(to_tsvector('pg_catalog.english', regexp_replace(description_html, '<[^>]*>|&[#a-z0-9]+;', ' ', 'gi')), 'D')
        ) stored`.execute(db);
    await sql`create index products_search_vector_idx on ${t("products")} using gin (search_vector)`.execute(db);
    // Exact and prefix SKU lookups, case-insensitive, whatever the database's collation.
    await sql`create index variants_sku_lower_idx on ${t("variants")} (lower(sku) text_pattern_ops) where sku <> ''`.execute(db);
    // Price and stock per product without visiting the heap (filters, facets, price sort).
    await sql`create index variants_search_idx on ${t("variants")} (product_id) include (price, inventory_quantity, continue_selling)`.execute(db);
    // Option names and values per product from the index alone (option facets and filters).
    await sql`create index product_options_search_idx on ${t("product_options")} (product_id) include (name, option_values)`.execute(db);

    // The shop's vocabulary: every lexeme of its active products' vectors, with how many products
    // have it. Typo tolerance looks terms up here (known? else which words look like it?) rather
    // than in products: a few thousand rows instead of the catalogue. Rebuilt by refreshSearchWords
    // (shop/search.server.ts) when products changed since; C collation so LIKE 'swea%' uses the key.
    await sql`
      create table ${t("search_words")} (
        word text collate "C" primary key,
        products int not null check (products > 0)
      )`.execute(db);
    await sql`create index search_words_trgm_idx on ${t("search_words")} using gin (word public.gin_trgm_ops)`.execute(db);
    // Units sold per product, recomputed from order lines by refreshProductSales when older than a
    // few minutes, so sorting by best selling never aggregates order lines.
    await sql`
      create table ${t("product_sales")} (
        product_id bigint primary key references ${t("products")} (id) on delete cascade,
        units_sold bigint not null check (units_sold > 0)
      )`.execute(db);
    await sql`
      create table ${t("search_state")} (
        singleton boolean primary key default true check (singleton),
        words_refreshed_at timestamptz not null default '-infinity',
        sales_refreshed_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      insert into ${t("product_sales")} (product_id, units_sold)
      select l.product_id, sum(l.quantity)
      from ${t("order_lines")} l join ${t("orders")} o on o.id = l.order_id
      where l.product_id is not null and o.cancelled_at is null
      group by l.product_id`.execute(db);
    await sql`insert into ${t("search_state")} default values`.execute(db);
  },
};
