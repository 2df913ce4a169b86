import type { shopperOrderView } from "../../../shop/shopper-accounts.server.ts";
import { formatMoney } from "../../../shop/money.ts";

export type ShopperOrder = NonNullable<Awaited<ReturnType<typeof shopperOrderView>>>;

const ADDRESS_KEYS = ["name", "line1", "line2", "city", "region", "postal_code"] as const;

/** An order's lines, totals and shipping address, as the account pages and the order status page show them. */
export function OrderSummary({ order }: { order: ShopperOrder }) {
  const money = (amount: string) => formatMoney(amount, order.currency);
  const address = order.shippingAddress;
  return (
    <>
      <table className="store-table order-lines">
        <caption className="visually-hidden">{`Items in order #${order.number}`}</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.id}>
              <td>
                {line.title}
                {line.variantTitle ? <p className="muted">{line.variantTitle}</p> : null}
                {line.sku ? <p className="muted">SKU: {line.sku}</p> : null}
              </td>
              <td data-label="Price">{money(line.unitPrice)}</td>
              <td data-label="Quantity">{line.quantity}</td>
              <td data-label="Total">{money(line.total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Subtotal
            </th>
            <td>{money(order.subtotal)}</td>
          </tr>
          {BigInt(order.discountTotal) > 0n ? (
            <tr>
              <th scope="row" colSpan={3}>
                Discount{order.discountCode ? ` (${order.discountCode})` : ""}
              </th>
              <td>−{money(order.discountTotal)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row" colSpan={3}>
              Shipping{order.shippingTitle ? ` (${order.shippingTitle})` : ""}
            </th>
            <td>{money(order.shippingTotal)}</td>
          </tr>
          {BigInt(order.taxTotal) > 0n ? (
            <tr>
              <th scope="row" colSpan={3}>
                Tax
              </th>
              <td>{money(order.taxTotal)}</td>
            </tr>
          ) : null}
          <tr className="order-total">
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td>
              <strong>{money(order.total)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {address ? (
        <section className="order-address" aria-labelledby="shipping-heading">
          <h2 id="shipping-heading">Shipping address</h2>
          <address className="address-lines">
            {ADDRESS_KEYS.map((key) =>
              address[key] ? (
                <span key={key}>
                  {address[key]}
                  <br />
                </span>
              ) : null,
            )}
            {order.shippingCountry}
          </address>
        </section>
      ) : null}
    </>
  );
}
