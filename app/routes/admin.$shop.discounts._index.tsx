import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { DISCOUNT_SCOPE_LABELS, DISCOUNT_STATUS_LABELS, formatUtcDateTime } from "../components/admin/sales-format.ts";
import { describeValue, listDiscounts } from "../domain.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Discounts · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "discounts");
  const { currency } = await db.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 64);
  const page = Math.max(1, Math.min(100_000, Number(url.searchParams.get("page")) || 1));
  const result = await listDiscounts(db, { q, page }, new Date());
  return {
    slug: shop.slug,
    q,
    page: result.page,
    pageCount: result.pageCount,
    total: result.total,
    discounts: result.discounts.map((d) => ({
      id: d.id,
      code: d.code,
      value: describeValue(d.kind, d.value, currency),
      appliesTo: d.applies_to,
      status: d.status,
      timesUsed: d.timesUsed,
      usageLimit: d.usage_limit,
      startsAt: d.starts_at,
      endsAt: d.ends_at,
    })),
  };
}

export default function DiscountsIndex() {
  const { slug, q, discounts, total, page, pageCount } = useLoaderData<typeof loader>();
  const deleted = useSearchParams()[0].get("deleted");
  return (
    <main>
      <div className="page-head">
        <h1>
          Discounts{" "}
          <span className="count">
            {total} code{total === 1 ? "" : "s"}
          </span>
        </h1>
        <Link className="button" to={`/admin/${slug}/discounts/new`}>
          Create discount
        </Link>
      </div>

      {deleted ? (
        <p className="flash" role="status">
          Deleted the code {deleted}.
        </p>
      ) : null}

      <Form method="get" className="filters" role="search" aria-label="Find discount codes">
        <div>
          <label htmlFor="q">Search codes</label>
          <input id="q" name="q" type="search" defaultValue={q} />
        </div>
        <div className="actions">
          <button type="submit">Search</button>
          {q ? <Link to={`/admin/${slug}/discounts`}>Clear</Link> : null}
        </div>
      </Form>

      {discounts.length ? (
        <div className="table-wrap">
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Discount</th>
                  <th scope="col">Applies to</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Used
                  </th>
                  <th scope="col">Active (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {discounts.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">
                      <Link className="code" to={`/admin/${slug}/discounts/${d.id}`}>
                        {d.code}
                      </Link>
                    </th>
                    <td>{d.value}</td>
                    <td>{DISCOUNT_SCOPE_LABELS[d.appliesTo]}</td>
                    <td>
                      <span className={`status ${d.status}`}>{DISCOUNT_STATUS_LABELS[d.status]}</span>
                    </td>
                    <td className="num">
                      {d.timesUsed}
                      {d.usageLimit !== null ? ` / ${d.usageLimit}` : ""}
                    </td>
                    <td>
                      {formatUtcDateTime(d.startsAt)}
                      {d.endsAt ? <> – {formatUtcDateTime(d.endsAt)}</> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="empty card">{q ? "No codes match this search." : "No discount codes yet. Create one to run a sale or thank regulars."}</p>
      )}

      <ListPagination page={page} pageCount={pageCount} total={total} noun="discount code" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
