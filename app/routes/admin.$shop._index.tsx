import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Await, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Suspense } from "react";
import { platformOrigin, shopOrigin } from "../../server/config.ts";
import { formatMoney } from "../../shop/money.ts";
import { can } from "../../shop/permissions.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { SalesChart } from "../components/admin/sales-chart.tsx";
import { formatUtcDate, formatUtcMonth } from "../components/admin/sales-format.ts";
import { RecommendationPerformance } from "../components/admin/recommendation-performance.tsx";
import {
  getDailySales,
  getOnboarding,
  getSalesSummary,
  isMailUnavailable,
  launchShop,
  MAIL_UNAVAILABLE,
  recommendationPerformance,
  sendVerificationEmail,
  shopOwners,
  tooManyAttempts,
  unconfirmedSteps,
} from "../domain.server.ts";
import styles from "../styles/sales.css";
import { checkoutGateway } from "../utils/checkout.server.ts";
import { launchForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin, type ShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.shop.name ?? "Shop"} · Bazaar admin` }];

async function onboardingOf(context: AppLoadContext, { db, shop, role }: ShopAdmin) {
  return getOnboarding(db, { slug: shop.slug, role, paymentsReady: (await checkoutGateway(context, shop)).kind !== "unavailable" });
}

/** A shop launches once an owner's email is verified (decision 037): null then, else the address waiting for it. */
async function unverifiedOwner(context: AppLoadContext, { shop }: ShopAdmin): Promise<string | null> {
  const owners = await shopOwners(context.services.db, shop.id);
  return owners.some((o) => o.verified) ? null : (owners[0]?.email ?? null);
}

const verifyFirst = (email: string) => `Verify ${email} before the shop launches: follow the link we emailed to it.`;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = await requireShopAdmin(context, request, params.shop, "orders");
  const { db, shop, role } = admin;
  const now = new Date();
  const [{ currency }, onboarding] = await Promise.all([db.selectFrom("settings").select("currency").executeTakeFirstOrThrow(), onboardingOf(context, admin)]);
  const launched = onboarding.launchedAt !== null;
  return {
    unverifiedEmail: launched ? null : await unverifiedOwner(context, admin),
    shop: { name: shop.name, slug: shop.slug, storefrontUrl: shopOrigin(context.services.config, shop.slug) },
    currency,
    now,
    canLaunch: can(role, "settings"),
    onboarding,
    // The figures a merchant opens the page for come with the page; the chart streams in after.
    summary: launched ? await getSalesSummary(db, currency, now) : null,
    daily: launched ? getDailySales(db, currency, now, 30) : null,
    recommendations: launched ? recommendationPerformance(db, new Date(now.getTime() - 30 * 86_400_000)) : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const parsed = await readForm(request, launchForm);
  // Launching is a settings change: owners and admins only; so is asking for the owner's verification email again.
  const intent = parsed.values.intent;
  const admin = await requireShopAdmin(context, request, params.shop, intent === "launch" || intent === "verify-email" ? "settings" : "orders");
  if (!parsed.ok) return data({ error: "Unknown action." }, { status: 400 });
  if (parsed.value.intent === "verify-email") {
    const gate = await context.services.limits.consume("verificationMail", admin.shop.id);
    if (!gate.ok) return data({ error: tooManyAttempts(gate) }, { status: 429 });
    const owners = (await shopOwners(context.services.db, admin.shop.id)).filter((o) => !o.verified);
    if (!owners.length) return { sent: "The email is already verified." };
    const deliveries = [];
    try {
      for (const owner of owners)
        deliveries.push(await sendVerificationEmail(context.services.db, context.services.deliverMail, owner.userId, platformOrigin(context.services.config)));
    } catch (error) {
      if (isMailUnavailable(error)) return data({ error: MAIL_UNAVAILABLE }, { status: 503 });
      throw error;
    }
    const to = owners.map((o) => o.email).join(", ");
    return {
      sent: deliveries.includes("queued")
        ? `Our mail server is slow to answer: we'll send a new link to ${to} as soon as it does.`
        : `We emailed a new link to ${to}.`,
    };
  }
  const { steps, launchedAt } = await onboardingOf(context, admin);
  const unverified = launchedAt ? null : await unverifiedOwner(context, admin);
  if (unverified) return data({ error: verifyFirst(unverified) }, { status: 409 });
  // Unfinished steps are named and confirmed first (the confirmation sends back the keys it named, comma-separated).
  if (!launchedAt && unconfirmedSteps(steps, parsed.value.confirmed.split(",")).length) {
    return data({ unfinished: unconfirmedSteps(steps, []).map(({ key, label, href }) => ({ key, label, href })) });
  }
  await launchShop(admin.db, admin.actor);
  throw redirect(`/admin/${admin.shop.slug}?launched=1`);
}

export default function ShopAdminHome() {
  const { shop, onboarding, summary } = useLoaderData<typeof loader>();
  const launchedNow = useSearchParams()[0].get("launched") === "1";
  return (
    <main className="dashboard">
      <div className="page-head">
        <h1>{shop.name}</h1>
      </div>
      {launchedNow && summary ? (
        <p className="flash" role="status">
          Your shop is open: shoppers can find it at <a href={shop.storefrontUrl}>{shop.storefrontUrl}</a>.
        </p>
      ) : null}
      {/* After launch the checklist stays until every step is done. */}
      {onboarding.steps.every((s) => s.done) ? null : <Checklist steps={onboarding.steps} />}
      {summary ? <Dashboard /> : null}
    </main>
  );
}

function Checklist({ steps }: { steps: ReturnType<typeof useLoaderData<typeof loader>>["onboarding"]["steps"] }) {
  const { canLaunch, onboarding, unverifiedEmail } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const intent = useNavigation().formData?.get("intent");
  const launching = intent === "launch";
  const done = steps.filter((s) => s.done).length;
  const unfinished = actionData && "unfinished" in actionData ? actionData.unfinished : null;
  return (
    <section className="card onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">{onboarding.launchedAt ? "Finish setting up your shop" : "Get your shop ready"}</h2>
      <p className="muted">
        {`${done} of ${steps.length} steps done.`}{" "}
        {onboarding.launchedAt ? "Your shop is open to shoppers." : "Shoppers can find your shop once you launch it."}
      </p>
      <progress className="progress" max={steps.length} value={done} aria-label="Steps done" />
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.key} className={step.done ? "done" : undefined}>
            <span className="check" aria-hidden="true">
              {step.done ? "✓" : ""}
            </span>
            <div>
              <h3>
                {step.href && !step.done ? <Link to={step.href}>{step.label}</Link> : step.label}
                <span className="visually-hidden">{step.done ? " (done)" : " (to do)"}</span>
              </h3>
              <p className="muted">{step.description}</p>
              {step.key === "launch" && !step.done ? (
                canLaunch ? (
                  unverifiedEmail ? (
                    <div className="launch-verify">
                      <p>
                        <strong>{verifyFirst(unverifiedEmail)}</strong>
                      </p>
                      <Form method="post" className="form-actions">
                        <input type="hidden" name="intent" value="verify-email" />
                        <button type="submit" className="secondary" disabled={intent === "verify-email"}>
                          Send the email again
                        </button>
                      </Form>
                      {actionData && "sent" in actionData ? (
                        <p className="flash" role="status">
                          {actionData.sent}
                        </p>
                      ) : null}
                    </div>
                  ) : unfinished ? (
                    <div className="launch-confirm" role="alert">
                      <p>
                        <strong>{unfinished.length === 1 ? "1 step isn't done yet:" : `${unfinished.length} steps aren't done yet:`}</strong>
                      </p>
                      <ul>
                        {unfinished.map((u) => (
                          <li key={u.key}>{u.href ? <Link to={u.href}>{u.label}</Link> : u.label}</li>
                        ))}
                      </ul>
                      <p>Shoppers will see your shop as it is now. You can finish these after launch; they stay on this page until they're done.</p>
                      <Form method="post" className="form-actions">
                        <input type="hidden" name="intent" value="launch" />
                        <input type="hidden" name="confirmed" value={unfinished.map((u) => u.key).join(",")} />
                        <button type="submit" disabled={launching}>
                          {launching ? "Launching…" : "Launch anyway"}
                        </button>
                        <Link to="." className="button secondary">
                          Not yet
                        </Link>
                      </Form>
                    </div>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="launch" />
                      <button type="submit" disabled={launching}>
                        {launching ? "Launching…" : "Launch my shop"}
                      </button>
                    </Form>
                  )
                ) : (
                  <p className="hint">The shop's owner or an admin can launch it.</p>
                )
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      {actionData && "error" in actionData ? (
        <p className="error" role="alert">
          {actionData.error}
        </p>
      ) : null}
    </section>
  );
}

function Dashboard() {
  const { shop, currency, now, summary, daily, onboarding, recommendations } = useLoaderData<typeof loader>();
  if (!summary) return null;
  const base = `/admin/${shop.slug}`;
  return (
    <>
      {onboarding.launchedAt ? (
        <p className="muted">Open to shoppers since {formatUtcDate(onboarding.launchedAt)}. Figures count paid orders, by UTC day.</p>
      ) : null}
      <div className="grid kpis">
        <section className="card kpi" aria-labelledby="kpi-today">
          <h2 id="kpi-today">
            Today <span className="muted">(UTC)</span>
          </h2>
          <p className="figure">{formatMoney(summary.today.sales, currency)}</p>
          <p className="muted">{paidOrders(summary.today.orders)}</p>
        </section>
        <section className="card kpi" aria-labelledby="kpi-month">
          <h2 id="kpi-month">
            {formatUtcMonth(now)} <span className="muted">(UTC)</span>
          </h2>
          <p className="figure">{formatMoney(summary.month.sales, currency)}</p>
          <p className="muted">
            {paidOrders(summary.month.orders)} · <Link to={`${base}/orders`}>All orders</Link>
          </p>
        </section>
      </div>

      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title">Sales, last 30 days</h2>
        <Suspense fallback={<p className="muted chart-placeholder">Loading the sales chart…</p>}>
          <Await resolve={daily} errorElement={<p className="error">The sales chart couldn't be loaded. Reload the page to try again.</p>}>
            {(points) => (points ? <SalesChart points={points} currency={currency} caption={`Sales per day in ${currency}, last 30 days`} /> : null)}
          </Await>
        </Suspense>
      </section>

      {recommendations ? <RecommendationPerformance performance={recommendations} currency={currency} /> : null}

      <div className="grid top-products">
        <TopProducts title="Top products by units" rows={summary.topByUnits} currency={currency} base={base} />
        <TopProducts title="Top products by revenue" rows={summary.topByRevenue} currency={currency} base={base} />
      </div>
    </>
  );
}

function paidOrders(count: number): string {
  return `${count} paid order${count === 1 ? "" : "s"}`;
}

function TopProducts({
  title,
  rows,
  currency,
  base,
}: {
  title: string;
  rows: { productId: string | null; title: string; units: number; revenue: string }[];
  currency: string;
  base: string;
}) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <p className="muted">This month (UTC), before order discounts.</p>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" className="num">
                Units
              </th>
              <th scope="col" className="num">
                Revenue
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.productId ?? ""}:${row.title}`}>
                <td>{row.productId ? <Link to={`${base}/products/${row.productId}`}>{row.title}</Link> : row.title}</td>
                <td className="num">{row.units}</td>
                <td className="num">{formatMoney(row.revenue, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No sales yet this month.</p>
      )}
    </section>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
