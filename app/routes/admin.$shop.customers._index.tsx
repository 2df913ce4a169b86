import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { CUSTOMER_SORT_LABELS, formatUtcDate } from "../components/admin/sales-format.ts";
import { listCustomers, parseCustomerFilters } from "../domain.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Customers · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "customers");
  const { currency } = await db.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  const filters = parseCustomerFilters(new URL(request.url).searchParams);
  const result = await listCustomers(db, filters, currency);
  return { slug: shop.slug, currency, filters, ...result };
}

export default function CustomersIndex() {
  const { slug, currency, filters, customers, total, page, pageCount } = useLoaderData<typeof loader>();
  return (
    <main>
      <div className="page-head">
        <h1>
          Customers{" "}
          <span className="count">
            {total} {filters.q ? "found" : "in total"}
          </span>
        </h1>
      </div>

      <Form method="get" className="filters" role="search" aria-label="Find customers">
        <div>
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={filters.q} placeholder="Name, email or phone" />
        </div>
        <div>
          <label htmlFor="sort">Sort</label>
          <select id="sort" name="sort" defaultValue={filters.sort}>
            {Object.entries(CUSTOMER_SORT_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Apply</button>
          {filters.q ? <Link to={`/admin/${slug}/customers`}>Clear</Link> : null}
        </div>
      </Form>

      {customers.length ? (
        <div className="table-wrap">
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Email</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                  <th scope="col" className="num">
                    Spent
                  </th>
                  <th scope="col" className="wide-only">
                    Customer since
                  </th>
                </tr>
              </thead>
              <tbody>
                {customers.map((customer) => (
                  <tr key={customer.id}>
                    <th scope="row">
                      <Link to={`/admin/${slug}/customers/${customer.id}`} className={customer.deleted ? "muted" : undefined}>
                        {customer.name}
                      </Link>
                    </th>
                    <td>{customer.email ?? ""}</td>
                    <td className="num">{customer.orderCount}</td>
                    <td className="num">{formatMoney(customer.spend, currency)}</td>
                    <td className="wide-only">{formatUtcDate(customer.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="empty card">{filters.q ? "No customers match this search." : "No customers yet. Shoppers appear here when they order or sign up."}</p>
      )}

      <ListPagination page={page} pageCount={pageCount} total={total} noun="customer" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
