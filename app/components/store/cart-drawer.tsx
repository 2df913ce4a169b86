import { Form, Link } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import type { CartView } from "../../../shop/cart.server.ts";
import { formatMoney } from "../../../shop/money.ts";
import { CartLineImage } from "./cart-line.tsx";

/** What the cart action answers the product page's form when it opens the drawer (JavaScript only). */
export interface AddedToCart {
  lineId: string;
  atLimit: boolean;
  cart: CartView;
  currency: string;
}

/**
 * The cart drawer: opened by the product page after an add, over the page, with the cart as it now is, its subtotal,
 * checkout and the way back to shopping. A modal <dialog>, so focus stays in it and Escape closes it. Without
 * JavaScript the add goes to the cart page instead.
 */
export function CartDrawer({ added, onClose }: { added: AddedToCart; onClose(): void }) {
  const intl = useIntl();
  const dialog = useRef<HTMLDialogElement>(null);
  // Opened for each add. Never closed from a cleanup: its close event would arrive after a re-run had opened it
  // again (React's strict mode runs effects twice) and take the drawer away.
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [added]);
  const { cart, currency } = added;
  return (
    <dialog ref={dialog} className="cart-drawer" aria-labelledby="cart-drawer-heading" onClose={onClose}>
      <div className="cart-drawer-head">
        <h2 id="cart-drawer-heading">
          <FormattedMessage id="cart.drawer.added" />
        </h2>
        <button type="button" className="link-button cart-drawer-close" onClick={() => dialog.current?.close()}>
          <FormattedMessage id="cart.drawer.close" />
        </button>
      </div>
      {added.atLimit ? (
        <p className="field-hint">
          <FormattedMessage id="cart.drawer.atLimit" />
        </p>
      ) : null}
      <ul className="cart-drawer-lines">
        {cart.lines.map((line) => (
          <li key={line.id} className={line.id === added.lineId ? "cart-drawer-line is-added" : "cart-drawer-line"}>
            <div className="cart-line-media">
              <CartLineImage line={line} sizes="4rem" />
            </div>
            <div>
              <p className="cart-drawer-title">{line.title}</p>
              {line.variantTitle ? <p className="muted">{line.variantTitle}</p> : null}
              <p className="muted">
                <FormattedMessage id="cart.drawer.quantity" values={{ quantity: line.quantity }} />
              </p>
            </div>
            <p className="cart-drawer-total">{line.lineTotal ? formatMoney(line.lineTotal, currency, intl.locale) : "—"}</p>
          </li>
        ))}
      </ul>
      <p className="cart-subtotal">
        <span>
          <FormattedMessage id="cart.drawer.subtotal" values={{ count: cart.itemCount }} />
        </span>{" "}
        <strong>{formatMoney(cart.subtotal, currency, intl.locale)}</strong>
      </p>
      <div className="cart-drawer-actions">
        {cart.ready ? (
          <Form method="post" action="/cart">
            <button type="submit" name="intent" value="checkout" className="button">
              <FormattedMessage id="cart.checkOut" />
            </button>
          </Form>
        ) : null}
        <Link to="/cart" className="button-secondary">
          <FormattedMessage id="cart.drawer.viewCart" />
        </Link>
        <button type="button" className="link-button" onClick={() => dialog.current?.close()}>
          <FormattedMessage id="cart.continueShopping" />
        </button>
      </div>
    </dialog>
  );
}
