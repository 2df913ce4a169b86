import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { platformOrigin } from "../../server/config.ts";
import { can } from "../../shop/permissions.ts";
import { adminAllows, availableEvents, describeStatusChange, STATUS_LABELS, statusExplanation, type LifecycleEvent } from "../../tenants/lifecycle.ts";
import { Field } from "../components/field.tsx";
import { InvoiceTable } from "../components/invoice-table.tsx";
import { PricingTable } from "../components/pricing-table.tsx";
import {
  changeShopStatus,
  describePlan,
  findPlan,
  BillingSetupError,
  LifecycleError,
  listInvoices,
  openBillingPortal,
  payoutState,
  planOf,
  pricingData,
  shopStatusHistory,
  shopUsage,
  startPlanCheckout,
  usageLines,
} from "../domain.server.ts";
import { billingForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireMember, requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Plan & billing · Bazaar admin" }];

/** What the owner may do to their own shop from here; the operator's events stay in the console. */
const MERCHANT_EVENTS: readonly LifecycleEvent[] = ["pause", "resume", "close"];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  // Every member of a shop in any state reaches this page: it is where a closed admin says why.
  const { shop, role } = await requireMember(context, request, params.shop, "notice");
  const manage = can(role, "billing") && adminAllows(shop.status, "billing");
  const [history, plan, plans, usage] = await Promise.all([
    shopStatusHistory(context.services.db, shop.id, 20),
    planOf(context.services.db, shop),
    pricingData(context.services.db),
    shopUsage(context.services.db, shop),
  ]);
  const invoices = can(role, "billing") ? await listInvoices(context.services.db, shop.id) : [];
  return {
    canExport: can(role, "export") && !shop.purged_at,
    plan: describePlan(plan),
    invoices,
    usage: usageLines(plan, usage),
    plans,
    shop: { slug: shop.slug, name: shop.name, status: shop.status, label: STATUS_LABELS[shop.status], explanation: statusExplanation(shop) },
    manage,
    // Stripe Billing runs through the shop's connected account; without one, the test gateway's pages stand in.
    stripeBilling: Boolean(context.services.stripe) && Boolean(await payoutState(context.services.db, shop.id)),
    paid: shop.billed_price !== null && !shop.payment_overdue_since && shop.status !== "frozen",
    events: manage ? availableEvents(shop.status, "merchant").filter((e) => MERCHANT_EVENTS.includes(e)) : [],
    history: history.map((h) => ({
      id: h.id,
      at: h.created_at.toISOString().slice(0, 16).replace("T", " "),
      change: describeStatusChange(h),
      reason: h.reason,
      by: h.actor_kind === "operator" ? "Bazaar" : h.actor_kind === "merchant" ? h.actor_email : h.actor_kind === "billing" ? "Billing" : "Automatic",
    })),
  };
}

type ActionResult = { errors: { event?: string; confirm?: string }; done: string | null };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { shop, actor } = await requireShopAdmin(context, request, params.shop, "billing", "billing");
  const parsed = await readForm(request, billingForm);
  if (!parsed.ok) {
    const { confirm, ...others } = parsed.errors;
    return data<ActionResult>({ errors: confirm ? { confirm } : { event: Object.values(others)[0] }, done: null }, { status: 400 });
  }
  const input = parsed.value;
  if (input.intent === "subscribe") {
    const plan = await findPlan(context.services.db, input.plan);
    if (!plan) return data<ActionResult>({ errors: { event: "Choose one of the plans." }, done: null }, { status: 400 });
    const stripe = context.services.stripe;
    // Without Stripe, the test gateway's checkout stands in for Stripe Checkout.
    if (!stripe) throw redirect(`/admin/${shop.slug}/billing/checkout?${new URLSearchParams({ plan: plan.id })}`);
    const here = `${platformOrigin(context.services.config)}/admin/${shop.slug}/billing`;
    try {
      throw redirect(await startPlanCheckout(context.services.db, stripe.client, shop, plan, { success: `${here}?paid=1`, cancel: here }), { status: 303 });
    } catch (error) {
      if (error instanceof BillingSetupError) return data<ActionResult>({ errors: { event: error.message }, done: null }, { status: 400 });
      throw error;
    }
  }
  if (input.intent === "portal") {
    const stripe = context.services.stripe;
    if (!stripe) return data<ActionResult>({ errors: { event: "Stripe isn't configured on this Bazaar." }, done: null }, { status: 400 });
    try {
      const back = `${platformOrigin(context.services.config)}/admin/${shop.slug}/billing`;
      throw redirect(await openBillingPortal(context.services.db, stripe.client, shop.id, back), { status: 303 });
    } catch (error) {
      if (error instanceof BillingSetupError) return data<ActionResult>({ errors: { event: error.message }, done: null }, { status: 400 });
      throw error;
    }
  }
  const event = input.intent;
  if (input.intent === "close" && input.confirm.trim() !== shop.slug) {
    return data<ActionResult>({ errors: { confirm: `Type ${shop.slug} to confirm that you want to close the shop.` }, done: null }, { status: 400 });
  }
  try {
    const changed = await changeShopStatus(context.services.db, shop.id, event, {
      actor: { kind: "merchant", email: actor.email },
      platformOrigin: platformOrigin(context.services.config),
      send: context.services.deliverMail,
      registry: context.services.registry,
    });
    await context.services.recommendations.follow(changed);
    return data<ActionResult>({ errors: {}, done: `${shop.name} is now ${STATUS_LABELS[changed.status].toLowerCase()}.` });
  } catch (error) {
    if (error instanceof LifecycleError) return data<ActionResult>({ errors: { event: error.message }, done: null }, { status: 409 });
    throw error;
  }
}

export default function Billing() {
  const { shop, manage, paid, events, history, plan, usage, plans, invoices, canExport, stripeBilling } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>();
  return (
    <main className="page-stack">
      <h1>Plan &amp; billing</h1>
      {params.has("paid") && !result ? (
        <p className="flash" role="status">
          Payment received. Thank you!
        </p>
      ) : null}
      {result?.done ? (
        <p className="flash" role="status">
          {result.done}
        </p>
      ) : null}
      {result?.errors.event ? (
        <p className="banner" role="alert">
          {result.errors.event}
        </p>
      ) : null}
      <section className="card stack" aria-labelledby="state-heading">
        <h2 id="state-heading">
          {shop.name}: <span className={`status ${shop.status}`}>{shop.label}</span>
        </h2>
        <p>{shop.explanation}</p>
        {events.includes("pause") ? (
          <Form method="post">
            <p className="hint">Pausing keeps the storefront up for browsing and closes checkout until you resume.</p>
            <button type="submit" name="intent" value="pause" className="secondary">
              Pause {shop.name}
            </button>
          </Form>
        ) : null}
        {events.includes("resume") ? (
          <Form method="post">
            <button type="submit" name="intent" value="resume">
              Resume {shop.name}
            </button>
          </Form>
        ) : null}
      </section>
      {manage ? (
        <section className="card stack" aria-labelledby="plan-heading">
          <h2 id="plan-heading">
            {plan.name} plan: {plan.price} a month
          </h2>
          <p>
            A {plan.fee} fee on each sale. {plan.storage}.
          </p>
          <ul className="usage">
            {usage.map((u) => (
              <li key={u.label}>
                {u.label}: {u.used.toLocaleString("en-US")} {u.max === null ? "(unlimited)" : `of ${u.max.toLocaleString("en-US")}`}
                {u.max !== null ? <meter min={0} max={u.max} value={Math.min(u.used, u.max)} aria-label={`${u.label} used`} /> : null}
              </li>
            ))}
          </ul>
          <h3>Plans</h3>
          <PricingTable plans={plans.plans} trialDays={plans.trialDays} current={plan.id} subscribe={{ paid }} />
          <h3>Invoices</h3>
          <InvoiceTable invoices={invoices} />
          {stripeBilling ? (
            <Form method="post">
              <button type="submit" name="intent" value="portal" className="secondary">
                Card and invoices on Stripe
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {events.includes("close") ? (
        <section className="card stack" aria-labelledby="close-heading">
          <h2 id="close-heading">Close the shop</h2>
          <p>
            The storefront goes away and the admin closes. Bazaar keeps the shop&apos;s data for the retention period, then deletes it for good; write to
            support before then to reopen. Your shop&apos;s data can be downloaded below before and after closing.
          </p>
          <Form method="post" className="stack" noValidate>
            <Field label={`Type ${shop.slug} to confirm`} name="confirm" error={result?.errors.confirm}>
              <input
                id="confirm"
                name="confirm"
                autoComplete="off"
                aria-invalid={Boolean(result?.errors.confirm)}
                aria-describedby={result?.errors.confirm ? "confirm-error" : undefined}
              />
            </Field>
            <div>
              <button type="submit" name="intent" value="close" className="danger">
                Close {shop.name}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
      {canExport ? (
        <section className="card stack" aria-labelledby="data-heading">
          <h2 id="data-heading">Your shop&apos;s data</h2>
          <p>
            Everything in {shop.name} (products and their images, collections, customers, orders, pages and settings) in one file, whatever the shop&apos;s
            state. Keep it as a backup, or ask Bazaar to restore it into a new shop.
          </p>
          <Form method="post" action={`/admin/${shop.slug}/bundle`} reloadDocument>
            <button type="submit" className="secondary">
              Download all shop data
            </button>
          </Form>
        </section>
      ) : null}
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {history.length ? (
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th>When (UTC)</th>
                  <th>Change</th>
                  <th>By</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.id}>
                    <td>{h.at}</td>
                    <td>{h.change}</td>
                    <td>{h.by}</td>
                    <td>{h.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No changes yet.</p>
        )}
      </section>
    </main>
  );
}
