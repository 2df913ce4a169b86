import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listPages } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Pages · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "pages");
  const search = new URL(request.url).searchParams;
  const list = await listPages(db, search);
  return {
    shopSlug: shop.slug,
    page: list.page,
    total: list.total,
    pageCount: list.pageCount,
    notice: search.has("deleted") ? "Page deleted." : null,
    pages: list.pages.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString().slice(0, 10) })),
  };
}

export default function PageList() {
  const { shopSlug, pages, page, total, pageCount, notice } = useLoaderData<typeof loader>();
  const base = `/admin/${shopSlug}/pages`;
  return (
    <main className="catalogue">
      <div className="page-head">
        <h1>Pages</h1>
        <Link className="button" to={`${base}/new`}>
          Add page
        </Link>
      </div>
      {notice ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      {pages.length ? (
        <div className="scroll-x">
          <table className="list-table">
            <thead>
              <tr>
                <th scope="col">Page</th>
                <th scope="col">Visibility</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {pages.map((p) => (
                <tr key={p.id}>
                  <td className="title-cell">
                    <Link to={`${base}/${p.id}`}>{p.title}</Link>
                    <span className="sub">{`/pages/${p.handle}`}</span>
                  </td>
                  <td>
                    <span className={`status ${p.visibility}`}>{p.visibility === "visible" ? "Visible" : "Hidden"}</span>
                  </td>
                  <td>{p.updatedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty">No pages yet. Tell shoppers who you are, answer their questions, or explain how you work.</p>
      )}
      <ListPagination page={page} pageCount={pageCount} total={total} noun="page" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
