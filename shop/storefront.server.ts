import type { PolicyHandle, ProductMediaTable } from "../db/types.ts";
import { sql, type Selectable } from "kysely";
import type { IntlShape } from "react-intl";
import type {
  HomeSectionData,
  NavLink,
  ProductCardData,
  ProductPageData,
  ProductVariantData,
  StockState,
  StoreImageData,
} from "../app/components/store/types.ts";
import type { HomeSection } from "../themes/settings.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { collectionProductSet, getCollection, listCollectionProducts, type CollectionDetail } from "./collections.server.ts";
import { isHandle } from "./handles.ts";
import { productImageSrcSet, productImageUrl } from "./media.server.ts";
import { resolveProductHandle } from "./products.server.ts";
import { search } from "./search.server.ts";
import type { SearchRequest } from "./search.ts";

/**
 * What shoppers see of the catalogue. Only active products ever leave these
 * functions: drafts and archived products don't exist on the storefront.
 */

export const PRODUCTS_PER_PAGE = 24;

type Media = Pick<Selectable<ProductMediaTable>, "storage_key" | "width" | "height" | "alt">;

export function storeImage(media: Media, fallbackAlt: string): StoreImageData {
  return {
    url: productImageUrl(media, { width: 960 }),
    srcSet: productImageSrcSet(media),
    alt: media.alt || fallbackAlt,
    width: media.width,
    height: media.height,
  };
}

function stockState(variant: { inventory_quantity: number; continue_selling: boolean }): StockState {
  if (variant.inventory_quantity > 0) return "in_stock";
  return variant.continue_selling ? "continue_selling" : "sold_out";
}

/** Cards for these products in the order given, skipping any that aren't active. */
export async function productCards(db: TenantDb, productIds: string[]): Promise<ProductCardData[]> {
  const ids = [...new Set(productIds.filter((id) => /^\d{1,19}$/.test(id)))];
  if (!ids.length) return [];
  const [products, variants, images] = await Promise.all([
    db.selectFrom("products").select(["id", "handle", "title", "vendor"]).where("id", "in", ids).where("status", "=", "active").execute(),
    db
      .selectFrom("variants")
      .select(["product_id", "price", "compare_at_price", "inventory_quantity", "continue_selling"])
      .where("product_id", "in", ids)
      .orderBy("product_id")
      .orderBy("position")
      .execute(),
    db
      .selectFrom("product_media")
      .select(["product_id", "storage_key", "width", "height", "alt"])
      .distinctOn("product_id")
      .where("product_id", "in", ids)
      .orderBy("product_id")
      .orderBy("position")
      .orderBy("id")
      .execute(),
  ]);
  const byId = new Map(products.map((p) => [p.id, p]));
  const imageOf = new Map(images.map((m) => [m.product_id, m]));
  const variantsOf = new Map<string, typeof variants>();
  for (const v of variants) variantsOf.set(v.product_id, [...(variantsOf.get(v.product_id) ?? []), v]);
  return ids.flatMap((id) => {
    const product = byId.get(id);
    const productVariants = variantsOf.get(id) ?? [];
    if (!product || !productVariants.length) return [];
    // The cheapest variant's price leads; its compare-at price shows a sale.
    const cheapest = productVariants.reduce((a, b) => (BigInt(b.price) < BigInt(a.price) ? b : a));
    const image = imageOf.get(id);
    return [
      {
        id,
        handle: product.handle,
        title: product.title,
        vendor: product.vendor,
        price: cheapest.price,
        compareAtPrice: cheapest.compare_at_price,
        priceVaries: productVariants.some((v) => v.price !== cheapest.price),
        available: productVariants.some((v) => stockState(v) !== "sold_out"),
        image: image ? storeImage(image, product.title) : null,
      },
    ];
  });
}

/** A collection by handle, as the storefront shows it. */
export async function findCollectionByHandle(db: TenantDb, handle: string): Promise<CollectionDetail | null> {
  if (!isHandle(handle)) return null;
  const row = await db.selectFrom("collections").select("id").where("handle", "=", handle).executeTakeFirst();
  return row ? getCollection(db, row.id) : null;
}

/**
 * One page of a collection's active products (every active product, newest
 * first, when `collection` is null, i.e. /collections/all). Manual
 * collections keep the merchant's order; automated ones apply their rules.
 */
export async function listStoreProducts(
  db: TenantDb,
  collection: CollectionDetail | null,
  { page = 1, perPage = PRODUCTS_PER_PAGE }: { page?: number; perPage?: number } = {},
): Promise<{ products: ProductCardData[]; hasNext: boolean }> {
  const offset = (page - 1) * perPage;
  let ids: string[];
  if (collection) {
    const { products } = await listCollectionProducts(db, collection, { limit: perPage + 1, offset, status: "active" });
    ids = products.map((p) => p.id);
  } else {
    const rows = await db
      .selectFrom("products")
      .select("id")
      .where("status", "=", "active")
      .orderBy("published_at", (ob) => ob.desc().nullsLast())
      .orderBy("id", "desc")
      .limit(perPage + 1)
      .offset(offset)
      .execute();
    ids = rows.map((r) => r.id);
  }
  return { products: await productCards(db, ids.slice(0, perPage)), hasNext: ids.length > perPage };
}

/**
 * A collection page (/collections/all: every active product) with search's filters, facets and sorts within the
 * collection; its "Featured" sort is the collection's own order.
 *
 * @example
 *   const page = await browseCollection(db, collection, parseSearchRequest(params, money, intl, COLLECTION_SORTS).request);
 */
export async function browseCollection(db: TenantDb, collection: CollectionDetail | null, request: SearchRequest) {
  const within = collection ? await collectionProductSet(db, collection) : undefined;
  const { results, facets } = await search(db, { ...request, query: "" }, { within, pageSize: PRODUCTS_PER_PAGE });
  const products = await productCards(
    db,
    results.products.map((p) => p.id),
  );
  return { products, total: results.total ?? 0, hasNext: results.hasNext, facets };
}

export type ProductLookup = { kind: "found"; product: ProductPageData } | { kind: "moved"; handle: string } | { kind: "missing" };

/**
 * The product page's data for a handle. An old handle of a renamed product
 * answers with the current one (the route redirects); a draft or archived
 * product is missing.
 */
export async function findProductPage(db: TenantDb, handle: string): Promise<ProductLookup> {
  if (!isHandle(handle)) return { kind: "missing" };
  const resolved = await resolveProductHandle(db, handle);
  if (!resolved) return { kind: "missing" };
  const product = await db
    .selectFrom("products")
    .select(["id", "handle", "title", "vendor", "product_type", "description_html", "seo_title", "seo_description"])
    .where("id", "=", resolved.id)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!product) return { kind: "missing" };
  if (resolved.redirected) return { kind: "moved", handle: product.handle };

  const [options, variants, media] = await Promise.all([
    db.selectFrom("product_options").select(["name", "option_values"]).where("product_id", "=", product.id).orderBy("position").execute(),
    db
      .selectFrom("variants")
      .select(["id", "option_values", "sku", "price", "compare_at_price", "inventory_quantity", "continue_selling", "image_id"])
      .where("product_id", "=", product.id)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("product_media")
      .select(["id", "storage_key", "width", "height", "alt"])
      .where("product_id", "=", product.id)
      .orderBy("position")
      .orderBy("id")
      .execute(),
  ]);
  if (!variants.length) return { kind: "missing" };
  const imageIndex = new Map(media.map((m, i) => [m.id, i]));
  return {
    kind: "found",
    product: {
      id: product.id,
      handle: product.handle,
      title: product.title,
      vendor: product.vendor,
      productType: product.product_type,
      descriptionHtml: product.description_html,
      seoTitle: product.seo_title,
      seoDescription: product.seo_description,
      options: options.map((o) => ({ name: o.name, values: o.option_values })),
      variants: variants.map((v): ProductVariantData => ({
        id: v.id,
        title: v.option_values.length ? v.option_values.join(" / ") : "Default Title",
        optionValues: v.option_values,
        sku: v.sku,
        price: v.price,
        compareAtPrice: v.compare_at_price,
        stock: stockState(v),
        imageIndex: v.image_id ? (imageIndex.get(v.image_id) ?? null) : null,
      })),
      images: media.map((m) => storeImage(m, product.title)),
    },
  };
}

/**
 * Which variant a product page shows: `?variant=<id>` if it is this product's,
 * else the one matching `option1…optionN` (the no-JavaScript picker), else the
 * first available one.
 */
export function selectVariant(product: ProductPageData, params: URLSearchParams): { variant: ProductVariantData; fromOptions: boolean } {
  const byId = product.variants.find((v) => v.id === params.get("variant"));
  if (byId) return { variant: byId, fromOptions: false };
  const chosen = product.options.map((_, i) => params.get(`option${i + 1}`));
  if (chosen.length && chosen.every((v) => v !== null)) {
    const match = product.variants.find((v) => v.optionValues.every((value, i) => value === chosen[i]));
    if (match) return { variant: match, fromOptions: true };
  }
  return { variant: product.variants.find((v) => v.stock !== "sold_out") ?? product.variants[0], fromOptions: false };
}

/** Other active products a shopper might like: same collections first, then the same type, then the newest. */
export async function relatedProducts(db: TenantDb, productId: string, limit = 4): Promise<ProductCardData[]> {
  const sameCollection = await db
    .selectFrom("collection_products as mine")
    .innerJoin("collection_products as other", "other.collection_id", "mine.collection_id")
    .innerJoin("products as p", "p.id", "other.product_id")
    .select("p.id")
    .distinct()
    .where("mine.product_id", "=", productId)
    .where("p.id", "<>", productId)
    .where("p.status", "=", "active")
    .limit(limit)
    .execute();
  const ids = sameCollection.map((r) => r.id);
  if (ids.length < limit) {
    const more = await db
      .selectFrom("products")
      .select("id")
      .where("status", "=", "active")
      .where("id", "<>", productId)
      .$if(ids.length > 0, (q) => q.where("id", "not in", ids))
      .orderBy("published_at", (ob) => ob.desc().nullsLast())
      .orderBy("id", "desc")
      .limit(limit - ids.length)
      .execute();
    ids.push(...more.map((r) => r.id));
  }
  return productCards(db, ids);
}

export async function findPublishedPage(db: TenantDb, handle: string) {
  if (!isHandle(handle)) return null;
  return (
    (await db
      .selectFrom("pages")
      .select(["handle", "title", "body_html", "seo_title", "seo_description", "updated_at"])
      .where("handle", "=", handle)
      .where("published", "=", true)
      .executeTakeFirst()) ?? null
  );
}

const POLICY_ORDER: PolicyHandle[] = ["refund-policy", "shipping-policy", "privacy-policy", "terms-of-service"];

/** A policy the merchant has written; an empty one doesn't exist for shoppers. */
export async function findPolicy(db: TenantDb, handle: string) {
  if (!(POLICY_ORDER as string[]).includes(handle)) return null;
  return (
    (await db
      .selectFrom("policies")
      .select(["handle", "body_html", "updated_at"])
      .where("handle", "=", handle as PolicyHandle)
      .where("body_html", "<>", "")
      .executeTakeFirst()) ?? null
  );
}

/** The footer links this many visible content pages at most, the first by title, so a shop with many keeps a footer. */
export const FOOTER_PAGE_LIMIT = 10;

/** The header's navigation (its first link named in the shop's language) and the footer's links. */
export async function storeNavigation(db: TenantDb, intl: IntlShape): Promise<{ nav: NavLink[]; policies: NavLink[]; pages: NavLink[] }> {
  const [collections, footer] = await Promise.all([
    db.selectFrom("collections").select(["handle", "title"]).where("parent_id", "is", null).orderBy("title").limit(5).execute(),
    footerLinks(db),
  ]);
  return {
    nav: [
      { title: intl.formatMessage({ id: "nav.shopAll" }), url: "/collections/all" },
      ...collections.map((c) => ({ title: c.title, url: `/collections/${c.handle}` })),
    ],
    policies: footer.policies.map((handle) => ({ title: policyTitle(intl, handle), url: `/policies/${handle}` })),
    pages: footer.pages,
  };
}

const POLICY_TITLE_IDS: Record<PolicyHandle, string> = {
  "refund-policy": "policy.title.refund",
  "shipping-policy": "policy.title.shipping",
  "privacy-policy": "policy.title.privacy",
  "terms-of-service": "policy.title.terms",
};

/** A policy's name in the shop's language: the four policies are named by the platform, not by the merchant. */
export function policyTitle(intl: IntlShape, handle: PolicyHandle): string {
  return intl.formatMessage({ id: POLICY_TITLE_IDS[handle] });
}

/**
 * The footer's links in one query, as every storefront page renders them: the policies the merchant has written, in
 * the usual order, and the visible content pages by title (hidden ones are the merchant's drafts).
 */
async function footerLinks(db: TenantDb): Promise<{ policies: PolicyHandle[]; pages: NavLink[] }> {
  // The first pages by title, then numbered: numbering all visible pages first would sort every one of them.
  const visiblePages = db
    .selectFrom("pages")
    .select(["id", "handle", "title"])
    .where("published", "=", true)
    .orderBy(sql`lower(title)`)
    .orderBy("id")
    .limit(FOOTER_PAGE_LIMIT);
  const rows = await db
    .selectFrom("policies")
    .select((eb) => [
      sql<"policy" | "page">`'policy'`.as("kind"),
      eb.ref("handle").$castTo<string>().as("handle"),
      "title",
      sql<number>`array_position(${POLICY_ORDER}::text[], handle)`.as("position"),
    ])
    .where("body_html", "<>", "")
    .unionAll(
      db
        .selectFrom(visiblePages.as("p"))
        .select([
          sql<"policy" | "page">`'page'`.as("kind"),
          "p.handle",
          "p.title",
          sql<number>`row_number() over (order by lower(p.title), p.id)`.as("position"),
        ]),
    )
    .orderBy("position")
    .execute();
  return {
    policies: rows.filter((row) => row.kind === "policy").map((row) => row.handle as PolicyHandle),
    pages: rows.filter((row) => row.kind === "page").map((row) => ({ title: row.title, url: `/pages/${row.handle}` })),
  };
}

/**
 * The home page's sections with the products and images they show. A hero left without words says the shop's own
 * headline and welcome text from its settings: a theme's defaults never speak for the merchant.
 */
export async function homeSectionsData(db: TenantDb, sections: HomeSection[], shop: { headline: string; welcomeText: string }): Promise<HomeSectionData[]> {
  return Promise.all(
    sections.map(async (section): Promise<HomeSectionData> => {
      if (section.type === "hero" && !section.heading && !section.text) return { ...section, heading: shop.headline, text: shop.welcomeText };
      if (section.type === "featured-collection") {
        const collection = section.collection && section.collection !== "all" ? await findCollectionByHandle(db, section.collection) : null;
        const { products } = await listStoreProducts(db, collection, { perPage: section.limit });
        return { ...section, products, viewAllUrl: `/collections/${collection?.handle ?? "all"}` };
      }
      if (section.type === "product-grid") {
        const { products } = await listStoreProducts(db, null, { perPage: section.limit });
        return { ...section, products, viewAllUrl: "/collections/all" };
      }
      if (section.type === "image-with-text") {
        return { ...section, image: section.product ? await firstProductImage(db, section.product) : null };
      }
      return section;
    }),
  );
}

async function firstProductImage(db: TenantDb, handle: string): Promise<StoreImageData | null> {
  const row = await db
    .selectFrom("product_media as m")
    .innerJoin("products as p", "p.id", "m.product_id")
    .select(["m.storage_key", "m.width", "m.height", "m.alt", "p.title"])
    .where("p.handle", "=", handle)
    .where("p.status", "=", "active")
    .orderBy("m.position")
    .limit(1)
    .executeTakeFirst();
  return row ? storeImage(row, row.title) : null;
}

/** The settings a storefront request needs. */
export function storefrontSettings(db: TenantDb) {
  return db
    .selectFrom("settings")
    .select(["headline", "welcome_text", "contact_email", "logo_key", "currency", "locale", "storefront_language", "storefront_password", "launched_at"])
    .executeTakeFirstOrThrow();
}

/** Active products by title, for pickers in the theme editor. */
export function productChoices(db: TenantDb, limit = 200) {
  return db.selectFrom("products").select(["handle", "title"]).where("status", "=", "active").orderBy("title").limit(limit).execute();
}

/** Collections by title, for pickers in the theme editor. */
export function collectionChoices(db: TenantDb, limit = 200) {
  return db.selectFrom("collections").select(["handle", "title"]).orderBy("title").limit(limit).execute();
}
