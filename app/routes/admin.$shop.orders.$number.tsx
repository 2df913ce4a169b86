import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { FINANCIAL_LABELS, formatUtcDateTime, FULFILLMENT_LABELS } from "../components/admin/sales-format.ts";
import { getOrder, markOrderFulfilled } from "../domain.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Order #${data?.order.number ?? ""} · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "orders");
  // Looked up through this shop's handle only: another shop's number is simply not here.
  const found = await getOrder(db, params.number ?? "");
  if (!found) throw new Response("Not found", { status: 404 });
  const { order, lines, events, customer } = found;
  const subtotal = BigInt(order.subtotal);
  const taxIncluded = BigInt(order.tax_total) > 0n && subtotal - BigInt(order.discount_total) + BigInt(order.shipping_total) === BigInt(order.total);
  return { slug: shop.slug, order, lines, events, customer, taxIncluded };
}

const FULFIL_ERRORS = {
  not_found: "This order no longer exists.",
  already_fulfilled: "This order is already fulfilled.",
  cancelled: "A cancelled order can't be fulfilled.",
} as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "orders");
  const form = await request.formData();
  if (form.get("intent") !== "fulfil") return data({ ok: false, message: "Unknown action." }, { status: 400 });
  const result = await markOrderFulfilled(db, actor, params.number ?? "");
  if (!result.ok) {
    if (result.error === "not_found") throw new Response("Not found", { status: 404 });
    return data({ ok: false, message: FULFIL_ERRORS[result.error] }, { status: 400 });
  }
  return { ok: true, message: "Order marked as fulfilled." };
}

export default function OrderDetail() {
  const { slug, order, lines, events, customer, taxIncluded } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fulfilling = useNavigation().formData?.get("intent") === "fulfil";
  const money = (amount: string) => formatMoney(amount, order.currency);
  const address = order.shipping_address;
  return (
    <main>
      <Link className="back" to={`/admin/${slug}/orders`}>
        ← Orders
      </Link>
      <div className="page-head">
        <h1>{`Order #${order.number}`}</h1>
        <div className="badges">
          <span className={`status ${order.financial_status}`}>{FINANCIAL_LABELS[order.financial_status]}</span>
          <span className={`status ${order.fulfillment_status}`}>{FULFILLMENT_LABELS[order.fulfillment_status]}</span>
          {order.cancelled_at ? <span className="status cancelled">Cancelled</span> : null}
        </div>
      </div>
      <p className="muted">Placed {formatUtcDateTime(order.created_at)}</p>
      {actionData ? (
        <p className={actionData.ok ? "flash" : "banner"} role={actionData.ok ? "status" : "alert"}>
          {actionData.message}
        </p>
      ) : null}

      <div className="detail">
        <div>
          <section className="card" aria-labelledby="lines-title">
            <h2 id="lines-title">Items</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">SKU</th>
                    <th scope="col" className="num">
                      Price
                    </th>
                    <th scope="col" className="num">
                      Quantity
                    </th>
                    <th scope="col" className="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((line) => (
                    <tr key={line.id}>
                      <td>
                        {line.product_id ? <Link to={`/admin/${slug}/products/${line.product_id}`}>{line.title}</Link> : line.title}
                        {line.variant_title && line.variant_title !== "Default Title" ? <div className="muted">{line.variant_title}</div> : null}
                      </td>
                      <td>{line.sku}</td>
                      <td className="num">{money(line.unit_price)}</td>
                      <td className="num">{line.quantity}</td>
                      <td className="num">{money(line.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <table className="totals" aria-label="Totals">
              <tbody>
                <tr>
                  <th scope="row">Subtotal</th>
                  <td className="num">{money(order.subtotal)}</td>
                </tr>
                {BigInt(order.discount_total) > 0n ? (
                  <tr>
                    <th scope="row">
                      Discount
                      {order.discount_code ? (
                        <>
                          {" "}
                          (<span className="code">{order.discount_code}</span>)
                        </>
                      ) : null}
                    </th>
                    <td className="num">−{money(order.discount_total)}</td>
                  </tr>
                ) : null}
                <tr>
                  <th scope="row">Shipping</th>
                  <td className="num">{money(order.shipping_total)}</td>
                </tr>
                <tr>
                  <th scope="row">Tax{taxIncluded ? " (included)" : ""}</th>
                  <td className="num">{money(order.tax_total)}</td>
                </tr>
                <tr className="grand">
                  <th scope="row">Total</th>
                  <td className="num">{money(order.total)}</td>
                </tr>
              </tbody>
            </table>
          </section>

          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol className="timeline">
              {[...events].reverse().map((event) => (
                <li key={event.id}>
                  <time dateTime={new Date(event.at).toISOString()}>{formatUtcDateTime(event.at)}</time>
                  {event.message}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <div>
          <section className="card" aria-labelledby="fulfilment-title">
            <h2 id="fulfilment-title">Fulfilment</h2>
            <p>
              <span className={`status ${order.fulfillment_status}`}>{FULFILLMENT_LABELS[order.fulfillment_status]}</span>
            </p>
            {order.fulfillment_status !== "fulfilled" && !order.cancelled_at ? (
              <Form method="post">
                <input type="hidden" name="intent" value="fulfil" />
                <button type="submit" disabled={fulfilling}>
                  {fulfilling ? "Saving…" : "Mark as fulfilled"}
                </button>
              </Form>
            ) : null}
          </section>

          <section className="card" aria-labelledby="payment-title">
            <h2 id="payment-title">Payment</h2>
            <p>
              <span className={`status ${order.financial_status}`}>{FINANCIAL_LABELS[order.financial_status]}</span>
            </p>
            {order.paid_at ? <p className="muted">Paid {formatUtcDateTime(order.paid_at)}</p> : null}
          </section>

          <section className="card" aria-labelledby="customer-title">
            <h2 id="customer-title">Customer</h2>
            {customer ? (
              <p>
                <Link to={`/admin/${slug}/customers/${customer.id}`}>{customer.name}</Link>
                {customer.email && customer.email !== customer.name ? (
                  <>
                    <br />
                    {customer.email}
                  </>
                ) : null}
              </p>
            ) : (
              <p>{order.email ? order.email : "Guest checkout"}</p>
            )}
            {address ? (
              <>
                <h3>Shipping address</h3>
                <address>
                  {["name", "line1", "line2", "city", "region", "postal_code", "country"].map((key) =>
                    address[key] ? <div key={key}>{address[key]}</div> : null,
                  )}
                </address>
              </>
            ) : null}
          </section>
        </div>
      </div>
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
