import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { formatUtcDateTime } from "../components/admin/sales-format.ts";
import type { PlatformDb } from "../../db/database.server.ts";
import type { Shop } from "../../db/types.ts";
import { platformOrigin } from "../../server/config.ts";
import type { StripeSetup } from "../../server/stripe.server.ts";
import { connectShopAccount, createOnboardingLink, payoutState, refreshPayoutState, stripeFailure } from "../domain.server.ts";
import { PAYOUT_COUNTRIES, paymentsForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Payments · Bazaar admin" }];

// /admin/:shop/payments: the owner connects the shop to Stripe (Accounts v2) and sees what Stripe still needs.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireShopAdmin(context, request, params.shop, "payouts");
  const stripe = context.services.stripe;
  if (!stripe) return { configured: false as const, slug: shop.slug };
  let state = await payoutState(context.services.db, shop.id);
  let notice: string | null = null;
  // Back from Stripe's hosted onboarding: ask Stripe now rather than wait for its event (what we knew stands if it can't answer).
  if (state && new URL(request.url).searchParams.has("from-stripe")) {
    try {
      await refreshPayoutState(context.services.db, stripe.client, state.accountId);
      state = await payoutState(context.services.db, shop.id);
    } catch (error) {
      notice = stripeFailure(error)?.message ?? rethrow(error);
    }
  }
  return { configured: true as const, slug: shop.slug, state, notice, publishableKey: stripe.publishableKey, countries: PAYOUT_COUNTRIES };
}

function rethrow(error: unknown): never {
  throw error;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { shop, actor } = await requireShopAdmin(context, request, params.shop, "payouts");
  const stripe = context.services.stripe;
  if (!stripe) return data({ error: "Stripe isn't configured on this Bazaar." }, { status: 400 });
  const parsed = await readForm(request, paymentsForm);
  if (!parsed.ok) return data({ error: Object.values(parsed.errors)[0] }, { status: 400 });
  try {
    return await act(parsed.value, shop, actor.email, stripe, platformOrigin(context.services.config), context.services.db);
  } catch (error) {
    // Stripe down, or refusing what we sent: say so on the page rather than fail it.
    const failure = stripeFailure(error);
    if (!failure) throw error;
    return data({ error: failure.message }, { status: failure.status });
  }
}

async function act(input: z.output<typeof paymentsForm>, shop: Shop, ownerEmail: string, stripe: StripeSetup, platform: string, db: PlatformDb) {
  const here = `${platform}/admin/${shop.slug}/payments`;
  if (input.intent === "connect") {
    await connectShopAccount(db, stripe.client, shop, { email: ownerEmail, country: input.country }, stripe.livemode);
    return redirect(`/admin/${shop.slug}/payments`, { status: 303 });
  }
  const state = await payoutState(db, shop.id);
  if (!state) return data({ error: "Set up payments first." }, { status: 400 });
  if (input.intent === "link")
    return redirect(await createOnboardingLink(stripe.client, state.accountId, { returnUrl: `${here}?from-stripe=1`, refreshUrl: here }), { status: 303 });
  await refreshPayoutState(db, stripe.client, state.accountId);
  return redirect(`/admin/${shop.slug}/payments`, { status: 303 });
}

/** How long Connect.js may take before the page says it can't load and offers Stripe's own page instead. */
const CONNECT_TIMEOUT_MS = 8_000;

/** Stripe's embedded components (onboarding, or payments, payouts and the banner once connected). */
function ConnectEmbeds({ publishableKey, onboarding }: { publishableKey: string; onboarding: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    let active = true;
    const timer = window.setTimeout(() => active && setState((s) => (s === "loading" ? "failed" : s)), CONNECT_TIMEOUT_MS);
    import("@stripe/connect-js")
      .then(({ loadConnectAndInitialize }) => {
        const connect = loadConnectAndInitialize({
          publishableKey,
          fetchClientSecret: async () => {
            const response = await fetch(`${window.location.pathname}/session`, { method: "POST" });
            if (!response.ok) throw new Error(`account session: ${response.status}`);
            return ((await response.json()) as { clientSecret: string }).clientSecret;
          },
        });
        const names = onboarding ? (["account-onboarding"] as const) : (["notification-banner", "payments", "payouts"] as const);
        for (const name of names) {
          const element = connect.create(name);
          // Called once Connect.js has loaded and the component starts to draw; if it never is, the timer says so.
          element.setOnLoaderStart(() => active && setState("ready"));
          // Connect.js loaded but the component couldn't (no account session, Stripe unreachable): same fallback.
          element.setOnLoadError(() => active && setState("failed"));
          container.current?.append(element);
        }
      })
      .catch(() => active && setState("failed"));
    return () => {
      active = false;
      window.clearTimeout(timer);
    };
  }, [publishableKey, onboarding]);
  return (
    <>
      {state === "failed" ? (
        <p className="banner" role="alert">
          Stripe&apos;s embedded pages couldn&apos;t load here (they come from connect-js.stripe.com). Use &ldquo;Continue on Stripe&rdquo; instead.
        </p>
      ) : state === "loading" ? (
        <p className="muted">Loading Stripe…</p>
      ) : null}
      <div ref={container} className="connect-embeds" />
    </>
  );
}

export default function Payments() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const error = actionData && "error" in actionData ? actionData.error : null;
  if (!loaded.configured)
    return (
      <main>
        <h1>Payments</h1>
        <section className="card">
          <p>Stripe isn&apos;t configured on this Bazaar (no STRIPE_SECRET_KEY), so the shop&apos;s checkout uses the test gateway: test orders, no money.</p>
        </section>
      </main>
    );
  const { state } = loaded;
  return (
    <main>
      <h1>Payments</h1>
      {error || loaded.notice ? (
        <p className="banner" role="alert">
          {error ?? loaded.notice}
        </p>
      ) : null}
      {!state ? (
        <section className="card" aria-labelledby="connect-title">
          <h2 id="connect-title">Get paid with Stripe</h2>
          <p>
            Shoppers pay you directly: you are the merchant of record, Stripe pays out to your bank, and you get the full Stripe Dashboard. Checkout opens once
            Stripe has what it needs.
          </p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="connect" />
            <label>
              Country of your business
              <select name="country" defaultValue="US">
                {loaded.countries.map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <div>
              <button type="submit" disabled={busy}>
                Set up payments
              </button>
            </div>
          </Form>
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="state-title">
            <h2 id="state-title">Payout status</h2>
            <ul className="checklist">
              <li>{state.detailsSubmitted ? "✓ Everything Stripe asked for is submitted" : "○ Stripe needs more information from you (below)"}</li>
              <li>{state.chargesEnabled ? "✓ Accepting payments: checkout is open" : "○ Not accepting payments yet: checkout stays closed"}</li>
              <li>{state.payoutsEnabled ? "✓ Payouts to your bank are on" : "○ Payouts are not on yet"}</li>
            </ul>
            {state.requirements.length ? (
              <>
                <h3>What Stripe still needs{state.deadline ? ` (by ${formatUtcDateTime(state.deadline)})` : ""}</h3>
                <ul>
                  {state.requirements.map((r) => (
                    <li key={r.description}>
                      {r.description} <span className="muted">({r.status.replace(/_/g, " ")})</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            <div className="actions">
              <Form method="post">
                <input type="hidden" name="intent" value="link" />
                <button type="submit" disabled={busy}>
                  Continue on Stripe
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="refresh" />
                <button type="submit" className="secondary" disabled={busy}>
                  Check status now
                </button>
              </Form>
            </div>
          </section>
          <section className="card" aria-labelledby="embedded-title">
            <h2 id="embedded-title">{state.chargesEnabled ? "Payments and payouts" : "Finish setting up"}</h2>
            <ConnectEmbeds publishableKey={loaded.publishableKey} onboarding={!state.chargesEnabled} />
          </section>
        </>
      )}
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
