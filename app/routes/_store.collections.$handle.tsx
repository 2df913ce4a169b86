import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { activeFilterCount, COLLECTION_SORTS, parseSearchRequest } from "../../shop/search.ts";
import { Breadcrumbs, breadcrumbJsonLd } from "../components/store/breadcrumbs.tsx";
import { EmptyState } from "../components/store/empty-state.tsx";
import { JsonLd } from "../components/store/json-ld.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { Pagination } from "../components/store/pagination.tsx";
import { ProductGrid } from "../components/store/product-grid.tsx";
import { RichText } from "../components/store/rich-text.tsx";
import { SearchFiltersForm, SearchSortSelect } from "../components/store/search-filters.tsx";
import { describe, storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { browseCollection, findCollectionByHandle } from "../domain.server.ts";
import searchStyles from "../styles/search.css";
import { requireStorefront } from "../utils/storefront.server.ts";

export const links = () => [{ rel: "stylesheet", href: searchStyles }];

// /collections/:handle, and /collections/all for every active product, with search's filters and sorts
// (?filter.…&sort_by=…&page=N, Shopify's parameters); "Featured" is the collection's own order.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop, settings, intl } = await requireStorefront(context, request);
  const { currency, locale } = settings;
  const handle = params.handle ?? "";
  const parsed = parseSearchRequest(new URL(request.url).searchParams, { currency, locale }, intl, COLLECTION_SORTS);
  const { page } = parsed.request;
  const collection = handle === "all" ? null : await findCollectionByHandle(db, handle);
  if (handle !== "all" && !collection) throw new Response("Not found", { status: 404 });

  const { products, total, hasNext, facets } = await browseCollection(db, collection, parsed.request);
  if (page > 1 && !products.length) throw new Response("Not found", { status: 404 });
  const title = collection?.title ?? intl.formatMessage({ id: "breadcrumbs.allProducts" });
  const path = `/collections/${handle}${page > 1 ? `?page=${page}` : ""}`;
  const breadcrumbs = [
    { title: intl.formatMessage({ id: "breadcrumbs.home" }), url: "/" },
    { title, url: `/collections/${handle}` },
  ];
  return data(
    {
      title,
      path: `/collections/${handle}`,
      descriptionHtml: collection?.descriptionHtml ?? "",
      request: parsed.request,
      errors: parsed.errors,
      currency,
      locale,
      products,
      total,
      facets,
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
    },
    // An unreadable price is reported next to its field; the page still lists without it.
    { status: Object.keys(parsed.errors).length ? 400 : 200 },
  );
}

const FILTER_FORM = "collection-refine";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Collection() {
  const { title, path, descriptionHtml, request, errors, currency, locale, products, total, facets, page, hasNext, breadcrumbs, breadcrumbJsonLd } =
    useLoaderData<typeof loader>();
  const intl = useIntl();
  const filtered = activeFilterCount(request.filters) > 0;
  // An empty collection has nothing to filter or sort.
  const refinable = total > 0 || filtered;
  const summary = intl.formatMessage({ id: "collection.summary" }, { total });
  return (
    <div className="store-page collection-page">
      <JsonLd data={breadcrumbJsonLd} />
      <Breadcrumbs items={breadcrumbs} />
      <PageHeader title={title}>
        <RichText html={descriptionHtml} className="collection-description" />
      </PageHeader>
      <div className={refinable ? "search-layout" : "search-layout search-layout-plain"}>
        {refinable ? (
          <SearchFiltersForm formId={FILTER_FORM} action={path} filters={request.filters} facets={facets} currency={currency} locale={locale} errors={errors} />
        ) : null}
        <section className="search-results" aria-labelledby="collection-results-heading">
          <div className="search-toolbar">
            <h2 id="collection-results-heading" className="search-summary">
              {summary}
            </h2>
            {refinable ? <SearchSortSelect formId={FILTER_FORM} sort={request.sort} sorts={COLLECTION_SORTS} /> : null}
          </div>
          {/* Announces the new count when a filter or the sort changes the products in place. */}
          <p role="status" className="visually-hidden">
            {summary}
          </p>
          {products.length ? (
            <>
              <ProductGrid products={products} label={title} headingLevel={3} />
              <Pagination page={page} hasNext={hasNext} />
            </>
          ) : (
            <EmptyState title={intl.formatMessage({ id: filtered ? "collection.noMatchFiltered" : "collection.empty" })}>
              {filtered ? (
                <p>
                  <Link to={path}>
                    <FormattedMessage id="collection.withoutFilters" />
                  </Link>
                </p>
              ) : null}
            </EmptyState>
          )}
        </section>
      </div>
    </div>
  );
}
