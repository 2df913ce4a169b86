import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listCollections, readCollectionListQuery } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Collections · Bazaar admin" }];

const SORTS = [
  { value: "updated-desc", label: "Recently updated" },
  { value: "updated-asc", label: "Least recently updated" },
  { value: "created-desc", label: "Newest" },
  { value: "created-asc", label: "Oldest" },
  { value: "title-asc", label: "Title A–Z" },
  { value: "title-desc", label: "Title Z–A" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const search = new URL(request.url).searchParams;
  const query = readCollectionListQuery(search);
  const list = await listCollections(db, query);
  return {
    shopSlug: shop.slug,
    query: { ...query, sortValue: `${query.sort}-${query.direction}` },
    total: list.total,
    pageCount: list.pageCount,
    notice: search.has("deleted") ? "Collection deleted." : null,
    collections: list.collections.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString().slice(0, 10) })),
  };
}

export default function CollectionList() {
  const { shopSlug, query, collections, total, pageCount, notice } = useLoaderData<typeof loader>();
  const base = `/admin/${shopSlug}/collections`;
  const filtered = Boolean(query.q || query.kind);
  return (
    <main className="catalogue">
      <div className="page-head">
        <h1>Collections</h1>
        <Link className="button" to={`${base}/new`}>
          Add collection
        </Link>
      </div>
      {notice ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      <Form method="get" className="list-filters" role="search" aria-label="Find collections">
        <div>
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={query.q} placeholder="Title or handle" />
        </div>
        <div>
          <label htmlFor="kind">Type</label>
          <select id="kind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">Any</option>
            <option value="manual">Manual</option>
            <option value="automated">Automated</option>
          </select>
        </div>
        <div>
          <label htmlFor="sort">Sort by</label>
          <select id="sort" name="sort" defaultValue={query.sortValue}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          Apply
        </button>
        {filtered ? <Link to={base}>Clear</Link> : null}
      </Form>
      {collections.length ? (
        <div className="scroll-x">
          <table className="list-table">
            <thead>
              <tr>
                <th scope="col">Collection</th>
                <th scope="col">Type</th>
                <th scope="col" className="wide-only">
                  Inside
                </th>
                <th scope="col" className="num">
                  Products
                </th>
                <th scope="col" className="wide-only">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {collections.map((c) => (
                <tr key={c.id}>
                  <td className="title-cell">
                    <Link to={`${base}/${c.id}`}>{c.title}</Link>
                    <span className="sub">{c.handle}</span>
                  </td>
                  <td>{c.kind === "manual" ? "Manual" : "Automated"}</td>
                  <td className="wide-only">{c.parentTitle ?? <span className="muted">—</span>}</td>
                  <td className="num">{c.productCount}</td>
                  <td className="wide-only">{c.updatedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty">{filtered ? "No collections match." : "No collections yet. Group products into collections for your shop's navigation."}</p>
      )}
      <ListPagination page={query.page} pageCount={pageCount} total={total} noun="collection" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
