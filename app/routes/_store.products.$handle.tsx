import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatMoney, toDecimalString } from "../../shop/money.ts";
import { Breadcrumbs, breadcrumbJsonLd } from "../components/store/breadcrumbs.tsx";
import { useStore } from "../components/store/context.tsx";
import { JsonLd } from "../components/store/json-ld.tsx";
import { ProductForm, useVariantSelection } from "../components/store/product-form.tsx";
import { RecordView, Recommendations } from "../components/store/recommendations.tsx";
import { RichText } from "../components/store/rich-text.tsx";
import { describe, storeFromMatches, storeMeta } from "../components/store/seo.ts";
import type { ProductPageData, StockState } from "../components/store/types.ts";
import { cartProductIds, findProductPage, selectVariant } from "../domain.server.ts";
import { productPageRecommendations } from "../utils/recommendations.server.ts";
import { shopperContext } from "../utils/shopper.server.ts";

const AVAILABILITY: Record<StockState, string> = {
  in_stock: "https://schema.org/InStock",
  sold_out: "https://schema.org/OutOfStock",
  continue_selling: "https://schema.org/BackOrder",
};

// /products/:handle?variant=<id>. Renamed products answer their old handle with a 301.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, settings, owner, headers, intl } = await shopperContext(context, request);
  const url = new URL(request.url);
  const lookup = await findProductPage(db, params.handle ?? "");
  if (lookup.kind === "missing") throw new Response("Not found", { status: 404 });
  if (lookup.kind === "moved") throw redirect(`/products/${encodeURIComponent(lookup.handle)}${url.search}`, 301);
  const { product } = lookup;

  const { variant, fromOptions } = selectVariant(product, url.searchParams);
  if (fromOptions) {
    // The picker without JavaScript: its option values become the matching variant's address.
    for (const key of [...url.searchParams.keys()]) if (/^option\d+$/.test(key)) url.searchParams.delete(key);
    url.searchParams.set("variant", variant.id);
    throw redirect(`${url.pathname}?${url.searchParams}`);
  }

  const currency = settings.currency;
  const origin = context.origin;
  const productUrl = `${origin}/products/${product.handle}`;
  const breadcrumbs = [
    { title: intl.formatMessage({ id: "breadcrumbs.home" }), url: "/" },
    { title: intl.formatMessage({ id: "breadcrumbs.allProducts" }), url: "/collections/all" },
    { title: product.title, url: `/products/${product.handle}` },
  ];
  const image = product.images[variant.imageIndex ?? 0] ?? null;
  const inCart = owner.customerId || owner.token ? await cartProductIds(db, owner) : [];
  return data(
    {
      product,
      variantId: variant.id,
      breadcrumbs,
      // Not awaited: deferred data, bounded so it can never hold the page up.
      recommendations: productPageRecommendations(db, product.id, inCart, context.services.config.recommendationsBudgetMs),
      jsonLd: [productJsonLd(product, productUrl, origin, currency), breadcrumbJsonLd(origin, breadcrumbs)],
      seo: {
        title: product.seoTitle || product.title,
        description: product.seoDescription || describe(product.descriptionHtml, `${product.title}, ${formatMoney(variant.price, currency, intl.locale)}.`),
        path: `/products/${product.handle}`,
        image: image?.url ?? null,
        type: "product" as const,
      },
    },
    { headers },
  );
}

function productJsonLd(product: ProductPageData, url: string, origin: string, currency: string) {
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.title,
    url,
    description: describe(product.descriptionHtml, product.title),
    ...(product.vendor ? { brand: { "@type": "Brand", name: product.vendor } } : {}),
    ...(product.images.length ? { image: product.images.map((i) => origin + i.url) } : {}),
    offers: product.variants.map((v) => ({
      "@type": "Offer",
      name: v.title,
      url: `${url}?variant=${v.id}`,
      ...(v.sku ? { sku: v.sku } : {}),
      price: toDecimalString(v.price, currency),
      priceCurrency: currency,
      availability: AVAILABILITY[v.stock],
      itemCondition: "https://schema.org/NewCondition",
    })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Product() {
  const { product, variantId, breadcrumbs, recommendations, jsonLd } = useLoaderData<typeof loader>();
  const { theme, shop } = useStore();
  const selection = useVariantSelection(product, variantId);
  const Gallery = theme.components.ProductGallery;
  return (
    <div className="store-page product-page">
      {jsonLd.map((item, i) => (
        <JsonLd key={i} data={item} />
      ))}
      <Breadcrumbs items={breadcrumbs} />
      <div className="product-layout">
        <div className="product-media">
          <Gallery images={product.images} selectedIndex={selection.variant?.imageIndex ?? 0} title={product.title} />
        </div>
        <div className="product-info">
          {product.vendor ? <p className="product-vendor">{product.vendor}</p> : null}
          <h1>{product.title}</h1>
          <ProductForm product={product} currency={shop.currency} selection={selection} />
          <RichText html={product.descriptionHtml} className="product-description" />
        </div>
      </div>
      <RecordView productId={product.id} />
      <Recommendations block={recommendations} id="product-recommendations" />
    </div>
  );
}
