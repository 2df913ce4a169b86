import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useIntl } from "react-intl";
import { Breadcrumbs, breadcrumbJsonLd } from "../components/store/breadcrumbs.tsx";
import { EmptyState } from "../components/store/empty-state.tsx";
import { JsonLd } from "../components/store/json-ld.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { Pagination } from "../components/store/pagination.tsx";
import { ProductGrid } from "../components/store/product-grid.tsx";
import { RichText } from "../components/store/rich-text.tsx";
import { describe, storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { findCollectionByHandle, listStoreProducts } from "../domain.server.ts";
import { requireStorefront } from "../utils/storefront.server.ts";

// /collections/:handle, and /collections/all for every active product.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop, intl } = await requireStorefront(context, request);
  const handle = params.handle ?? "";
  const page = pageNumber(new URL(request.url).searchParams.get("page"));
  const collection = handle === "all" ? null : await findCollectionByHandle(db, handle);
  if (handle !== "all" && !collection) throw new Response("Not found", { status: 404 });

  const { products, hasNext } = await listStoreProducts(db, collection, { page });
  if (page > 1 && !products.length) throw new Response("Not found", { status: 404 });
  const title = collection?.title ?? intl.formatMessage({ id: "breadcrumbs.allProducts" });
  const path = `/collections/${handle}${page > 1 ? `?page=${page}` : ""}`;
  const breadcrumbs = [
    { title: intl.formatMessage({ id: "breadcrumbs.home" }), url: "/" },
    { title, url: `/collections/${handle}` },
  ];
  return {
    title,
    descriptionHtml: collection?.descriptionHtml ?? "",
    products,
    page,
    hasNext,
    breadcrumbs,
    breadcrumbJsonLd: breadcrumbJsonLd(context.origin, breadcrumbs),
    seo: {
      title: page > 1 ? intl.formatMessage({ id: "collection.pageTitle" }, { title: collection?.seoTitle || title, page }) : collection?.seoTitle || title,
      description:
        collection?.seoDescription ||
        describe(collection?.descriptionHtml ?? "", intl.formatMessage({ id: "collection.metaDescription" }, { title, shopName: shop.name })),
      path,
    },
  };
}

function pageNumber(value: string | null): number {
  const n = Number(value ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Collection() {
  const { title, descriptionHtml, products, page, hasNext, breadcrumbs, breadcrumbJsonLd } = useLoaderData<typeof loader>();
  const intl = useIntl();
  return (
    <div className="store-page collection-page">
      <JsonLd data={breadcrumbJsonLd} />
      <Breadcrumbs items={breadcrumbs} />
      <PageHeader title={title}>
        <RichText html={descriptionHtml} className="collection-description" />
      </PageHeader>
      {products.length ? (
        <ProductGrid products={products} label={title} headingLevel={2} />
      ) : (
        <EmptyState title={intl.formatMessage({ id: "collection.empty" })} />
      )}
      <Pagination page={page} hasNext={hasNext} />
    </div>
  );
}
