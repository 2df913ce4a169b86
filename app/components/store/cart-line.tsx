import { Form, Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import type { CartLineView } from "../../../shop/cart.server.ts";
import { formatMoney } from "../../../shop/money.ts";
import { StoreImage } from "./image.tsx";
import { Price } from "./price.tsx";

const STATE_TEXT = {
  unavailable: "cart.line.unavailable",
  sold_out: "cart.line.soldOut",
} as const;

/**
 * One row of the cart table: what it is, today's price, a quantity form and a
 * remove button (each a plain form, so the cart works without JavaScript).
 * `error` is the message for this line's last change; `atLimit` says the last
 * change reached the most that can be bought.
 */
export function CartLineRow({ line, currency, error, atLimit }: { line: CartLineView; currency: string; error?: string; atLimit: boolean }) {
  const intl = useIntl();
  const quantityId = `quantity-${line.id}`;
  const messageId = `line-${line.id}-message`;
  const message =
    error ??
    (line.state === "unavailable" || line.state === "sold_out"
      ? intl.formatMessage({ id: STATE_TEXT[line.state] })
      : line.state === "limited"
        ? intl.formatMessage({ id: "cart.line.limited" }, { max: line.maxQuantity })
        : atLimit
          ? intl.formatMessage({ id: "cart.line.atLimit" }, { max: line.maxQuantity })
          : null);
  const hidden = (text: React.ReactNode[]) => <span className="visually-hidden">{text}</span>;
  const problem = Boolean(error) || line.state !== "ok";
  const name = line.variantTitle ? `${line.title} (${line.variantTitle})` : line.title;
  return (
    <tr className={`cart-line cart-line-${line.state}`}>
      <td className="cart-line-product">
        <div className="cart-line-item">
          <div className="cart-line-media">
            <CartLineImage line={line} sizes="6rem" />
          </div>
          <div>
            {line.productHandle ? (
              <Link to={`/products/${line.productHandle}${line.variantId ? `?variant=${line.variantId}` : ""}`} className="cart-line-title">
                {line.title}
              </Link>
            ) : (
              <span className="cart-line-title">{line.title}</span>
            )}
            {line.variantTitle ? <p className="muted cart-line-variant">{line.variantTitle}</p> : null}
            {line.state === "unavailable" ? (
              <span className="badge badge-soldout">
                <FormattedMessage id="product.unavailable" />
              </span>
            ) : null}
            {line.state === "sold_out" ? (
              <span className="badge badge-soldout">
                <FormattedMessage id="product.soldOut" />
              </span>
            ) : null}
          </div>
        </div>
      </td>
      <td className="cart-line-price" data-label={intl.formatMessage({ id: "cart.price" })}>
        {line.unitPrice ? <Price amount={line.unitPrice} compareAt={line.compareAtPrice} currency={currency} /> : <span className="muted">—</span>}
      </td>
      <td className="cart-line-quantity" data-label={intl.formatMessage({ id: "cart.quantity" })}>
        {line.state === "unavailable" || line.state === "sold_out" ? (
          <p className="cart-line-count">{line.quantity}</p>
        ) : (
          <div className="quantity-stepper">
            <QuantityStep line={line} by={-1} label={intl.formatMessage({ id: "cart.line.decrease" }, { name })} />
            <Form method="post" action="/cart" className="cart-quantity-form" key={`${line.id}-${line.quantity}`} preventScrollReset noValidate>
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="lineId" value={line.id} />
              <label htmlFor={quantityId} className="visually-hidden">
                <FormattedMessage id="cart.line.quantityOf" values={{ name }} />
              </label>
              <input
                id={quantityId}
                name="quantity"
                type="number"
                inputMode="numeric"
                min={1}
                max={line.maxQuantity ?? undefined}
                defaultValue={line.quantity}
                className="quantity-input"
                required
                aria-invalid={problem ? true : undefined}
                aria-describedby={message ? messageId : undefined}
              />
              <button type="submit" className="button-secondary">
                <FormattedMessage id="cart.line.update" values={{ name, hidden }} />
              </button>
            </Form>
            <QuantityStep line={line} by={1} label={intl.formatMessage({ id: "cart.line.increase" }, { name })} />
          </div>
        )}
        {message ? (
          <p className={problem ? "field-error" : "field-hint"} id={messageId}>
            {message}
          </p>
        ) : null}
        <Form method="post" action="/cart" className="cart-remove-form" preventScrollReset>
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="lineId" value={line.id} />
          <button type="submit" className="link-button">
            <FormattedMessage id="cart.line.remove" values={{ name, hidden }} />
          </button>
        </Form>
      </td>
      <td className="cart-line-total" data-label={intl.formatMessage({ id: "cart.total" })}>
        {line.lineTotal ? formatMoney(line.lineTotal, currency, intl.locale) : <span className="muted">—</span>}
      </td>
    </tr>
  );
}

/** A − or + button: its own small form, so it works without JavaScript too. Never below 1 or past what can be bought. */
function QuantityStep({ line, by, label }: { line: CartLineView; by: 1 | -1; label: string }) {
  const quantity = line.quantity + by;
  const out = quantity < 1 || (line.maxQuantity !== null && quantity > line.maxQuantity);
  return (
    <Form method="post" action="/cart" className="quantity-step" preventScrollReset>
      <input type="hidden" name="intent" value="update" />
      <input type="hidden" name="lineId" value={line.id} />
      <input type="hidden" name="quantity" value={quantity} />
      <button type="submit" className="button-secondary" aria-label={label} title={label} disabled={out}>
        {by < 0 ? "−" : "+"}
      </button>
    </Form>
  );
}

/** A line's picture, or its initial on a plain tile when the product has none. */
export function CartLineImage({ line, sizes }: { line: CartLineView; sizes: string }) {
  return line.image ? (
    <StoreImage image={line.image} sizes={sizes} />
  ) : (
    <span className="cart-line-placeholder" aria-hidden="true">
      {line.title.slice(0, 1)}
    </span>
  );
}
