import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { STATUS_LABELS } from "../../tenants/lifecycle.ts";
import { shopOrigin } from "../../server/config.ts";
import { OperatorHeader } from "../components/operator-header.tsx";
import { countSpareShops } from "../domain.server.ts";
import { requireOperator } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Operator console · Bazaar" }];

const PAGE_SIZE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().toLowerCase();
  let query = context.services.db
    .selectFrom("platform.shops")
    .select(["id", "slug", "name", "status", "plan", "created_at"])
    .orderBy("created_at", "desc")
    .limit(PAGE_SIZE);
  if (q) {
    const pattern = `%${q.replace(/[%_\\]/g, "\\$&")}%`;
    query = query.where((eb) => eb.or([eb("slug", "like", pattern), eb(eb.fn("lower", ["name"]), "like", pattern)]));
  }
  const [shops, spareShops] = await Promise.all([query.execute(), countSpareShops(context.services.db)]);
  return {
    email: operator.email,
    q,
    spareShops,
    spareTarget: context.services.config.spareShops,
    shops: shops.map((s) => ({ ...s, url: shopOrigin(context.services.config, s.slug), created_at: s.created_at.toISOString().slice(0, 10) })),
  };
}

export default function OperatorConsole() {
  const { email, q, shops, spareShops, spareTarget } = useLoaderData<typeof loader>();
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide">
        <h1>Shops</h1>
        <p className="muted">
          {`Spare shops ready for signups: ${spareShops} of ${spareTarget}.`} The worker provisions them ahead, so a signup takes one instead of waiting for its
          schema.
        </p>
        <Form method="get" role="search">
          <label htmlFor="q">Find a shop</label>
          <input id="q" name="q" type="search" defaultValue={q} placeholder="slug or name" />
        </Form>
        <table>
          <thead>
            <tr>
              <th>Shop</th>
              <th>Status</th>
              <th>Plan</th>
              <th>Created</th>
              <th>
                <span className="muted">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shops.map((shop) => (
              <tr key={shop.id}>
                <td>
                  <a href={shop.url}>{shop.name}</a>
                  <div className="muted">{shop.slug}</div>
                </td>
                <td>
                  <span className={`status ${shop.status}`}>{STATUS_LABELS[shop.status]}</span>
                </td>
                <td>{shop.plan}</td>
                <td>{shop.created_at}</td>
                <td>
                  <Link to={`/operator/shops/${shop.id}`}>Manage {shop.name}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </>
  );
}
