import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Products, options, variants, media and collections. Money is integer minor units in the shop's currency. */
export const catalogue: TenantMigration = {
  name: "0002_catalogue",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("products")} (
        id bigint generated always as identity primary key,
        handle text not null unique check (handle ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        title text not null check (length(title) between 1 and 255),
        description_html text not null default '',
        status text not null default 'draft' check (status in ('draft', 'active', 'archived')),
        vendor text not null default '',
        product_type text not null default '',
        tags text[] not null default '{}',
        seo_title text not null default '',
        seo_description text not null default '',
        published_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index on ${t("products")} (status, updated_at desc)`.execute(db);
    await sql`create index on ${t("products")} using gin (tags)`.execute(db);
    await sql`
      create table ${t("product_handle_redirects")} (
        old_handle text primary key,
        product_id bigint not null references ${t("products")} (id) on delete cascade
      )`.execute(db);
    await sql`
      create table ${t("product_options")} (
        id bigint generated always as identity primary key,
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        position int not null,
        name text not null check (length(name) between 1 and 255),
        option_values text[] not null check (cardinality(option_values) > 0),
        unique (product_id, position),
        unique (product_id, name)
      )`.execute(db);
    await sql`
      create table ${t("product_media")} (
        id bigint generated always as identity primary key,
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        position int not null,
        storage_key text not null,
        source_url text,
        alt text not null default '',
        width int not null,
        height int not null,
        content_type text not null,
        byte_size int not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index on ${t("product_media")} (product_id, position)`.execute(db);
    await sql`
      create table ${t("variants")} (
        id bigint generated always as identity primary key,
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        position int not null,
        option_values text[] not null default '{}',
        sku text not null default '',
        price bigint not null check (price >= 0),
        compare_at_price bigint check (compare_at_price >= 0),
        inventory_quantity int not null default 0,
        continue_selling boolean not null default false,
        weight_grams int not null default 0 check (weight_grams >= 0),
        image_id bigint references ${t("product_media")} (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (product_id, option_values)
      )`.execute(db);
    await sql`create index on ${t("variants")} (product_id, position)`.execute(db);
    await sql`create index on ${t("variants")} (sku) where sku <> ''`.execute(db);
    await sql`
      create table ${t("collections")} (
        id bigint generated always as identity primary key,
        handle text not null unique check (handle ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        title text not null check (length(title) between 1 and 255),
        description_html text not null default '',
        kind text not null check (kind in ('manual', 'automated')),
        rules jsonb not null default '[]',
        rules_match text not null default 'all' check (rules_match in ('all', 'any')),
        parent_id bigint references ${t("collections")} (id) on delete set null check (parent_id <> id),
        seo_title text not null default '',
        seo_description text not null default '',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table ${t("collection_products")} (
        collection_id bigint not null references ${t("collections")} (id) on delete cascade,
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        position int not null,
        primary key (collection_id, product_id)
      )`.execute(db);
    await sql`create index on ${t("collection_products")} (product_id)`.execute(db);
  },
};
