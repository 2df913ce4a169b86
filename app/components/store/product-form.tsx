import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { CartDrawer, type AddedToCart } from "./cart-drawer.tsx";
import { FormNotice } from "./account-fields.tsx";
import { Price } from "./price.tsx";
import type { ProductPageData, ProductVariantData, StockState } from "./types.ts";
import { useHydrated } from "../../utils/use-hydrated.ts";

export function findVariant(variants: ProductVariantData[], optionValues: string[]): ProductVariantData | undefined {
  return variants.find((v) => v.optionValues.length === optionValues.length && v.optionValues.every((value, i) => value === optionValues[i]));
}

/**
 * The shopper's choice of option values. With JavaScript a change applies at
 * once and the address follows (?variant=); without it the picker form
 * submits and the server answers with the matching variant's address.
 */
export function useVariantSelection(product: ProductPageData, variantId: string) {
  const initial = product.variants.find((v) => v.id === variantId) ?? product.variants[0];
  const [selected, setSelected] = useState<string[]>(initial.optionValues);
  useEffect(() => setSelected(initial.optionValues), [initial]);
  const variant = findVariant(product.variants, selected);
  const select = (optionIndex: number, value: string) => {
    const next = selected.map((v, i) => (i === optionIndex ? value : v));
    setSelected(next);
    const match = findVariant(product.variants, next);
    if (match) {
      const url = new URL(window.location.href);
      url.searchParams.set("variant", match.id);
      for (const key of [...url.searchParams.keys()]) if (/^option\d+$/.test(key)) url.searchParams.delete(key);
      // Keep the router's state object so back/forward still work.
      window.history.replaceState(window.history.state, "", url);
    }
  };
  return { selected, variant, select };
}

const STOCK_TEXT: Record<StockState, string> = {
  in_stock: "product.inStock",
  sold_out: "product.soldOut",
  continue_selling: "product.continueSelling",
};

export function ProductForm({
  product,
  currency,
  selection,
}: {
  product: ProductPageData;
  currency: string;
  selection: ReturnType<typeof useVariantSelection>;
}) {
  const hydrated = useHydrated();
  const intl = useIntl();
  const cart = useFetcher<{ errors: Record<string, string | undefined>; added?: AddedToCart }>();
  // The drawer shows the last add until it is closed; a new add opens it again.
  const [drawer, setDrawer] = useState<AddedToCart | null>(null);
  useEffect(() => {
    if (cart.state === "idle" && cart.data?.added) setDrawer(cart.data.added);
  }, [cart.state, cart.data]);
  const addError = cart.state === "idle" && cart.data && !cart.data.added ? Object.values(cart.data.errors).find(Boolean) : undefined;
  const { selected, variant, select } = selection;
  const hasOptions = product.options.length > 0;
  const buyable = variant && variant.stock !== "sold_out";

  // A value is marked when choosing it (with the other choices kept) gives no buyable variant.
  const unavailable = (optionIndex: number, value: string) => {
    const candidate = findVariant(
      product.variants,
      selected.map((v, i) => (i === optionIndex ? value : v)),
    );
    return !candidate || candidate.stock === "sold_out";
  };

  return (
    <div className="product-form">
      <div className="product-price" aria-live="polite">
        {variant ? (
          <Price amount={variant.price} compareAt={variant.compareAtPrice} currency={currency} />
        ) : (
          <span className="price">
            <FormattedMessage id="product.unavailable" />
          </span>
        )}
        <p className={`stock stock-${variant?.stock ?? "sold_out"}`}>
          {intl.formatMessage({ id: variant ? STOCK_TEXT[variant.stock] : "product.combinationUnavailable" })}
        </p>
      </div>

      {hasOptions ? (
        <Form method="get" action={`/products/${product.handle}`} className="variant-picker" preventScrollReset replace>
          {product.options.map((option, i) => (
            <fieldset key={option.name} className="option-group">
              <legend>
                {option.name}: <span className="option-selected">{selected[i]}</span>
              </legend>
              <div className="option-values">
                {option.values.map((value, j) => {
                  const id = `option-${i}-${j}`;
                  const off = unavailable(i, value);
                  return (
                    <span key={value} className={`option-value${off ? " is-unavailable" : ""}`}>
                      <input type="radio" id={id} name={`option${i + 1}`} value={value} checked={selected[i] === value} onChange={() => select(i, value)} />
                      <label htmlFor={id}>
                        {value}
                        {off ? (
                          <span className="visually-hidden">
                            <FormattedMessage id="product.optionUnavailable" />
                          </span>
                        ) : null}
                      </label>
                    </span>
                  );
                })}
              </div>
            </fieldset>
          ))}
          {hydrated ? null : (
            <button type="submit" className="button-secondary">
              <FormattedMessage id="product.showOption" />
            </button>
          )}
        </Form>
      ) : null}

      <cart.Form method="post" action="/cart" className="add-to-cart">
        <input type="hidden" name="variantId" value={variant?.id ?? ""} />
        {hydrated ? <input type="hidden" name="drawer" value="1" /> : null}
        <div className="form-field quantity-field">
          <label htmlFor="quantity">
            <FormattedMessage id="product.quantity" />
          </label>
          <input id="quantity" name="quantity" type="number" inputMode="numeric" min={1} max={999} defaultValue={1} className="quantity-input" />
        </div>
        <button type="submit" className="button add-to-cart-button" disabled={!buyable || cart.state === "submitting"}>
          <FormattedMessage
            id={
              !variant
                ? "product.unavailable"
                : variant.stock === "sold_out"
                  ? "product.soldOut"
                  : variant.stock === "continue_selling"
                    ? "product.preOrder"
                    : "product.addToCart"
            }
          />
        </button>
      </cart.Form>
      {addError ? <FormNotice error>{addError}</FormNotice> : null}
      {drawer ? <CartDrawer added={drawer} onClose={() => setDrawer(null)} /> : null}
      {variant?.sku ? (
        <p className="muted product-sku">
          <FormattedMessage id="product.sku" values={{ sku: variant.sku }} />
        </p>
      ) : null}
    </div>
  );
}
