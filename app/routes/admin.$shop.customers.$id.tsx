import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { FINANCIAL_LABELS, formatUtcDate, formatUtcDateTime, FULFILLMENT_LABELS } from "../components/admin/sales-format.ts";
import { getCustomer } from "../domain.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.name ?? "Customer"} · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "customers");
  const { currency } = await db.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  const found = await getCustomer(db, params.id ?? "", currency);
  if (!found) throw new Response("Not found", { status: 404 });
  return { slug: shop.slug, currency, ...found };
}

export default function CustomerDetail() {
  const { slug, currency, customer, orderCount, lifetimeSpend, orders, addresses } = useLoaderData<typeof loader>();
  return (
    <main>
      <Link className="back" to={`/admin/${slug}/customers`}>
        ← Customers
      </Link>
      <div className="page-head">
        <h1>{customer.name}</h1>
        {customer.deleted ? <span className="status deleted">Deleted</span> : null}
      </div>
      <p className="muted">
        {customer.deleted && customer.deletedAt
          ? `Deleted ${formatUtcDate(customer.deletedAt)}. Their personal details are gone; their orders stay in your books.`
          : `Customer since ${formatUtcDate(customer.createdAt)}`}
      </p>

      <div className="detail">
        <div>
          <section className="card stats" aria-label="Figures">
            <div>
              <h2>Orders</h2>
              <p className="figure">{orderCount}</p>
            </div>
            <div>
              <h2>Lifetime spend</h2>
              <p className="figure">{formatMoney(lifetimeSpend, currency)}</p>
              <p className="hint">Paid orders in {currency}.</p>
            </div>
          </section>

          <section className="card" aria-labelledby="orders-title">
            <h2 id="orders-title">Orders</h2>
            {orders.length ? (
              <div className="table-wrap">
                <div className="scroll-x">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Order</th>
                        <th scope="col">Date</th>
                        <th scope="col">Payment</th>
                        <th scope="col">Fulfilment</th>
                        <th scope="col" className="num">
                          Total
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {orders.map((order) => (
                        <tr key={order.id}>
                          <th scope="row">
                            <Link to={`/admin/${slug}/orders/${order.number}`}>{`#${order.number}`}</Link>
                          </th>
                          <td>{formatUtcDateTime(order.created_at)}</td>
                          <td>
                            <span className={`status ${order.financial_status}`}>{FINANCIAL_LABELS[order.financial_status]}</span>
                          </td>
                          <td>
                            <span className={`status ${order.fulfillment_status}`}>{FULFILLMENT_LABELS[order.fulfillment_status]}</span>
                          </td>
                          <td className="num">{formatMoney(order.total, order.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ) : (
              <p>No orders yet.</p>
            )}
          </section>
        </div>

        <div>
          <section className="card" aria-labelledby="contact-title">
            <h2 id="contact-title">Contact</h2>
            {customer.deleted ? (
              <p className="muted">Not kept after deletion.</p>
            ) : (
              <>
                <p>
                  {customer.email ?? "No email"}
                  {customer.phone ? (
                    <>
                      <br />
                      {customer.phone}
                    </>
                  ) : null}
                </p>
                <p className="muted">{customer.acceptsMarketing ? "Subscribed to marketing emails." : "Not subscribed to marketing emails."}</p>
              </>
            )}
          </section>
          {addresses.length ? (
            <section className="card" aria-labelledby="addresses-title">
              <h2 id="addresses-title">Addresses</h2>
              {addresses.map((a) => (
                <address key={a.id}>
                  {a.is_default ? (
                    <strong>
                      Default
                      <br />
                    </strong>
                  ) : null}
                  {[a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`.trim(), a.region, a.country].filter(Boolean).map((part, i) => (
                    <div key={i}>{part}</div>
                  ))}
                </address>
              ))}
            </section>
          ) : null}
        </div>
      </div>
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
