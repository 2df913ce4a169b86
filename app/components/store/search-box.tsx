import { Form, useNavigate } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { formatMoney } from "../../../shop/money.ts";
import { MAX_QUERY_LENGTH } from "../../../shop/search.ts";
import { useStore } from "./context.tsx";
import type { ProductCardData } from "./types.ts";

/** What GET /search/suggest?q= answers. */
export interface SuggestResponse {
  query: string;
  products: ProductCardData[];
  /** "Including results for …" when a word was corrected. */
  correctedQuery: string | null;
}

const DEBOUNCE_MS = 180;
const MIN_CHARACTERS = 2;

type Option = { kind: "product"; product: ProductCardData } | { kind: "search"; query: string };

/**
 * The search form (GET /search?q=): a plain form without JavaScript. With it, the box is an
 * ARIA combobox: products are suggested as the shopper types (debounced fetch of
 * /search/suggest), arrow keys move through them (aria-activedescendant), Enter opens one,
 * Escape closes the list.
 */
export function SearchBox({ defaultValue = "", label }: { defaultValue?: string; label?: string }) {
  const { shop } = useStore();
  const intl = useIntl();
  const navigate = useNavigate();
  const id = useId();
  const inputId = `${id}-q`;
  const listId = `${id}-suggestions`;
  const [value, setValue] = useState(defaultValue);
  const [typed, setTyped] = useState(false);
  const [suggestions, setSuggestions] = useState<SuggestResponse | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const formRef = useRef<HTMLFormElement>(null);

  // A new page (another search) brings its own query into the box.
  useEffect(() => {
    setValue(defaultValue);
    setTyped(false);
    setOpen(false);
  }, [defaultValue]);

  useEffect(() => {
    const text = value.trim();
    if (!typed || text.length < MIN_CHARACTERS) {
      setSuggestions(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/search/suggest?${new URLSearchParams({ q: text })}`, {
          signal: controller.signal,
          headers: { accept: "application/json" },
        });
        if (!response.ok || !response.headers.get("content-type")?.includes("application/json")) return;
        setSuggestions((await response.json()) as SuggestResponse);
        setActive(-1);
        setOpen(true);
      } catch {
        // Aborted by the next keystroke, or offline: the plain form still works.
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value, typed]);

  const options: Option[] = suggestions
    ? [...suggestions.products.map((product): Option => ({ kind: "product", product })), { kind: "search", query: value.trim() }]
    : [];
  const expanded = open && options.length > 0;
  const optionId = (i: number) => `${listId}-${i}`;

  function choose(option: Option) {
    setOpen(false);
    if (option.kind === "product") navigate(`/products/${option.product.handle}`);
    else formRef.current?.requestSubmit();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  }

  const productCount = suggestions?.products.length ?? 0;
  return (
    <Form method="get" action="/search" role="search" className="search-box" ref={formRef} onSubmit={() => setOpen(false)}>
      <label htmlFor={inputId} className="search-box-label">
        {label ?? intl.formatMessage({ id: "search.form.label" })}
      </label>
      <div className="search-box-row">
        <div className="search-box-field">
          <input
            id={inputId}
            // A combobox must be a text input (ARIA in HTML forbids role=combobox on type=search).
            type="text"
            inputMode="search"
            enterKeyHint="search"
            name="q"
            value={value}
            maxLength={MAX_QUERY_LENGTH}
            autoComplete="off"
            spellCheck={false}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
            onChange={(event) => {
              setValue(event.target.value);
              setTyped(true);
            }}
            onKeyDown={onKeyDown}
            onFocus={() => setOpen(true)}
            onBlur={() => setOpen(false)}
          />
          <ul id={listId} role="listbox" aria-label={intl.formatMessage({ id: "search.box.suggestions" })} className="search-suggestions" hidden={!expanded}>
            {options.map((option, i) => (
              <li
                key={option.kind === "product" ? option.product.id : "search"}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={option.kind === "search" ? "search-suggestion search-suggestion-all" : "search-suggestion"}
                // mousedown, not click: the input's blur would close the list first.
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(option);
                }}
                onMouseEnter={() => setActive(i)}
              >
                {option.kind === "product" ? (
                  <>
                    {option.product.image ? (
                      <img src={option.product.image.url} alt="" width={40} height={40} loading="lazy" />
                    ) : (
                      <span className="search-suggestion-thumb" aria-hidden="true" />
                    )}
                    <span className="search-suggestion-title">{option.product.title}</span>
                    <span className="search-suggestion-price">
                      {option.product.priceVaries
                        ? intl.formatMessage({ id: "price.from" }, { price: formatMoney(option.product.price, shop.currency, intl.locale) })
                        : formatMoney(option.product.price, shop.currency, intl.locale)}
                    </span>
                  </>
                ) : (
                  <span>
                    <FormattedMessage id="search.box.searchFor" values={{ query: option.query }} />
                    {suggestions?.correctedQuery ? (
                      <span className="muted">
                        <FormattedMessage id="search.box.including" values={{ query: suggestions.correctedQuery }} />
                      </span>
                    ) : null}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
        <button type="submit" className="button">
          <FormattedMessage id="search.form.submit" />
        </button>
      </div>
      <p role="status" className="visually-hidden">
        {expanded ? intl.formatMessage({ id: "search.box.status" }, { count: productCount }) : ""}
      </p>
    </Form>
  );
}
