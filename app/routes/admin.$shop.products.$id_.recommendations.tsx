import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formatUtcDateTime } from "../components/admin/sales-format.ts";
import { productRecommendationsForAdmin, setRecommendationRule } from "../domain.server.ts";
import { recommendationRuleForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import styles from "../styles/catalogue.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Recommendations · ${data?.product.title ?? "Product"} · Bazaar admin` }];

// /admin/:shop/products/:id/recommendations: what the storefront recommends with this product, the signal behind
// each pick, and the merchant's pins and exclusions.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const found = await productRecommendationsForAdmin(db, params.id ?? "");
  if (!found) throw new Response("Not found", { status: 404 });
  return { slug: shop.slug, ...found };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const form = await readForm(request, recommendationRuleForm);
  if (!form.ok) return data({ ok: false as const, error: form.errors.intent ?? form.errors.product ?? form.errors.form }, { status: 400 });
  const { intent, product } = form.value;
  const result = await setRecommendationRule(db, actor, params.id ?? "", product, intent === "lift" ? null : intent);
  return result.ok ? result : data(result, { status: 400 });
}

export default function ProductRecommendations() {
  const { slug, product, picks, rules, computedAt, signals } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="stack">
      <Link className="back" to={`/admin/${slug}/products/${product.id}`}>
        ← {product.title}
      </Link>
      <div className="page-head">
        <h1>Recommendations</h1>
      </div>
      <p className="muted">
        {computedAt
          ? `Shown on the page of ${product.title} as "Frequently bought together". Computed ${formatUtcDateTime(computedAt)} from ${signals.toLocaleString("en-US")} orders, carts and views.`
          : "Not computed yet: the first run happens within the next few hours, and after new orders."}
      </p>
      {result ? (
        <p className={result.ok ? "flash" : "banner"} role={result.ok ? "status" : "alert"}>
          {result.ok ? result.message : result.error}
        </p>
      ) : null}

      <section className="card" aria-labelledby="picks-title">
        <h2 id="picks-title">Recommended with {product.title}</h2>
        {picks.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Why</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {picks.map((pick) => (
                  <tr key={pick.id}>
                    <td>
                      <Link to={`/admin/${slug}/products/${pick.id}`}>{pick.title}</Link>
                      {pick.status !== "active" || !pick.available ? (
                        <span className="muted"> (not shown: {pick.status !== "active" ? pick.status : "sold out"})</span>
                      ) : null}
                    </td>
                    <td>{pick.reason || "Related by shoppers' activity"}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="product" value={pick.id} />
                        <button type="submit" name="intent" value="exclude" className="secondary" disabled={busy}>
                          {`Exclude ${pick.title}`}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Nothing yet: shoppers see products from the same collections until orders show what goes together.</p>
        )}
      </section>

      <section className="card stack" aria-labelledby="rules-title">
        <h2 id="rules-title">Pins and exclusions</h2>
        <Form method="post" className="stack">
          <label>
            Product handle
            <input name="product" required maxLength={255} autoComplete="off" />
          </label>
          <div className="row-actions">
            <button type="submit" name="intent" value="pin" disabled={busy}>
              Pin
            </button>
            <button type="submit" name="intent" value="exclude" className="secondary" disabled={busy}>
              Exclude
            </button>
          </div>
        </Form>
        {rules.length ? (
          <ul className="stack">
            {rules.map((rule) => (
              <li key={rule.id}>
                <Form method="post" className="row-actions">
                  <span>
                    {rule.title}: {rule.rule === "pin" ? "pinned first" : "never shown"}
                  </span>
                  <input type="hidden" name="product" value={rule.id} />
                  <button type="submit" name="intent" value="lift" className="secondary" disabled={busy}>
                    {`Lift the ${rule.rule} of ${rule.title}`}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No pins or exclusions: the list above is the shop's shoppers' own.</p>
        )}
      </section>
    </main>
  );
}
