import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { FinancialStatus, FulfillmentStatus } from "../../db/types.ts";
import { formatMoney } from "../../shop/money.ts";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { FINANCIAL_LABELS, formatUtcDateTime, FULFILLMENT_LABELS, ORDER_SORT_LABELS } from "../components/admin/sales-format.ts";
import { listOrders, parseOrderFilters } from "../domain.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Orders · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "orders");
  const filters = parseOrderFilters(new URL(request.url).searchParams);
  const result = await listOrders(db, filters);
  return { slug: shop.slug, filters, ...result };
}

export default function OrdersIndex() {
  const { slug, filters, orders, total, page, pageCount } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.q || filters.financialStatus || filters.fulfillmentStatus || filters.from || filters.to);
  return (
    <main>
      <div className="page-head">
        <h1>
          Orders{" "}
          <span className="count">
            {total} {filtered ? "found" : "in total"}
          </span>
        </h1>
      </div>

      <Form method="get" className="filters" role="search" aria-label="Filter orders">
        <div>
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={filters.q} placeholder="Order number or email" />
        </div>
        <div>
          <label htmlFor="financial">Payment</label>
          <select id="financial" name="financial" defaultValue={filters.financialStatus ?? ""}>
            <option value="">Any</option>
            {(Object.keys(FINANCIAL_LABELS) as FinancialStatus[]).map((s) => (
              <option key={s} value={s}>
                {FINANCIAL_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="fulfillment">Fulfilment</label>
          <select id="fulfillment" name="fulfillment" defaultValue={filters.fulfillmentStatus ?? ""}>
            <option value="">Any</option>
            {(Object.keys(FULFILLMENT_LABELS) as FulfillmentStatus[]).map((s) => (
              <option key={s} value={s}>
                {FULFILLMENT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from">From (UTC)</label>
          <input id="from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to">To (UTC)</label>
          <input id="to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        <div>
          <label htmlFor="sort">Sort</label>
          <select id="sort" name="sort" defaultValue={filters.sort}>
            {Object.entries(ORDER_SORT_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Apply</button>
          {filtered ? <Link to={`/admin/${slug}/orders`}>Clear</Link> : null}
        </div>
      </Form>

      {orders.length ? (
        <div className="table-wrap">
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col" className="wide-only">
                    Date
                  </th>
                  <th scope="col">Customer</th>
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
                    <td className="wide-only">{formatUtcDateTime(order.createdAt)}</td>
                    <td>{order.customerName ?? (order.email || "Guest")}</td>
                    <td>
                      <span className={`status ${order.financialStatus}`}>{FINANCIAL_LABELS[order.financialStatus]}</span>
                    </td>
                    <td>
                      <span className={`status ${order.fulfillmentStatus}`}>{FULFILLMENT_LABELS[order.fulfillmentStatus]}</span>
                    </td>
                    <td className="num">{formatMoney(order.total, order.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="empty card">{filtered ? "No orders match these filters." : "No orders yet. They appear here as soon as shoppers check out."}</p>
      )}

      <ListPagination page={page} pageCount={pageCount} total={total} noun="order" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
