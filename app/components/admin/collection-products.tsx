import { Form, Link } from "@remix-run/react";
import { ListPagination } from "./list-pagination.tsx";

type Row = { id: string; title: string; handle: string; status: string; vendor: string };

/**
 * A collection's products. Manual: in order, with move up/down and remove,
 * plus a search to add more. Automated: whatever the conditions match.
 */
export function CollectionProducts({
  shopSlug,
  kind,
  products,
  total,
  page,
  pageCount,
  find,
  candidates,
  errors,
  notice,
}: {
  shopSlug: string;
  kind: "manual" | "automated";
  products: Row[];
  total: number;
  page: number;
  pageCount: number;
  find: string;
  candidates: { id: string; title: string; handle: string; status: string; inCollection: boolean }[];
  errors: Record<string, string>;
  notice: string | null;
}) {
  const productBase = `/admin/${shopSlug}/products`;
  const first = (page - 1) * 50;
  return (
    <section className="card stack collection-products" aria-labelledby="collection-products-heading">
      <h2 id="collection-products-heading">
        {kind === "manual" ? "Products" : "Products matching the conditions"} <span className="muted">({total})</span>
      </h2>
      {notice ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      {Object.entries(errors).map(([field, message]) => (
        <p key={field} className="error" role="alert">
          {message}
        </p>
      ))}

      {products.length ? (
        <Form method="post" preventScrollReset>
          <div className="scroll-x">
            <table className="list-table">
              <thead>
                <tr>
                  {kind === "manual" ? (
                    <th scope="col" className="num">
                      #
                    </th>
                  ) : null}
                  <th scope="col">Product</th>
                  <th scope="col">Status</th>
                  <th scope="col">Vendor</th>
                  {kind === "manual" ? (
                    <th scope="col">
                      <span className="visually-hidden">Order</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {products.map((p, i) => (
                  <tr key={p.id}>
                    {kind === "manual" ? <td className="num">{first + i + 1}</td> : null}
                    <td className="title-cell">
                      <Link to={`${productBase}/${p.id}`}>{p.title}</Link>
                      <span className="sub">{p.handle}</span>
                    </td>
                    <td>
                      <span className={`status ${p.status}`}>{p.status}</span>
                    </td>
                    <td>{p.vendor}</td>
                    {kind === "manual" ? (
                      <td>
                        <div className="order-buttons">
                          <button
                            type="submit"
                            name="intent"
                            value={`move-up:${p.id}`}
                            className="secondary"
                            disabled={first + i === 0}
                            aria-label={`Move ${p.title} up`}
                          >
                            ↑
                          </button>
                          <button
                            type="submit"
                            name="intent"
                            value={`move-down:${p.id}`}
                            className="secondary"
                            disabled={first + i === total - 1}
                            aria-label={`Move ${p.title} down`}
                          >
                            ↓
                          </button>
                          <button
                            type="submit"
                            name="intent"
                            value={`remove:${p.id}`}
                            className="secondary"
                            aria-label={`Remove ${p.title} from the collection`}
                          >
                            Remove
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Form>
      ) : (
        <p className="empty">{kind === "manual" ? "No products yet. Find some below and add them." : "No products meet the conditions yet."}</p>
      )}
      <ListPagination page={page} pageCount={pageCount} total={total} noun="product" />

      {kind === "manual" ? (
        <div className="picker">
          <Form method="get" className="list-filters" role="search" aria-label="Find products to add">
            <div>
              <label htmlFor="find">Find products to add</label>
              <input id="find" name="find" type="search" defaultValue={find} placeholder="Title, handle or SKU" />
            </div>
            <button type="submit" className="secondary">
              Search
            </button>
          </Form>
          {find ? (
            candidates.length ? (
              <Form method="post" preventScrollReset className="stack">
                <ul>
                  {candidates.map((c) => (
                    <li key={c.id}>
                      <label>
                        <input type="checkbox" name="ids" value={c.id} disabled={c.inCollection} />
                        {c.title} <span className="muted">{c.inCollection ? "(already in this collection)" : c.handle}</span>
                      </label>
                    </li>
                  ))}
                </ul>
                <div>
                  <button type="submit" name="intent" value="add-products">
                    Add selected
                  </button>
                </div>
              </Form>
            ) : (
              <p className="muted">No products match “{find}”.</p>
            )
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
