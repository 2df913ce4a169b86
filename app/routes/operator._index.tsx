import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { formatMoney } from "../../shop/money.ts";
import { SHOP_STATUSES, STATUS_LABELS } from "../../tenants/lifecycle.ts";
import { OperatorHeader } from "../components/operator-header.tsx";
import { SHOP_SORTS, readShopListQuery, type ShopSort } from "../../tenants/shop-list.ts";
import { countSpareShops, listPlans, listShopPage } from "../domain.server.ts";
import { requireOperator } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Operator console · Bazaar" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const url = new URL(request.url);
  const query = readShopListQuery(url.searchParams);
  const { db, config } = context.services;
  const [page, spareShops, plans] = await Promise.all([listShopPage(db, query), countSpareShops(db), listPlans(db)]);
  return {
    email: operator.email,
    query: { ...query, after: null },
    spareShops,
    spareTarget: config.spareShops,
    plans: plans.map((p) => ({ id: p.id, name: p.name })),
    next: page.next,
    shops: page.shops.map((s) => ({
      id: s.id,
      slug: s.slug,
      name: s.name,
      status: s.status,
      plan: s.plan_name,
      url: shopOrigin(config, s.slug),
      gmv: s.currency ? formatMoney(s.gmv, s.currency) : "—",
      orders: Number(s.orders).toLocaleString("en-US"),
      lastActivity: s.last_activity_at.toISOString().slice(0, 10),
      created: s.created_at.toISOString().slice(0, 10),
    })),
  };
}

export default function OperatorConsole() {
  const { email, query, shops, spareShops, spareTarget, plans, next } = useLoaderData<typeof loader>();
  const link = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ q: query.q, status: query.status, plan: query.plan, sort: query.sort, dir: query.dir, ...changes })) {
      if (value) params.set(key, value);
    }
    return `?${params}`;
  };
  const sortHeader = (sort: ShopSort) => {
    const active = query.sort === sort;
    const dir = active && query.dir === "desc" ? "asc" : "desc";
    return (
      <th aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
        <Link to={link({ sort, dir })}>
          {SHOP_SORTS[sort].label}
          {active ? (query.dir === "asc" ? " ↑" : " ↓") : ""}
        </Link>
      </th>
    );
  };
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>Shops</h1>
        <p className="muted">
          {`Spare shops ready for signups: ${spareShops} of ${spareTarget}.`} The worker provisions them ahead, so a signup takes one instead of waiting for its
          schema.
        </p>
        <Form method="get" role="search" className="shop-filters">
          <div>
            <label htmlFor="q">Find a shop</label>
            <input id="q" name="q" type="search" defaultValue={query.q} placeholder="address or name" />
          </div>
          <div>
            <label htmlFor="status">Status</label>
            <select id="status" name="status" defaultValue={query.status ?? ""}>
              <option value="">Any</option>
              {SHOP_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="plan">Plan</label>
            <select id="plan" name="plan" defaultValue={query.plan ?? ""}>
              <option value="">Any</option>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <div>
            <button type="submit">Show</button>
          </div>
        </Form>
        <div className="scroll-x">
          <table>
            <thead>
              <tr>
                {sortHeader("name")}
                <th>Status</th>
                <th>Plan</th>
                {sortHeader("gmv")}
                {sortHeader("orders")}
                {sortHeader("activity")}
                {sortHeader("created")}
              </tr>
            </thead>
            <tbody>
              {shops.map((shop) => (
                <tr key={shop.id}>
                  <td>
                    <Link to={`/operator/shops/${shop.id}`}>Manage {shop.name}</Link>
                    <div className="muted">
                      <a href={shop.url}>{shop.slug}</a>
                    </div>
                  </td>
                  <td>
                    <span className={`status ${shop.status}`}>{STATUS_LABELS[shop.status]}</span>
                  </td>
                  <td>{shop.plan}</td>
                  <td className="num">{shop.gmv}</td>
                  <td className="num">{shop.orders}</td>
                  <td>{shop.lastActivity}</td>
                  <td>{shop.created}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {shops.length === 0 ? <p>No shops match.</p> : null}
        {next ? (
          <p>
            <Link to={link({ after: next })}>Next page</Link>
          </p>
        ) : null}
      </main>
    </>
  );
}
