import { Form, Link, useSubmit } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { formatMoney, toInputAmount } from "../../../shop/money.ts";
import {
  activeFilterCount,
  AVAILABILITY_PARAM_VALUES,
  FILTER_PARAMS,
  SEARCH_SORTS,
  type FacetValue,
  type SearchErrors,
  type SearchFacets,
  type SearchFilters,
  type SearchSort,
} from "../../../shop/search.ts";
import { useHydrated } from "../../utils/use-hydrated.ts";

/** Facet values shown before "Show more". */
const VISIBLE_VALUES = 8;

/** Submits the filter form (a GET to its page) as Remix navigation, keeping the scroll position. */
function useApply(formId: string) {
  const submit = useSubmit();
  return () => {
    const form = document.getElementById(formId);
    if (form instanceof HTMLFormElement) submit(form, { preventScrollReset: true, replace: true });
  };
}

interface FiltersProps {
  formId: string;
  /** The page the form reads: /search, or a collection's address. */
  action: string;
  /** The search's words, kept by the form; none on a collection page. */
  query?: string;
  filters: SearchFilters;
  facets: SearchFacets;
  currency: string;
  /** The shop's locale: amounts show, and are typed, with its decimal mark. */
  locale: string;
  errors: SearchErrors;
}

/**
 * The facets as one GET form: checkboxes with counts and a price range, applied with a button
 * without JavaScript and on every change with it. The sort select outside joins it through its
 * `form` attribute. Changing a filter starts again at page 1 (no page field).
 */
export function SearchFiltersForm({ formId, action, query, filters, facets, currency, locale, errors }: FiltersProps) {
  const hydrated = useHydrated();
  const intl = useIntl();
  const apply = useApply(formId);
  const active = activeFilterCount(filters);
  // Open on a wide screen; on a phone it folds once the page runs, so the products come first ("Filters" unfolds it).
  const panel = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (panel.current && window.matchMedia("(max-width: 50em)").matches) panel.current.open = false;
  }, []);
  const cleared = query === undefined ? action : `${action}?${new URLSearchParams({ q: query })}`;

  return (
    <Form
      id={formId}
      method="get"
      action={action}
      className="search-filters"
      preventScrollReset
      onChange={(event) => {
        // Checkboxes apply at once; price fields on blur or Enter (below), not on every keystroke.
        const target = event.target as HTMLInputElement;
        if (target.type === "checkbox") apply();
      }}
    >
      {query === undefined ? null : <input type="hidden" name="q" value={query} />}
      <details className="search-filters-panel" open ref={panel}>
        <summary>
          <h2>
            <FormattedMessage id="search.filters.title" />
            {active ? (
              <span className="search-filters-count">
                <FormattedMessage id="search.filters.applied" values={{ count: active }} />
              </span>
            ) : null}
          </h2>
        </summary>
        {active ? (
          <p className="search-filters-clear">
            <Link to={cleared} preventScrollReset>
              <FormattedMessage id="search.filters.clear" />
            </Link>
          </p>
        ) : null}

        <FacetGroup
          legend={intl.formatMessage({ id: "search.filters.availability" })}
          name={FILTER_PARAMS.availability}
          values={[
            { value: AVAILABILITY_PARAM_VALUES.in_stock, label: intl.formatMessage({ id: "product.inStock" }), count: facets.availability.in_stock },
            {
              value: AVAILABILITY_PARAM_VALUES.out_of_stock,
              label: intl.formatMessage({ id: "search.filters.outOfStock" }),
              count: facets.availability.out_of_stock,
            },
          ]}
          selected={filters.availability.map((a) => AVAILABILITY_PARAM_VALUES[a])}
          counted={facets.exhaustive}
        />
        <PriceRange filters={filters} facets={facets} currency={currency} locale={locale} errors={errors} onCommit={hydrated ? apply : undefined} />
        <FacetGroup
          legend={intl.formatMessage({ id: "search.filters.productType" })}
          name={FILTER_PARAMS.productType}
          values={withSelected(facets.productTypes, filters.productTypes)}
          selected={filters.productTypes}
          counted={facets.exhaustive}
        />
        <FacetGroup
          legend={intl.formatMessage({ id: "search.filters.brand" })}
          name={FILTER_PARAMS.vendor}
          values={withSelected(facets.vendors, filters.vendors)}
          selected={filters.vendors}
          counted={facets.exhaustive}
        />
        {mergeOptions(facets, filters).map((option) => (
          <FacetGroup
            key={option.name}
            legend={option.name}
            name={FILTER_PARAMS.optionPrefix + option.name}
            values={option.values}
            selected={filters.options.find((o) => o.name === option.name)?.values ?? []}
            counted={facets.exhaustive}
          />
        ))}
        <FacetGroup
          legend={intl.formatMessage({ id: "search.filters.tags" })}
          name={FILTER_PARAMS.tag}
          values={withSelected(facets.tags, filters.tags)}
          selected={filters.tags}
          counted={facets.exhaustive}
        />
        <button type="submit" className="button" hidden={hydrated}>
          <FormattedMessage id="search.filters.apply" />
        </button>
      </details>
    </Form>
  );
}

interface ShownValue {
  value: string;
  label?: string;
  count: number;
}

/** Selected values the current results don't have any more still show (with 0), so they can be unticked. */
function withSelected(values: FacetValue[], selected: string[]): ShownValue[] {
  const missing = selected.filter((s) => !values.some((v) => v.value === s)).map((value) => ({ value, count: 0 }));
  return [...values, ...missing];
}

function mergeOptions(facets: SearchFacets, filters: SearchFilters): { name: string; values: ShownValue[] }[] {
  const merged = facets.options.map((o) => ({ name: o.name, values: withSelected(o.values, filters.options.find((f) => f.name === o.name)?.values ?? []) }));
  for (const f of filters.options) {
    if (!merged.some((o) => o.name === f.name)) merged.push({ name: f.name, values: withSelected([], f.values) });
  }
  return merged;
}

/** Mirrors what the URL says (after back/forward too), and shows a tick at once while the page loads. */
function useSelection(selected: string[]) {
  const key = selected.join("\u0000");
  const [checked, setChecked] = useState(() => new Set(selected));
  useEffect(() => setChecked(new Set(key ? key.split("\u0000") : [])), [key]);
  const toggle = (value: string, on: boolean) =>
    setChecked((current) => {
      const next = new Set(current);
      if (on) next.add(value);
      else next.delete(value);
      return next;
    });
  return { checked, toggle };
}

/** `counted` false: the counts are a broad query's sample (SearchFacets.exhaustive), so none is shown or disables a value. */
function FacetGroup({ legend, name, values, selected, counted }: { legend: string; name: string; values: ShownValue[]; selected: string[]; counted: boolean }) {
  const id = useId();
  const { checked, toggle } = useSelection(selected);
  if (!values.length) return null;
  const checkbox = (v: ShownValue, i: number) => (
    <li key={v.value}>
      <input
        type="checkbox"
        id={`${id}-${i}`}
        name={name}
        value={v.value}
        checked={checked.has(v.value)}
        onChange={(event) => toggle(v.value, event.currentTarget.checked)}
        disabled={counted && v.count === 0 && !selected.includes(v.value)}
      />
      <label htmlFor={`${id}-${i}`}>
        {v.label ?? v.value}
        {counted ? (
          <>
            {" "}
            <span className="facet-count">
              ({v.count}
              <span className="visually-hidden">
                {" "}
                <FormattedMessage id="search.filters.count" values={{ count: v.count }} />
              </span>
              )
            </span>
          </>
        ) : null}
      </label>
    </li>
  );
  const shown = values.slice(0, VISIBLE_VALUES);
  const more = values.slice(VISIBLE_VALUES);
  // Keep a ticked value visible even when it sorts below the fold.
  const moreOpen = more.some((v) => selected.includes(v.value));
  return (
    <fieldset className="search-facet">
      <legend>{legend}</legend>
      <ul>{shown.map(checkbox)}</ul>
      {more.length ? (
        <details className="search-facet-more" open={moreOpen}>
          <summary>
            <FormattedMessage id="search.filters.showMore" values={{ count: more.length }} />
          </summary>
          <ul>{more.map((v, i) => checkbox(v, i + VISIBLE_VALUES))}</ul>
        </details>
      ) : null}
    </fieldset>
  );
}

function PriceRange({
  filters,
  facets,
  currency,
  locale,
  errors,
  onCommit,
}: {
  filters: SearchFilters;
  facets: SearchFacets;
  currency: string;
  locale: string;
  errors: SearchErrors;
  onCommit?: () => void;
}) {
  const id = useId();
  const intl = useIntl();
  const field = (bound: "min" | "max") => {
    const name = bound === "min" ? FILTER_PARAMS.priceMin : FILTER_PARAMS.priceMax;
    const current = bound === "min" ? filters.priceMin : filters.priceMax;
    const placeholder = bound === "min" ? facets.price.min : facets.price.max;
    const error = errors[name];
    const inputId = `${id}-${bound}`;
    return (
      // Remounted when the URL's price changes, so back and forward show the right amount.
      <div className="form-field" key={`${bound}-${current}`}>
        <label htmlFor={inputId}>
          <FormattedMessage id={bound === "min" ? "search.filters.from" : "search.filters.to"} />
        </label>
        <input
          id={inputId}
          name={name}
          inputMode="decimal"
          defaultValue={current === null ? "" : toInputAmount(current, currency, locale)}
          placeholder={placeholder === null ? undefined : toInputAmount(placeholder, currency, locale)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : `${id}-range`}
          onBlur={(event) => {
            if (onCommit && event.currentTarget.value !== event.currentTarget.defaultValue) onCommit();
          }}
        />
        {error ? (
          <p className="field-error" id={`${inputId}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <fieldset className="search-facet search-price">
      <legend>
        <FormattedMessage id="search.filters.price" values={{ currency }} />
      </legend>
      <div className="search-price-fields">
        {field("min")}
        {field("max")}
      </div>
      <p className="field-hint" id={`${id}-range`}>
        {facets.price.min !== null && facets.price.max !== null
          ? // A broad query's range is its sample's (SearchFacets.exhaustive).
            intl.formatMessage(
              { id: facets.exhaustive ? "search.filters.range" : "search.filters.rangeAbout" },
              { min: formatMoney(facets.price.min, currency, intl.locale), max: formatMoney(facets.price.max, currency, intl.locale) },
            )
          : intl.formatMessage({ id: "search.filters.noPrices" })}
      </p>
    </fieldset>
  );
}

const SORT_MESSAGES: Record<SearchSort, string> = {
  manual: "search.sort.manual",
  relevance: "search.sort.relevance",
  "best-selling": "search.sort.best-selling",
  "price-ascending": "search.sort.price-ascending",
  "price-descending": "search.sort.price-descending",
  "created-descending": "search.sort.created-descending",
  "title-ascending": "search.sort.title-ascending",
  "title-descending": "search.sort.title-descending",
};

/** The sort select; it belongs to the filter form through `form`, so sorting keeps the filters. */
export function SearchSortSelect({ formId, sort, sorts = SEARCH_SORTS }: { formId: string; sort: SearchSort; sorts?: readonly SearchSort[] }) {
  const hydrated = useHydrated();
  const apply = useApply(formId);
  const id = useId();
  const intl = useIntl();
  const [value, setValue] = useState(sort);
  useEffect(() => setValue(sort), [sort]);
  return (
    <div className="search-sort">
      <label htmlFor={id}>
        <FormattedMessage id="search.sort.label" />
      </label>
      <select
        id={id}
        name="sort_by"
        form={formId}
        value={value}
        onChange={(event) => {
          setValue(event.currentTarget.value as SearchSort);
          apply();
        }}
      >
        {sorts.map((key) => (
          <option key={key} value={key}>
            {intl.formatMessage({ id: SORT_MESSAGES[key] })}
          </option>
        ))}
      </select>
      <button type="submit" form={formId} className="button-secondary" hidden={hydrated}>
        <FormattedMessage id="search.sort.submit" />
      </button>
    </div>
  );
}
