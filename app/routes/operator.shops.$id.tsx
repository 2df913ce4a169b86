import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Fragment } from "react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { platformOrigin, shopOrigin } from "../../server/config.ts";
import { formatMoney } from "../../shop/money.ts";
import {
  availableEvents,
  describeStatusChange,
  EVENT_LABELS,
  STATUS_LABELS,
  statusExplanation,
  TRANSITIONS,
  type LifecycleEvent,
} from "../../tenants/lifecycle.ts";
import { Field } from "../components/field.tsx";
import { InvoiceTable } from "../components/invoice-table.tsx";
import {
  changeShopPlan,
  changeShopStatus,
  describePlan,
  LifecycleError,
  listInvoices,
  listOperatorActions,
  listPlans,
  logOperatorAction,
  payoutState,
  PlanValidationError,
  shopStatusHistory,
  shopUsage,
  usageLines,
} from "../domain.server.ts";
import { OperatorHeader } from "../components/operator-header.tsx";
import { readForm } from "../utils/forms.server.ts";
import { requireOperator, requireOperatorShop } from "../utils/guards.server.ts";
import { operatorShopForm } from "../utils/operator-forms.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.shop.name ?? "Shop"} · Operator console · Bazaar` }];

/** Events that take the shop away from its merchant or its shoppers: the operator types the shop's slug to confirm. */
const CONFIRMED: readonly LifecycleEvent[] = ["suspend", "close"];
const DAY = 86_400_000;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const shop = await requireOperatorShop(context, params.id);
  const [owners, history, plans, usage] = await Promise.all([
    context.services.db
      .selectFrom("platform.memberships as m")
      .innerJoin("platform.users as u", "u.id", "m.user_id")
      .select(["u.email", "m.role"])
      .where("m.shop_id", "=", shop.id)
      .orderBy("m.created_at")
      .execute(),
    shopStatusHistory(context.services.db, shop.id),
    listPlans(context.services.db),
    shop.purged_at ? null : shopUsage(context.services.db, shop),
  ]);
  const [invoices, actions, payouts] = await Promise.all([
    listInvoices(context.services.db, shop.id),
    listOperatorActions(context.services.db, { shopId: shop.id, limit: 20 }),
    payoutState(context.services.db, shop.id),
  ]);
  const plan = plans.find((p) => p.id === shop.plan)!;
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);
  return {
    email: operator.email,
    shop: {
      id: shop.id,
      slug: shop.slug,
      name: shop.name,
      plan: shop.plan,
      planName: plan.name,
      billed: shop.billed_price === null ? null : formatMoney(shop.billed_price, shop.billed_currency ?? plan.currency),
      status: shop.status,
      label: STATUS_LABELS[shop.status],
      explanation: statusExplanation(shop),
      reason: shop.status_reason,
      since: day(shop.status_changed_at),
      trialEndsAt: day(shop.trial_ends_at),
      purgeAfter: day(shop.purge_after),
      purged: Boolean(shop.purged_at),
      url: shopOrigin(context.services.config, shop.slug),
      createdAt: day(shop.created_at),
    },
    members: owners,
    invoices,
    payouts: payouts && {
      accountId: payouts.accountId,
      charges: payouts.chargesEnabled,
      payouts: payouts.payoutsEnabled,
      due: payouts.requirements.filter((r) => r.status !== "eventually_due").length,
      deadline: day(payouts.deadline),
    },
    stripeConfigured: Boolean(context.services.stripe),
    actions: actions.map((a) => ({
      id: a.id,
      at: a.created_at.toISOString().slice(0, 16).replace("T", " "),
      who: a.operator_email,
      action: a.action,
      detail: a.detail,
    })),
    plans: plans.map((p) => ({ id: p.id, label: `${describePlan(p).name}: ${describePlan(p).price} a month, ${describePlan(p).fee} fee` })),
    usage: usage ? usageLines(plan, usage) : [],
    events: shop.purged_at ? [] : availableEvents(shop.status, "operator"),
    history: history.map((h) => ({
      id: h.id,
      at: h.created_at.toISOString().slice(0, 16).replace("T", " "),
      change: describeStatusChange(h),
      reason: h.reason,
      by: h.actor_email || h.actor_kind,
    })),
  };
}

type ActionResult = {
  event: LifecycleEvent | null;
  errors: { event?: string; reason?: string; confirm?: string; days?: string; plan?: string };
  done: string | null;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const operator = requireOperator(context, request);
  const shop = await requireOperatorShop(context, params.id);
  const parsed = await readForm(request, operatorShopForm);
  if (!parsed.ok) return data<ActionResult>({ event: null, errors: parsed.errors, done: null }, { status: 400 });
  const input = parsed.value;
  if (input.intent === "change-plan") {
    try {
      const { from, to } = await changeShopPlan(context.services.db, shop.id, input.plan, { kind: "operator", email: operator.email });
      context.services.registry.invalidate();
      if (from.id !== to.id) {
        await logOperatorAction(context.services.db, operator, {
          action: "shop.change-plan",
          shopId: shop.id,
          detail: `${from.name} → ${to.name}`,
          ip: context.clientAddress,
        });
      }
      return data<ActionResult>({
        event: null,
        errors: {},
        done: from.id === to.id ? "Nothing changed." : `${shop.name} moved from ${from.name} to ${to.name}.`,
      });
    } catch (error) {
      if (!(error instanceof PlanValidationError)) throw error;
      return data<ActionResult>({ event: null, errors: { plan: "Choose one of the plans." }, done: null }, { status: 400 });
    }
  }
  const event = availableEvents(shop.status, "operator").find((e) => e === input.intent) ?? null;
  const fail = (errors: ActionResult["errors"], status = 400) => data<ActionResult>({ event, errors, done: null }, { status });
  if (!event) return fail({ event: `A shop that is ${STATUS_LABELS[shop.status].toLowerCase()} can't do that.` }, 409);
  const errors: ActionResult["errors"] = {};
  // Every problem at once; changeShopStatus checks the reason again, as it does for every caller.
  if (TRANSITIONS[event].reasonRequired && !input.reason.trim()) errors.reason = "Give a reason: the merchant sees it.";
  if (CONFIRMED.includes(event) && input.confirm.trim() !== shop.slug) errors.confirm = `Type ${shop.slug} to confirm.`;
  let trialEndsAt: Date | undefined;
  if (event === "extend-trial") {
    if (input.days === undefined) errors.days = "Enter a number of days from 1 to 365.";
    else trialEndsAt = new Date(Math.max(Date.now(), shop.trial_ends_at?.getTime() ?? 0) + input.days * DAY);
  }
  if (Object.keys(errors).length) return fail(errors);
  try {
    const changed = await changeShopStatus(context.services.db, shop.id, event, {
      actor: { kind: "operator", email: operator.email },
      reason: input.reason,
      trialEndsAt,
      platformOrigin: platformOrigin(context.services.config),
      send: context.services.deliverMail,
      registry: context.services.registry,
    });
    await context.services.recommendations.follow(changed);
    await logOperatorAction(context.services.db, operator, {
      action: `shop.${event}`,
      shopId: shop.id,
      detail: changed.status_reason || (trialEndsAt ? `Trial until ${trialEndsAt.toISOString().slice(0, 10)}` : ""),
      ip: context.clientAddress,
    });
    return data<ActionResult>({ event, errors: {}, done: `${shop.name} is now ${STATUS_LABELS[changed.status].toLowerCase()}. The owner has been emailed.` });
  } catch (error) {
    if (error instanceof LifecycleError) return fail({ [error.field]: error.message });
    throw error;
  }
}

export default function OperatorShop() {
  const { email, shop, members, events, history, plans, usage, invoices, actions, payouts, stripeConfigured } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>{shop.name}</h1>
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
            Status: <span className={`status ${shop.status}`}>{shop.label}</span>
          </h2>
          <dl className="facts">
            <dt>Address</dt>
            <dd>
              <a href={shop.url}>{shop.url}</a>
            </dd>
            <dt>Plan</dt>
            <dd>
              {shop.planName}
              {shop.billed ? <span className="muted"> (billed {shop.billed} this period)</span> : null}
            </dd>
            {usage.map((u) => (
              <Fragment key={u.label}>
                <dt>{u.label}</dt>
                <dd>
                  {u.used.toLocaleString("en-US")} {u.max === null ? "(unlimited)" : `of ${u.max.toLocaleString("en-US")}`}
                </dd>
              </Fragment>
            ))}
            <dt>Since</dt>
            <dd>{shop.since}</dd>
            {shop.reason ? (
              <>
                <dt>Reason</dt>
                <dd>{shop.reason}</dd>
              </>
            ) : null}
            {shop.trialEndsAt ? (
              <>
                <dt>Trial ends</dt>
                <dd>{shop.trialEndsAt}</dd>
              </>
            ) : null}
            {shop.purgeAfter ? (
              <>
                <dt>{shop.purged ? "Data deleted" : "Data deleted after"}</dt>
                <dd>{shop.purgeAfter}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{shop.createdAt}</dd>
            <dt>Members</dt>
            <dd>
              {members.map((m) => (
                <div key={m.email}>
                  {m.email} <span className="muted">({m.role})</span>
                </div>
              ))}
            </dd>
          </dl>
          <p className="muted">The merchant reads: {shop.explanation}</p>
        </section>
        {shop.purged ? null : (
          <section className="card stack" aria-labelledby="plan-heading">
            <h2 id="plan-heading">Change {shop.name}&apos;s plan</h2>
            <p className="muted">Limits and the fee change at once; a different price applies from the shop&apos;s next billing period.</p>
            <Form method="post" className="stack" noValidate>
              <Field label="Plan" name="plan" error={result?.errors.plan}>
                <select id="plan" name="plan" defaultValue={shop.plan} aria-invalid={Boolean(result?.errors.plan)}>
                  {plans.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </Field>
              <div>
                <button type="submit" name="intent" value="change-plan">
                  Change {shop.name}&apos;s plan
                </button>
              </div>
            </Form>
          </section>
        )}
        {events.map((event) => (
          <LifecycleAction key={event} event={event} shop={shop} result={result?.event === event ? result : undefined} />
        ))}
        {shop.purged ? null : (
          <section className="card stack" aria-labelledby="data-heading">
            <h2 id="data-heading">{shop.name}&apos;s data</h2>
            <p className="hint">
              The whole shop in one file (catalogue, images, customers, orders, content, settings), for a backup or for{" "}
              <Link to="/operator/restore">a restore into a new shop</Link>. The download is in the operator log.
            </p>
            <Form method="post" action={`/operator/shops/${shop.id}/bundle`} reloadDocument>
              <button type="submit" className="secondary">
                Download {shop.name}&apos;s bundle
              </button>
            </Form>
          </section>
        )}
        <section className="card" aria-labelledby="payouts-heading">
          <h2 id="payouts-heading">Payments and payouts</h2>
          {payouts ? (
            <dl className="facts">
              <dt>Stripe account</dt>
              <dd>{payouts.accountId}</dd>
              <dt>Charges</dt>
              <dd>{payouts.charges ? "Enabled" : "Not enabled: checkout is closed"}</dd>
              <dt>Payouts</dt>
              <dd>{payouts.payouts ? "Enabled" : "Not enabled"}</dd>
              <dt>Requirements due</dt>
              <dd>{payouts.due ? `${payouts.due}${payouts.deadline ? `, by ${payouts.deadline}` : ""}` : "None"}</dd>
            </dl>
          ) : (
            <p>
              {stripeConfigured ? "Not connected to Stripe yet: the shop can't take payments." : "Stripe isn't configured: the shop takes test-gateway orders."}
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="invoices-heading">
          <h2 id="invoices-heading">Invoices</h2>
          <InvoiceTable invoices={invoices} />
        </section>
        <section className="card" aria-labelledby="actions-heading">
          <h2 id="actions-heading">Operator actions on this shop</h2>
          {actions.length ? (
            <ul>
              {actions.map((a) => (
                <li key={a.id}>
                  {a.at} · {a.who} · {a.action}
                  {a.detail ? ` · ${a.detail}` : ""}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None yet.</p>
          )}
        </section>
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
    </>
  );
}

const EXPLAIN: Record<LifecycleEvent, string> = {
  activate: "Ends the trial now and treats the shop as a paying one.",
  pause: "Keeps the storefront up for browsing and closes checkout.",
  resume: "Opens checkout again.",
  freeze: "",
  unfreeze: "Gives the merchant the whole admin and the storefront back, as if the invoice were paid.",
  suspend:
    'The storefront answers "Shop unavailable", the admin closes to everything but a notice with your reason, and background jobs stop. Nothing is deleted.',
  reactivate: "Returns the shop to the state it was in before the suspension.",
  "extend-trial": "Gives the shop more free days; a frozen shop whose trial ended opens again.",
  close: "Closes the storefront and the admin; the data is deleted after the retention period.",
  reopen: "Brings a closed shop back, as it was before closing.",
};

function LifecycleAction({ event, shop, result }: { event: LifecycleEvent; shop: { slug: string; name: string }; result?: ActionResult }) {
  const errors = result?.errors ?? {};
  const id = (name: string) => `${event}-${name}`;
  const danger = event === "suspend" || event === "close";
  return (
    <section className="card stack" aria-labelledby={id("heading")}>
      <h2 id={id("heading")}>
        {EVENT_LABELS[event]} {shop.name}
      </h2>
      <p className="muted">{EXPLAIN[event]}</p>
      <Form method="post" className="stack" noValidate>
        {event === "extend-trial" ? (
          <Field label="More days" name={id("days")} error={errors.days}>
            <input id={id("days")} name="days" inputMode="numeric" className="short" defaultValue="14" aria-invalid={Boolean(errors.days)} />
          </Field>
        ) : null}
        <Field label="Reason (the merchant sees it)" name={id("reason")} error={errors.reason}>
          <textarea id={id("reason")} name="reason" maxLength={500} rows={2} aria-invalid={Boolean(errors.reason)} />
        </Field>
        {CONFIRMED.includes(event) ? (
          <Field label={`Type ${shop.slug} to confirm`} name={id("confirm")} error={errors.confirm}>
            <input id={id("confirm")} name="confirm" autoComplete="off" aria-invalid={Boolean(errors.confirm)} />
          </Field>
        ) : null}
        <div>
          <button type="submit" name="intent" value={event} className={danger ? "danger" : undefined}>
            {EVENT_LABELS[event]} {shop.name}
          </button>
        </div>
      </Form>
    </section>
  );
}
