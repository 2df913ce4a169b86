import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Recommendations (docs/decisions/027-recommendations.md).
 *
 * `shopper_signals` holds what shoppers did: product views, add-to-carts and purchases, each with the anonymous
 * visitor id of the `bazaar_visitor` cookie and, once known, the customer. Purchases also stay in the order tables;
 * their signal rows carry the visitor of a guest and the recommendation block an order line came from (`source`).
 *
 * `recommendations` is the output of the shop's last job run: ranked products per list and subject (a product for
 * "bought together", a customer `c<id>` or visitor `v<uuid>` for "for you", '' for "trending"). A run replaces all
 * of it in one transaction. There is no foreign key to products: a read joins the live catalogue anyway.
 * `recommendation_rules` are the merchant's pins and exclusions, applied by the job and at once by the admin.
 */
export const recommendations: TenantMigration = {
  name: "0019_recommendations",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("shopper_signals")} (
        id bigint generated always as identity primary key,
        visitor_id uuid,
        customer_id bigint references ${t("customers")} (id) on delete cascade,
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        kind text not null check (kind in ('view', 'cart', 'purchase')),
        source text check (source in ('bought_together', 'for_you', 'trending')),
        cart_id bigint,
        order_id bigint,
        at timestamptz not null default now()
      )`.execute(db);
    await sql`create index shopper_signals_at_idx on ${t("shopper_signals")} (at)`.execute(db);
    await sql`create index shopper_signals_visitor_idx on ${t("shopper_signals")} (visitor_id, at)`.execute(db);
    await sql`create index shopper_signals_customer_idx on ${t("shopper_signals")} (customer_id) where customer_id is not null`.execute(db);
    await sql`create index shopper_signals_cart_idx on ${t("shopper_signals")} (cart_id, product_id) where cart_id is not null`.execute(db);
    await sql`create index shopper_signals_product_idx on ${t("shopper_signals")} (product_id)`.execute(db);
    await sql`
      create table ${t("recommendations")} (
        list text not null check (list in ('bought_together', 'for_you', 'trending')),
        subject text not null,
        product_id bigint not null,
        score double precision not null,
        reason text not null default '',
        primary key (list, subject, product_id)
      )`.execute(db);
    await sql`create index recommendations_ranked_idx on ${t("recommendations")} (list, subject, score desc, product_id)`.execute(db);
    await sql`
      create table ${t("recommendation_rules")} (
        product_id bigint not null references ${t("products")} (id) on delete cascade,
        other_product_id bigint not null references ${t("products")} (id) on delete cascade,
        rule text not null check (rule in ('pin', 'exclude')),
        created_at timestamptz not null default now(),
        primary key (product_id, other_product_id),
        check (product_id <> other_product_id)
      )`.execute(db);
    await sql`create index recommendation_rules_other_idx on ${t("recommendation_rules")} (other_product_id)`.execute(db);
    await sql`
      create table ${t("recommendation_state")} (
        singleton boolean primary key default true check (singleton),
        generation bigint not null default 0,
        computed_at timestamptz,
        took_ms integer,
        signals integer not null default 0,
        repeat_buyers boolean not null default false,
        retention_days integer not null default 180 check (retention_days between 1 and 3650)
      )`.execute(db);
    await sql`insert into ${t("recommendation_state")} default values`.execute(db);
  },
};
