import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { EmptyState } from "../components/store/empty-state.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { Pagination } from "../components/store/pagination.tsx";
import { ProductGrid } from "../components/store/product-grid.tsx";
import { SearchBox } from "../components/store/search-box.tsx";
import { SearchFiltersForm, SearchSortSelect } from "../components/store/search-filters.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { productCards, search } from "../domain.server.ts";
import { activeFilterCount, parseSearchRequest } from "../../shop/search.ts";
import styles from "../styles/search.css";
import { requireStorefront } from "../utils/storefront.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

// /search?q=…&filter.…&sort_by=…&page=N (Shopify's parameters). Without a query nothing is searched.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, settings, intl } = await requireStorefront(context, request);
  const { currency, locale } = settings;
  const { request: searchRequest, errors } = parseSearchRequest(new URL(request.url).searchParams, { currency, locale }, intl);
  const outcome = searchRequest.query ? await search(db, searchRequest) : null;
  const products = outcome
    ? await productCards(
        db,
        outcome.results.products.map((p) => p.id),
      )
    : [];
  const seo = {
    title: searchRequest.query ? intl.formatMessage({ id: "search.metaTitle" }, { query: searchRequest.query }) : intl.formatMessage({ id: "search.title" }),
    description: intl.formatMessage({ id: "search.metaDescription" }),
    // Every result page names /search as its canonical URL.
    path: "/search",
  };
  return data(
    {
      request: searchRequest,
      currency,
      locale,
      errors,
      results: outcome ? { ...outcome.results, products, facets: outcome.facets, correctedQuery: outcome.correctedQuery } : null,
      seo,
    },
    // An unreadable price is reported next to its field; the search still runs without it.
    { status: Object.keys(errors).length ? 400 : 200 },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

const FILTER_FORM = "search-refine";

export default function Search() {
  const { request, currency, locale, errors, results } = useLoaderData<typeof loader>();
  const { query, filters, sort, page } = request;
  const filtered = activeFilterCount(filters) > 0;
  // Nothing found and nothing to remove: filters and sorting would only be noise.
  const refinable = Boolean(results && (results.total || filtered));
  const intl = useIntl();
  const summary = intl.formatMessage({ id: "search.summary" }, { total: results?.total ?? 0, query });

  return (
    <div className="store-page search-page">
      <PageHeader title={intl.formatMessage({ id: query ? "search.resultsTitle" : "search.title" })}>
        <SearchBox defaultValue={query} />
      </PageHeader>
      {results ? (
        <div className={refinable ? "search-layout" : "search-layout search-layout-plain"}>
          {refinable ? (
            <SearchFiltersForm
              formId={FILTER_FORM}
              action="/search"
              query={query}
              filters={filters}
              facets={results.facets}
              currency={currency}
              locale={locale}
              errors={errors}
            />
          ) : null}
          <section className="search-results" aria-labelledby="search-results-heading">
            <div className="search-toolbar">
              <h2 id="search-results-heading" className="search-summary">
                {summary}
              </h2>
              {refinable ? <SearchSortSelect formId={FILTER_FORM} sort={sort} /> : null}
            </div>
            {/* Announces the new count when a filter or the sort changes the results in place. */}
            <p role="status" className="visually-hidden">
              {summary}
            </p>
            {results.correctedQuery ? (
              <p className="notice search-correction">
                <FormattedMessage id="search.correction" values={{ query: results.correctedQuery, strong: (text) => <strong>{text}</strong> }} />
              </p>
            ) : null}
            {results.products.length ? (
              <>
                <ProductGrid products={results.products} label={intl.formatMessage({ id: "search.resultsLabel" }, { query })} headingLevel={3} />
                <Pagination page={page} hasNext={results.hasNext} />
              </>
            ) : (
              <EmptyState title={intl.formatMessage({ id: page > 1 ? "search.noMore" : filtered ? "search.noMatchFiltered" : "search.noMatch" }, { query })}>
                <p>
                  <FormattedMessage id={filtered ? "search.tryRemovingFilter" : "search.checkSpelling"} />
                </p>
                <p>
                  {filtered ? (
                    <Link to={`/search?${new URLSearchParams({ q: query })}`}>
                      <FormattedMessage id="search.againWithoutFilters" />
                    </Link>
                  ) : (
                    <Link to="/collections/all">
                      <FormattedMessage id="notFound.allProducts" />
                    </Link>
                  )}
                </p>
              </EmptyState>
            )}
          </section>
        </div>
      ) : (
        <p className="muted">
          <FormattedMessage id="search.hint" />
        </p>
      )}
    </div>
  );
}
