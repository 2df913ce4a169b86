import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { formatMoney } from "../../shop/money.ts";
import {
  applyProductBulkAction,
  deleteProductImageFiles,
  listProducts,
  moneyStyle,
  productFacets,
  ProductValidationError,
  readProductListQuery,
  type ProductBulkAction,
} from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { ListPagination } from "../components/admin/list-pagination.tsx";
import { productBulkForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/catalogue.css";
import { useHydrated } from "../utils/use-hydrated.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Products · Bazaar admin" }];

const SORTS = [
  { value: "updated-desc", label: "Recently updated" },
  { value: "updated-asc", label: "Least recently updated" },
  { value: "created-desc", label: "Newest" },
  { value: "created-asc", label: "Oldest" },
  { value: "title-asc", label: "Title A–Z" },
  { value: "title-desc", label: "Title Z–A" },
  { value: "inventory-desc", label: "Most in stock" },
  { value: "inventory-asc", label: "Least in stock" },
];

const BULK_ACTIONS = [
  { value: "publish", label: "Publish (set active)", done: "Published" },
  { value: "archive", label: "Archive", done: "Archived" },
  { value: "add_tag", label: "Add tag", done: "Tagged" },
  { value: "remove_tag", label: "Remove tag", done: "Untagged" },
  { value: "delete", label: "Delete", done: "Deleted" },
] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const search = new URL(request.url).searchParams;
  const query = readProductListQuery(search);
  const [list, facets, currency] = await Promise.all([listProducts(db, query), productFacets(db), moneyStyle(db).then((s) => s.currency)]);
  return {
    shopSlug: shop.slug,
    query: { ...query, sortValue: `${query.sort}-${query.direction}` },
    facets,
    total: list.total,
    pageCount: list.pageCount,
    notice: search.has("deleted") ? "Product deleted." : null,
    products: list.products.map((p) => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      status: p.status,
      vendor: p.vendor,
      productType: p.productType,
      tags: p.tags,
      inventory: p.inventory,
      variantCount: p.variantCount,
      price:
        p.minPrice === null
          ? "—"
          : p.minPrice === p.maxPrice
            ? formatMoney(p.minPrice, currency)
            : `${formatMoney(p.minPrice, currency)} – ${formatMoney(p.maxPrice!, currency)}`,
      updatedAt: p.updatedAt.toISOString().slice(0, 10),
    })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const form = await readForm(request, productBulkForm);
  if (!form.ok) return data({ errors: form.errors, notice: null }, { status: 400 });
  const { bulkAction: kind, tag, ids } = form.value;
  if (!ids.length) return data({ errors: { ids: "Tick the products to change first." }, notice: null }, { status: 400 });
  const bulk: ProductBulkAction = kind === "add_tag" || kind === "remove_tag" ? { kind, tag } : { kind };
  try {
    const { changed, deletedIds } = await applyProductBulkAction(db, actor, ids, bulk);
    // After the commit, and only for the products actually deleted: their stored files can go too.
    for (const id of deletedIds) await deleteProductImageFiles(context.services.media, shop.id, id);
    const done = BULK_ACTIONS.find((a) => a.value === bulk.kind)!.done;
    // A new revision clears the ticks once the change is done.
    return { errors: {} as Record<string, string>, notice: `${done} ${changed} product${changed === 1 ? "" : "s"}.`, revision: crypto.randomUUID() };
  } catch (error) {
    if (error instanceof ProductValidationError) return data({ errors: error.errors, notice: null }, { status: 400 });
    throw error;
  }
}

export default function ProductList() {
  const { shopSlug, query, facets, products, total, pageCount, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const navigation = useNavigation();
  const bulkForm = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();
  const filtered = Boolean(query.q || query.status || query.vendor || query.productType || query.tag);
  const base = `/admin/${shopSlug}/products`;

  return (
    <main className="catalogue">
      <div className="page-head">
        <h1>Products</h1>
        <Link className="button" to={`${base}/new`}>
          Add product
        </Link>
      </div>
      {notice && !result ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      {result?.notice ? (
        <p className="flash" role="status">
          {result.notice}
        </p>
      ) : null}

      <Form method="get" className="list-filters" role="search" aria-label="Find products">
        <div>
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={query.q} placeholder="Title or SKU" />
        </div>
        <div>
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={query.status ?? ""}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="draft">Draft</option>
            <option value="archived">Archived</option>
          </select>
        </div>
        <div>
          <label htmlFor="vendor">Vendor</label>
          <select id="vendor" name="vendor" defaultValue={query.vendor}>
            <option value="">Any</option>
            {facets.vendors.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="type">Product type</label>
          <select id="type" name="type" defaultValue={query.productType}>
            <option value="">Any</option>
            {facets.productTypes.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="tag">Tag</label>
          <select id="tag" name="tag" defaultValue={query.tag}>
            <option value="">Any</option>
            {facets.tags.map((v) => (
              <option key={v}>{v}</option>
            ))}
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

      {products.length ? (
        <Form
          method="post"
          ref={bulkForm}
          preventScrollReset
          key={result && "revision" in result ? result.revision : "list"}
          onSubmit={(e) => {
            const form = e.currentTarget;
            if ((form.elements.namedItem("bulkAction") as HTMLSelectElement).value !== "delete") return;
            const count = form.querySelectorAll("input[name=ids]:checked").length;
            if (!window.confirm(`Delete ${count} product${count === 1 ? "" : "s"}? This can't be undone.`)) e.preventDefault();
          }}
        >
          <div className="bulk-bar" role="group" aria-label="Change selected products">
            <label htmlFor="bulkAction">With selected</label>
            <select id="bulkAction" name="bulkAction" defaultValue="publish" aria-describedby={errors.bulkAction ? "bulkAction-error" : undefined}>
              {BULK_ACTIONS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
            <input
              id="bulkTag"
              name="tag"
              aria-label="Tag to add or remove"
              placeholder="Tag"
              className="bulk-value"
              aria-invalid={Boolean(errors.tag)}
              aria-describedby={errors.tag ? "tag-error" : undefined}
            />
            <button type="submit" className="secondary" disabled={navigation.state === "submitting"}>
              Apply
            </button>
          </div>
          {Object.entries(errors).map(([field, message]) => (
            <p key={field} className="error" id={`${field}-error`}>
              {message}
            </p>
          ))}
          <div className="scroll-x">
            <table className="list-table">
              <thead>
                <tr>
                  <th scope="col" className="check">
                    {hydrated ? (
                      <input
                        type="checkbox"
                        aria-label="Select all products on this page"
                        onChange={(e) =>
                          bulkForm.current?.querySelectorAll<HTMLInputElement>("input[name=ids]").forEach((box) => (box.checked = e.target.checked))
                        }
                      />
                    ) : (
                      <span className="visually-hidden">Select</span>
                    )}
                  </th>
                  <th scope="col">Product</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Inventory
                  </th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col" className="wide-only">
                    Vendor
                  </th>
                  <th scope="col" className="wide-only">
                    Type
                  </th>
                  <th scope="col" className="wide-only">
                    Updated
                  </th>
                </tr>
              </thead>
              <tbody>
                {products.map((p) => (
                  <tr key={p.id}>
                    <td className="check">
                      <input type="checkbox" name="ids" value={p.id} aria-label={`Select ${p.title}`} />
                    </td>
                    <td className="title-cell">
                      <Link to={`${base}/${p.id}`}>{p.title}</Link>
                      <span className="sub">{p.handle}</span>
                      {p.tags.length ? (
                        <ul className="tag-list" aria-label="Tags">
                          {p.tags.map((t) => (
                            <li key={t}>{t}</li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td>
                      <span className={`status ${p.status}`}>{p.status}</span>
                    </td>
                    <td className="num">
                      {p.inventory} in stock
                      <span className="sub">
                        {p.variantCount} variant{p.variantCount === 1 ? "" : "s"}
                      </span>
                    </td>
                    <td className="num">{p.price}</td>
                    <td className="wide-only">{p.vendor}</td>
                    <td className="wide-only">{p.productType}</td>
                    <td className="wide-only">{p.updatedAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Form>
      ) : (
        <p className="empty">{filtered ? "No products match these filters." : "No products yet. Add your first one."}</p>
      )}
      <ListPagination page={query.page} pageCount={pageCount} total={total} noun="product" />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
