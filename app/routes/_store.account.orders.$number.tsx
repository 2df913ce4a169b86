import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { AccountNav } from "../components/store/account-nav.tsx";
import { FULFILLMENT_LABELS, OrderDate, PAYMENT_LABELS } from "../components/store/account-orders.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { getShopperOrder } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";

// /account/orders/:number: one of the shopper's own orders; anyone else's is a 404.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shopper, headers } = await requireShopper(context, request);
  const order = await getShopperOrder(db, shopper, params.number);
  if (!order) throw new Response("Not found", { status: 404, headers });
  return data(
    { order, seo: { title: `Order #${order.number}`, description: `Order #${order.number}`, path: `/account/orders/${order.number}`, noindex: true } },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

const ADDRESS_KEYS = ["name", "line1", "line2", "city", "region", "postal_code"] as const;

export default function AccountOrder() {
  const { order } = useLoaderData<typeof loader>();
  const money = (amount: string) => formatMoney(amount, order.currency);
  const address = order.shippingAddress;
  return (
    <div className="store-page account-page">
      <PageHeader title={`Order #${order.number}`}>
        <p className="muted">
          Placed on <OrderDate date={order.createdAt} />
        </p>
      </PageHeader>
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          <p>
            <Link to="/account">← All orders</Link>
          </p>
          <p className="order-status">
            {order.cancelledAt ? (
              <>
                <strong>Cancelled</strong> on <OrderDate date={order.cancelledAt} />
              </>
            ) : (
              <>
                <strong>{PAYMENT_LABELS[order.financialStatus]}</strong> · {FULFILLMENT_LABELS[order.fulfillmentStatus]}
              </>
            )}
          </p>
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
                  Shipping
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
        </div>
      </div>
    </div>
  );
}
