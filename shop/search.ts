/**
 * The storefront search request: what the shopper asked for, parsed from the URL. Shared by the
 * server (shop/search.server.ts) and the search page's components, so it has no server imports.
 * Parameter names follow Shopify's storefront filters (`filter.v.price.gte`, `filter.p.vendor`, …).
 */
import type { IntlShape } from "react-intl";
import { exampleAmount, formatMoney, MAX_MINOR_UNITS, minorUnitDigits, parseMoney, type MoneyStyle, type NumberProblem } from "./money.ts";

export const SEARCH_PAGE_SIZE = 24;
export const MAX_QUERY_LENGTH = 200;
const MAX_VALUES_PER_FILTER = 20;
const MAX_OPTION_FILTERS = 10;
/** Deeper than this is never a shopper paging through results. */
export const MAX_SEARCH_PAGE = 400;

export const SEARCH_SORTS = [
  "relevance",
  "best-selling",
  "price-ascending",
  "price-descending",
  "created-descending",
  "title-ascending",
  "title-descending",
] as const;
/** A collection page sorts as search does, but "manual" (the merchant's order, Shopify's "Featured") comes first instead of relevance. */
export const COLLECTION_SORTS = ["manual", ...SEARCH_SORTS.filter((sort) => sort !== "relevance")] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number] | "manual";

export type Availability = "in_stock" | "out_of_stock";

export interface OptionFilter {
  name: string;
  values: string[];
}

export interface SearchFilters {
  /** Both or neither: no availability filter. */
  availability: Availability[];
  /** Minor units, inclusive; a variant's price must fall in the range. */
  priceMin: number | null;
  priceMax: number | null;
  productTypes: string[];
  vendors: string[];
  tags: string[];
  /** Per option name (e.g. Color), the values any of which must be offered. */
  options: OptionFilter[];
}

export interface SearchRequest {
  query: string;
  filters: SearchFilters;
  sort: SearchSort;
  /** 1-based. */
  page: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

/**
 * Counts per filter value; each facet applies every active filter except its own. A broad query
 * has its facets counted over a sample, its first matches found (`exhaustive` false): the values
 * are those the sample has, and the counts and price range are the sample's.
 */
export interface SearchFacets {
  /** Every match was counted. */
  exhaustive: boolean;
  /** Products matching the query and every filter: all of them, even when not exhaustive. */
  total: number;
  availability: Record<Availability, number>;
  /** Lowest and highest variant price (minor units) among products passing the other filters. */
  price: { min: string | null; max: string | null };
  productTypes: FacetValue[];
  vendors: FacetValue[];
  tags: FacetValue[];
  options: { name: string; values: FacetValue[] }[];
}

export const FILTER_PARAMS = {
  availability: "filter.v.availability",
  priceMin: "filter.v.price.gte",
  priceMax: "filter.v.price.lte",
  productType: "filter.p.product_type",
  vendor: "filter.p.vendor",
  tag: "filter.p.tag",
  optionPrefix: "filter.v.option.",
} as const;

export const AVAILABILITY_PARAM_VALUES: Record<Availability, string> = { in_stock: "1", out_of_stock: "0" };

export function emptyFilters(): SearchFilters {
  return { availability: [], priceMin: null, priceMax: null, productTypes: [], vendors: [], tags: [], options: [] };
}

export function activeFilterCount(filters: SearchFilters): number {
  const availability = filters.availability.length === 1 ? 1 : 0;
  const price = (filters.priceMin !== null ? 1 : 0) + (filters.priceMax !== null ? 1 : 0);
  return (
    availability + price + filters.productTypes.length + filters.vendors.length + filters.tags.length + filters.options.reduce((n, o) => n + o.values.length, 0)
  );
}

/** Field name → message, for the filter form. */
export type SearchErrors = Partial<Record<string, string>>;

function values(params: URLSearchParams, name: string): string[] {
  const seen = new Set<string>();
  for (const raw of params.getAll(name)) {
    const value = raw.trim();
    if (value && value.length <= 255) seen.add(value);
  }
  return [...seen].slice(0, MAX_VALUES_PER_FILTER);
}

/** The message id for each way a typed price can be wrong (the money reader's own messages are the admin's English). */
const PRICE_PROBLEMS: Record<NumberProblem, string> = {
  empty: "search.error.price",
  format: "search.error.price",
  negative: "search.error.price",
  digits: "search.error.priceDigits",
  decimals: "search.error.priceDecimals",
  too_large: "search.error.priceTooLarge",
  ambiguous: "search.error.priceAmbiguous",
};

function price(params: URLSearchParams, name: string, money: MoneyStyle, intl: IntlShape, errors: SearchErrors): number | null {
  const raw = params.get(name)?.trim() ?? "";
  if (!raw) return null;
  const amount = parseMoney(raw, money);
  if (amount.ok) return Number(amount.value);
  errors[name] = intl.formatMessage(
    { id: PRICE_PROBLEMS[amount.problem] },
    {
      example: exampleAmount(money),
      text: raw,
      decimals: minorUnitDigits(money.currency),
      max: formatMoney(MAX_MINOR_UNITS, money.currency, intl.locale),
    },
  );
  return null;
}

/**
 * The request in a /search URL, or (`sorts` COLLECTION_SORTS) a collection page's. Unknown sort keys fall back to
 * the first of `sorts` and bad pages to 1; an unreadable price is reported in `errors`, in the words of `intl` (the
 * shop's language), and left out of the filters.
 */
export function parseSearchRequest(
  params: URLSearchParams,
  money: MoneyStyle,
  intl: IntlShape,
  sorts: readonly SearchSort[] = SEARCH_SORTS,
): { request: SearchRequest; errors: SearchErrors } {
  const errors: SearchErrors = {};
  const query = (params.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH);
  const sortParam = params.get("sort_by") ?? "";
  const sort = (sorts as readonly string[]).includes(sortParam) ? (sortParam as SearchSort) : sorts[0];
  const pageParam = Number(params.get("page") ?? "1");
  const page = Number.isInteger(pageParam) && pageParam >= 1 ? Math.min(pageParam, MAX_SEARCH_PAGE) : 1;

  const availability = values(params, FILTER_PARAMS.availability).flatMap((v): Availability[] =>
    v === AVAILABILITY_PARAM_VALUES.in_stock ? ["in_stock"] : v === AVAILABILITY_PARAM_VALUES.out_of_stock ? ["out_of_stock"] : [],
  );
  const priceMin = price(params, FILTER_PARAMS.priceMin, money, intl, errors);
  let priceMax = price(params, FILTER_PARAMS.priceMax, money, intl, errors);
  if (priceMin !== null && priceMax !== null && priceMax < priceMin) {
    errors[FILTER_PARAMS.priceMax] = intl.formatMessage({ id: "search.error.priceOrder" });
    priceMax = null;
  }

  const optionNames = new Set<string>();
  for (const key of params.keys()) {
    const name = key.startsWith(FILTER_PARAMS.optionPrefix) ? key.slice(FILTER_PARAMS.optionPrefix.length).trim() : "";
    if (name && name.length <= 255) optionNames.add(name);
  }
  const options = [...optionNames]
    .slice(0, MAX_OPTION_FILTERS)
    .map((name) => ({ name, values: values(params, FILTER_PARAMS.optionPrefix + name) }))
    .filter((o) => o.values.length > 0);

  return {
    request: {
      query,
      sort,
      page,
      filters: {
        availability: [...new Set(availability)],
        priceMin,
        priceMax,
        productTypes: values(params, FILTER_PARAMS.productType),
        vendors: values(params, FILTER_PARAMS.vendor),
        tags: values(params, FILTER_PARAMS.tag),
        options,
      },
    },
    errors,
  };
}

/**
 * The words of a query, NFKC-normalised (half-width ｶﾀｶﾅ is カタカナ) and lowercased: letters, digits and the marks
 * that belong to a letter (Thai vowels and tones), so they are safe to hand to to_tsquery as lexemes. At most 10, of
 * at most 50 characters each.
 */
export function searchTerms(query: string): string[] {
  const words =
    query
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, 50)))].slice(0, 10);
}
