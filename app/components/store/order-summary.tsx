import type { shopperOrderView } from "../../../shop/shopper-accounts.server.ts";
import { useIntl } from "react-intl";
import { countryName, isCountryCode } from "../../../shop/countries.ts";
import { formatMoney } from "../../../shop/money.ts";

export type ShopperOrder = NonNullable<Awaited<ReturnType<typeof shopperOrderView>>>;

const ADDRESS_KEYS = ["name", "line1", "line2", "city", "region", "postal_code"] as const;

/** An order's lines, totals and shipping address, as the account pages and the order status page show them. */
export function OrderSummary({ order }: { order: ShopperOrder }) {
  const intl = useIntl();
  const say = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const money = (amount: string) => formatMoney(amount, order.currency, intl.locale);
  const address = order.shippingAddress;
  return (
    <>
      <table className="store-table order-lines">
        <caption className="visually-hidden">{say("order.itemsIn", { number: order.number })}</caption>
        <thead>
          <tr>
            <th scope="col">{say("cart.product")}</th>
            <th scope="col">{say("cart.price")}</th>
            <th scope="col">{say("cart.quantity")}</th>
            <th scope="col">{say("cart.total")}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.id}>
              <td>
                {line.title}
                {line.variantTitle ? <p className="muted">{line.variantTitle}</p> : null}
                {line.sku ? <p className="muted">{say("product.sku", { sku: line.sku })}</p> : null}
              </td>
              <td data-label={say("cart.price")}>{money(line.unitPrice)}</td>
              <td data-label={say("cart.quantity")}>{line.quantity}</td>
              <td data-label={say("cart.total")}>{money(line.total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {say("cart.subtotal")}
            </th>
            <td>{money(order.subtotal)}</td>
          </tr>
          {BigInt(order.discountTotal) > 0n ? (
            <tr>
              <th scope="row" colSpan={3}>
                {order.discountCode ? say("order.discountWithCode", { code: order.discountCode }) : say("order.discount")}
              </th>
              <td>−{money(order.discountTotal)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row" colSpan={3}>
              {order.shippingTitle ? say("order.shippingWithRate", { rate: order.shippingTitle }) : say("checkout.shipping")}
            </th>
            <td>{money(order.shippingTotal)}</td>
          </tr>
          {BigInt(order.taxTotal) > 0n ? (
            <tr>
              <th scope="row" colSpan={3}>
                {say("order.tax")}
              </th>
              <td>{money(order.taxTotal)}</td>
            </tr>
          ) : null}
          <tr className="order-total">
            <th scope="row" colSpan={3}>
              {say("cart.total")}
            </th>
            <td>
              <strong>{money(order.total)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {address ? (
        <section className="order-address" aria-labelledby="shipping-heading">
          <h2 id="shipping-heading">{say("order.shippingAddress")}</h2>
          <address className="address-lines">
            {ADDRESS_KEYS.map((key) =>
              address[key] ? (
                <span key={key}>
                  {address[key]}
                  <br />
                </span>
              ) : null,
            )}
            {address.country && isCountryCode(address.country) ? countryName(address.country, intl.locale) : address.country}
          </address>
        </section>
      ) : null}
    </>
  );
}
