import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { auditFilterOptions, listAuditEvents } from "../domain.server.ts";
import styles from "../styles/settings.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Audit log · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireShopAdmin(context, request, params.shop, "audit");
  const search = new URL(request.url).searchParams;
  const filters = { action: search.get("action") ?? "", actor: search.get("actor") ?? "" };
  const [page, options] = await Promise.all([
    listAuditEvents(db, {
      action: filters.action || undefined,
      actor: filters.actor || undefined,
      before: search.get("before") ?? undefined,
      after: search.get("after") ?? undefined,
    }),
    auditFilterOptions(db),
  ]);
  const link = (cursor: Record<string, string>) =>
    `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), ...cursor })}`;
  return {
    filters,
    options,
    events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })),
    newerUrl: page.newer ? link({ after: page.newer }) : null,
    olderUrl: page.older ? link({ before: page.older }) : null,
  };
}

/** "2026-03-04 12:30:05 UTC": one unambiguous form, the same on the server and in the browser. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export default function AuditLog() {
  const { filters, options, events, newerUrl, olderUrl } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.action || filters.actor);
  return (
    <main className="audit">
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <p className="hint">Who changed what in this shop, newest first. Only owners see this page.</p>
      <Form method="get" className="toolbar" role="search">
        <label>
          Action
          <select name="action" defaultValue={filters.action}>
            <option value="">All actions</option>
            {options.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Who
          <select name="actor" defaultValue={filters.actor}>
            <option value="">Everyone</option>
            {options.actors.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          Filter
        </button>
        {filtered ? <Link to="?">Clear filters</Link> : null}
      </Form>

      {events.length === 0 ? (
        <p className="muted">{filtered ? "No events match these filters." : "Nothing has been recorded yet."}</p>
      ) : (
        // Focusable, so a keyboard can scroll it sideways on a narrow screen: the table has no links to tab to.
        <div className="scroll-x" tabIndex={0} role="region" aria-label="Audit events">
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">Details</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <time dateTime={e.at}>{when(e.at)}</time>
                  </td>
                  <td>{e.actorEmail}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.subjectType}
                    {e.subjectId ? <span className="muted"> {e.subjectId}</span> : null}
                  </td>
                  <td>{e.summary}</td>
                  <td className="nowrap">{e.ip || <span className="muted">–</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <nav className="pagination" aria-label="Pages">
        {newerUrl ? (
          <Link to={newerUrl} rel="prev">
            ← Newer
          </Link>
        ) : null}
        {olderUrl ? (
          <Link to={olderUrl} rel="next">
            Older →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
