import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { OperatorHeader } from "../components/operator-header.tsx";
import { listOperatorActions } from "../domain.server.ts";
import { requireOperator } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Operator log · Operator console · Bazaar" }];

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const before = new URL(request.url).searchParams.get("before") ?? "";
  const rows = await listOperatorActions(context.services.db, { before: /^[1-9]\d{0,17}$/.test(before) ? before : undefined, limit: PAGE });
  return {
    email: operator.email,
    rows: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString().slice(0, 19).replace("T", " ") })),
    next: rows.length === PAGE ? rows[rows.length - 1].id : null,
  };
}

export default function OperatorLog() {
  const { email, rows, next } = useLoaderData<typeof loader>();
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>Operator log</h1>
        <p className="muted">Every action taken in the console, newest first.</p>
        <div className="scroll-x">
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Operator</th>
                <th>Action</th>
                <th>Shop</th>
                <th>Detail</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{r.created_at}</td>
                  <td>{r.operator_email}</td>
                  <td>{r.action}</td>
                  <td>{r.shop_id ? <Link to={`/operator/shops/${r.shop_id}`}>{r.shop_name ?? r.shop_id}</Link> : null}</td>
                  <td>{r.detail}</td>
                  <td>{r.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {next ? <Link to={`?before=${next}`}>Older entries</Link> : null}
      </main>
    </>
  );
}
