import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { FINANCIAL_LABELS, formatUtcDateTime, FULFILLMENT_LABELS } from "../components/admin/sales-format.ts";
import { cancelOrder, fulfilOrder, getOrder, moneyStyle, newRequestKey, orderActionForm, refundOrder } from "../domain.server.ts";
import { can } from "../../shop/permissions.ts";
import { adminOrderDeps } from "../utils/checkout.server.ts";
import { readForm } from "../utils/forms.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Order #${data?.order.number ?? ""} · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop, role } = await requireShopAdmin(context, request, params.shop, "orders");
  // Looked up through this shop's handle only: another shop's number is simply not here.
  const found = await getOrder(db, params.number ?? "");
  if (!found) throw new Response("Not found", { status: 404 });
  const { order, lines, events, customer, transactions, fulfillments } = found;
  const subtotal = BigInt(order.subtotal);
  const taxIncluded = BigInt(order.tax_total) > 0n && subtotal - BigInt(order.discount_total) + BigInt(order.shipping_total) === BigInt(order.total);
  const paid = transactions.filter((t) => t.kind === "sale").reduce((sum, t) => sum + BigInt(t.amount), 0n);
  const refunded = transactions.filter((t) => t.kind === "refund").reduce((sum, t) => sum + BigInt(t.amount), 0n);
  return {
    slug: shop.slug,
    order,
    lines,
    events,
    customer,
    transactions,
    fulfillments,
    taxIncluded,
    refundable: String(paid - refunded),
    canRefund: can(role, "refunds"),
    // Names the refund or cancellation this page would post, so a second click acts once.
    requestKey: newRequestKey(),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const parsed = await readForm(request, orderActionForm);
  const intent = parsed.values.intent;
  const capability = intent === "refund" || intent === "cancel" ? "refunds" : "orders";
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, capability);
  if (!parsed.ok) {
    const message = parsed.errors.intent ?? parsed.errors.form ?? "Check the fields below.";
    return data({ ok: false, message, errors: parsed.errors }, { status: 400 });
  }
  const number = params.number ?? "";
  const deps = await adminOrderDeps(context, shop, db);
  const input = parsed.value;
  let result;
  if (input.intent === "fulfil") {
    result = await fulfilOrder(deps, actor, number, input);
  } else {
    const style = await moneyStyle(db);
    if (input.intent === "cancel") result = await cancelOrder(deps, actor, style, number, input.requestKey);
    else {
      const restock: Record<string, number> = {};
      for (const [name, value] of Object.entries(parsed.values)) {
        const id = /^restock-(\d{1,18})$/.exec(name)?.[1];
        if (id && value.trim()) restock[id] = /^\d{1,4}$/.test(value.trim()) ? Number(value) : -1;
      }
      result = await refundOrder(deps, actor, style, number, { amount: input.amount, restock, requestKey: input.requestKey });
    }
  }
  if (!result.ok && "notFound" in result) throw new Response("Not found", { status: 404 });
  if (!result.ok) return data({ ok: false, message: result.errors.form ?? "Check the fields below.", errors: result.errors }, { status: 400 });
  return { ok: true, message: result.message, errors: {} as Record<string, string> };
}

export default function OrderDetail() {
  const { slug, order, lines, events, customer, taxIncluded, transactions, fulfillments, refundable, canRefund, requestKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = actionData?.errors ?? {};
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const money = (amount: string) => formatMoney(amount, order.currency);
  const address = order.shipping_address;
  return (
    <main>
      <Link className="back" to={`/admin/${slug}/orders`}>
        ← Orders
      </Link>
      <div className="page-head">
        <h1>{`Order #${order.number}`}</h1>
        <div className="badges">
          <span className={`status ${order.financial_status}`}>{FINANCIAL_LABELS[order.financial_status]}</span>
          <span className={`status ${order.fulfillment_status}`}>{FULFILLMENT_LABELS[order.fulfillment_status]}</span>
          {order.cancelled_at ? <span className="status cancelled">Cancelled</span> : null}
        </div>
      </div>
      <p className="muted">Placed {formatUtcDateTime(order.created_at)}</p>
      {actionData ? (
        <p className={actionData.ok ? "flash" : "banner"} role={actionData.ok ? "status" : "alert"}>
          {actionData.message}
        </p>
      ) : null}

      <div className="detail">
        <div>
          <section className="card" aria-labelledby="lines-title">
            <h2 id="lines-title">Items</h2>
            <div className="table-wrap">
              <div className="scroll-x">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Product</th>
                      <th scope="col">SKU</th>
                      <th scope="col" className="num">
                        Price
                      </th>
                      <th scope="col" className="num">
                        Quantity
                      </th>
                      <th scope="col" className="num">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map((line) => (
                      <tr key={line.id}>
                        <td>
                          {line.product_id ? <Link to={`/admin/${slug}/products/${line.product_id}`}>{line.title}</Link> : line.title}
                          {line.variant_title && line.variant_title !== "Default Title" ? <div className="muted">{line.variant_title}</div> : null}
                        </td>
                        <td>{line.sku}</td>
                        <td className="num">{money(line.unit_price)}</td>
                        <td className="num">{line.quantity}</td>
                        <td className="num">{money(line.total)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
            <table className="totals" aria-label="Totals">
              <tbody>
                <tr>
                  <th scope="row">Subtotal</th>
                  <td className="num">{money(order.subtotal)}</td>
                </tr>
                {BigInt(order.discount_total) > 0n ? (
                  <tr>
                    <th scope="row">
                      Discount
                      {order.discount_code ? (
                        <>
                          {" "}
                          (<span className="code">{order.discount_code}</span>)
                        </>
                      ) : null}
                    </th>
                    <td className="num">−{money(order.discount_total)}</td>
                  </tr>
                ) : null}
                <tr>
                  <th scope="row">Shipping{order.shipping_title ? ` (${order.shipping_title})` : ""}</th>
                  <td className="num">{money(order.shipping_total)}</td>
                </tr>
                <tr>
                  <th scope="row">Tax{taxIncluded ? " (included)" : ""}</th>
                  <td className="num">{money(order.tax_total)}</td>
                </tr>
                <tr className="grand">
                  <th scope="row">Total</th>
                  <td className="num">{money(order.total)}</td>
                </tr>
              </tbody>
            </table>
          </section>

          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol className="timeline">
              {[...events].reverse().map((event) => (
                <li key={event.id}>
                  <time dateTime={new Date(event.at).toISOString()}>{formatUtcDateTime(event.at)}</time>
                  {event.message}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <div>
          <section className="card" aria-labelledby="fulfilment-title">
            <h2 id="fulfilment-title">Fulfilment</h2>
            <p>
              <span className={`status ${order.fulfillment_status}`}>{FULFILLMENT_LABELS[order.fulfillment_status]}</span>
            </p>
            {fulfillments.map((f) => (
              <p key={f.id} className="muted">
                Shipped {formatUtcDateTime(f.created_at)}
                {f.tracking_number ? ` · ${[f.carrier, f.tracking_number].filter(Boolean).join(" ")}` : ""}
              </p>
            ))}
            {order.fulfillment_status !== "fulfilled" && !order.cancelled_at ? (
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="fulfil" />
                <label>
                  Carrier (optional)
                  <input name="carrier" maxLength={100} autoComplete="off" aria-invalid={errors.carrier ? true : undefined} />
                </label>
                {errors.carrier ? <p className="field-error">{errors.carrier}</p> : null}
                <label>
                  Tracking number (optional)
                  <input name="trackingNumber" maxLength={100} autoComplete="off" aria-invalid={errors.trackingNumber ? true : undefined} />
                </label>
                {errors.trackingNumber ? <p className="field-error">{errors.trackingNumber}</p> : null}
                {order.email ? (
                  <label className="check">
                    <input type="checkbox" name="notify" value="1" defaultChecked /> Email the customer that it has shipped
                  </label>
                ) : null}
                <button type="submit" disabled={busy === "fulfil"}>
                  {busy === "fulfil" ? "Saving…" : "Mark as fulfilled"}
                </button>
              </Form>
            ) : null}
          </section>

          <section className="card" aria-labelledby="payment-title">
            <h2 id="payment-title">Payment</h2>
            <p>
              <span className={`status ${order.financial_status}`}>{FINANCIAL_LABELS[order.financial_status]}</span>
              {order.dispute_status ? <span className="status disputed">{`Disputed: ${order.dispute_status.replace(/_/g, " ")}`}</span> : null}
            </p>
            {order.paid_at ? <p className="muted">Paid {formatUtcDateTime(order.paid_at)}</p> : null}
            {transactions.length ? (
              <ul className="transactions">
                {transactions.map((t) => (
                  <li key={t.id}>
                    {t.kind === "sale" ? "Payment" : "Refund"} {t.kind === "refund" ? "−" : ""}
                    {money(t.amount)} · {t.gateway === "test" ? "test gateway" : t.gateway} · {formatUtcDateTime(t.created_at)}
                  </li>
                ))}
              </ul>
            ) : null}
            {canRefund && !order.cancelled_at && (refundable !== "0" || lines.some((l) => l.restocked < l.quantity)) ? (
              // Drawn afresh (emptied) only once a refund or restock went through: a reload after another action, such as
              // a fulfilment, keeps what the merchant is typing.
              <Form method="post" className="stack refund-form" key={`${refundable}:${lines.map((l) => l.restocked).join(",")}`}>
                <h3>Refund</h3>
                <input type="hidden" name="intent" value="refund" />
                <input type="hidden" name="requestKey" value={requestKey} />
                {lines.map((line) =>
                  line.restocked < line.quantity ? (
                    <label key={line.id}>
                      {`Restock ${line.title}${line.variant_title ? ` (${line.variant_title})` : ""}`}
                      <input name={`restock-${line.id}`} type="number" min={0} max={line.quantity - line.restocked} defaultValue={0} inputMode="numeric" />
                    </label>
                  ) : null,
                )}
                {errors.restock ? <p className="field-error">{errors.restock}</p> : null}
                <label>
                  {`Amount to refund (at most ${money(refundable)})`}
                  <input name="amount" inputMode="decimal" autoComplete="off" aria-invalid={errors.amount ? true : undefined} />
                </label>
                {errors.amount ? <p className="field-error">{errors.amount}</p> : null}
                <button type="submit" disabled={busy === "refund"}>
                  {busy === "refund" ? "Refunding…" : "Refund"}
                </button>
              </Form>
            ) : null}
            {canRefund && !order.cancelled_at ? (
              <details className="cancel-order">
                <summary>Cancel order</summary>
                <Form method="post" className="stack">
                  <input type="hidden" name="intent" value="cancel" />
                  <input type="hidden" name="requestKey" value={requestKey} />
                  <p>{refundable !== "0" ? `Refunds ${money(refundable)} to the customer and puts` : "Puts"} every item back in stock. This can't be undone.</p>
                  <button type="submit" className="danger" disabled={busy === "cancel"}>
                    {`Cancel order #${order.number}`}
                  </button>
                </Form>
              </details>
            ) : null}
          </section>

          <section className="card" aria-labelledby="customer-title">
            <h2 id="customer-title">Customer</h2>
            {customer ? (
              <p>
                <Link to={`/admin/${slug}/customers/${customer.id}`}>{customer.name}</Link>
                {customer.email && customer.email !== customer.name ? (
                  <>
                    <br />
                    {customer.email}
                  </>
                ) : null}
              </p>
            ) : (
              <p>{order.email ? order.email : "Guest checkout"}</p>
            )}
            {address ? (
              <>
                <h3>Shipping address</h3>
                <address>
                  {["name", "line1", "line2", "city", "region", "postal_code", "country"].map((key) =>
                    address[key] ? <div key={key}>{address[key]}</div> : null,
                  )}
                </address>
              </>
            ) : null}
          </section>
        </div>
      </div>
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
