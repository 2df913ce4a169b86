import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { DiscountForm } from "../components/admin/discount-form.tsx";
import { formatUtcDateTime } from "../components/admin/sales-format.ts";
import {
  deleteDiscount,
  describeValue,
  discountFieldsFromForm,
  discountEditForm,
  discountTargets,
  discountToFields,
  getDiscount,
  getDiscountReport,
  moneyStyle,
  saveDiscount,
  type DiscountErrors,
  type DiscountFields,
} from "../domain.server.ts";
import styles from "../styles/sales.css";
import { parseForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.code ?? "Discount"} · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "discounts");
  const style = await moneyStyle(db);
  const { currency } = style;
  // Through this shop's handle only: another shop's discount id finds nothing here.
  const discount = await getDiscount(db, params.id ?? "");
  if (!discount) throw new Response("Not found", { status: 404 });
  const fields = discountToFields(discount, style);
  const [targets, report] = await Promise.all([discountTargets(db, fields), getDiscountReport(db, discount.id, currency)]);
  return {
    slug: shop.slug,
    currency,
    locale: style.locale,
    code: discount.code,
    summary: describeValue(discount.kind, discount.value, currency),
    fields,
    report,
    ...targets,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "discounts");
  const discount = await getDiscount(db, params.id ?? "");
  if (!discount) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const parsed = parseForm(form, discountEditForm);
  if (!parsed.ok) {
    const { intent, ...errors } = parsed.errors;
    // An unknown or repeated action has no field to show its message by: it is the whole form's.
    if (intent) return data({ errors: { form: intent } as DiscountErrors, fields: null as DiscountFields | null }, { status: 400 });
    return data({ errors: errors as DiscountErrors, fields: discountFieldsFromForm(form) }, { status: 400 });
  }
  if (parsed.value.intent === "delete") {
    const result = await deleteDiscount(db, actor, discount.id);
    if (!result.ok) return data({ errors: { form: result.error } as DiscountErrors, fields: null }, { status: 400 });
    throw redirect(`/admin/${shop.slug}/discounts?deleted=${encodeURIComponent(discount.code)}`);
  }
  const style = await moneyStyle(db);
  const fields = discountFieldsFromForm(form);
  const { intent: _intent, ...input } = parsed.value;
  const result = await saveDiscount(db, actor, input, style, discount.id);
  if (!result.ok) return data({ errors: result.errors, fields }, { status: 400 });
  throw redirect(`/admin/${shop.slug}/discounts/${discount.id}?saved=updated`);
}

export default function EditDiscount() {
  const { slug, currency, locale, code, summary, fields, report, collections, products } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const saved = useSearchParams()[0].get("saved");
  const money = (amount: string) => formatMoney(amount, currency);
  return (
    <main>
      <Link className="back" to={`/admin/${slug}/discounts`}>
        ← Discounts
      </Link>
      <div className="page-head">
        <h1>
          <span className="code">{code}</span>
        </h1>
        <span className="muted">{summary}</span>
      </div>
      {saved && !actionData ? (
        <p className="flash" role="status">
          {saved === "created" ? "Discount code created." : "Changes saved."}
        </p>
      ) : null}

      <section className="card" aria-labelledby="report-title">
        <h2 id="report-title">Performance</h2>
        <div className="stats">
          <div>
            <h3>Times used</h3>
            <p className="figure">{report.timesUsed}</p>
          </div>
          <div>
            <h3>Total discounted</h3>
            <p className="figure">{money(report.discounted)}</p>
          </div>
          <div>
            <h3>Revenue</h3>
            <p className="figure">{money(report.revenue)}</p>
            <p className="hint">
              From {report.paidOrders} paid order{report.paidOrders === 1 ? "" : "s"} that used the code.
            </p>
          </div>
        </div>
        {report.recent.length ? (
          <div className="table-wrap">
            <div className="scroll-x">
              <table>
                <caption className="visually-hidden">Latest uses</caption>
                <thead>
                  <tr>
                    <th scope="col">Used</th>
                    <th scope="col">Order</th>
                    <th scope="col" className="num">
                      Discount
                    </th>
                    <th scope="col" className="num">
                      Order total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.recent.map((use) => (
                    <tr key={use.id}>
                      <td>{formatUtcDateTime(use.redeemed_at)}</td>
                      <td>{use.number ? <Link to={`/admin/${slug}/orders/${use.number}`}>{`#${use.number}`}</Link> : "—"}</td>
                      <td className="num">{money(use.amount)}</td>
                      <td className="num">{use.total && use.currency ? formatMoney(use.total, use.currency) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : (
          <p className="muted">Nobody has used this code yet.</p>
        )}
      </section>

      <h2>Edit</h2>
      <DiscountForm
        key={JSON.stringify(fields)}
        fields={actionData?.fields ?? fields}
        errors={actionData?.errors ?? {}}
        currency={currency}
        locale={locale}
        collections={collections}
        products={products}
        submitLabel="Save changes"
      />

      <section className="card danger-zone" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete this code</h2>
        {report.timesUsed ? (
          <p className="muted">This code has been used, so it stays for its report. Set an end date to stop it.</p>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="danger">
              Delete {code}
            </button>
          </Form>
        )}
      </section>
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
