import { useEffect, useRef, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useStore } from "./context.tsx";

/** The parts of Stripe.js this page uses (loaded from js.stripe.com, never bundled). */
interface StripeJs {
  elements(options: { clientSecret: string; locale: string }): {
    create(kind: "payment"): { mount(el: HTMLElement): void; on(event: "ready", handler: () => void): void };
  };
  confirmPayment(options: { elements: unknown; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}
type StripeFactory = (publishableKey: string, options: { stripeAccount: string }) => StripeJs;

const STRIPE_JS = "https://js.stripe.com/v3/";
/** How long Stripe.js may take before the page says it can't load, rather than leaving the shopper waiting. */
const LOAD_TIMEOUT_MS = 8_000;

function loadStripeJs(): Promise<StripeFactory> {
  const existing = (window as { Stripe?: StripeFactory }).Stripe;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = STRIPE_JS;
    script.async = true;
    script.onload = () => {
      const factory = (window as { Stripe?: StripeFactory }).Stripe;
      if (factory) resolve(factory);
      else reject(new Error("Stripe.js loaded without Stripe"));
    };
    script.onerror = () => reject(new Error("Stripe.js failed to load"));
    document.head.append(script);
  });
}

/**
 * Stripe's Payment Element for one PaymentIntent on the shop's connected account: it shows the methods the merchant
 * enabled and confirms the payment, then Stripe sends the shopper back to `returnUrl`. If Stripe.js can't load
 * (blocked, offline) the shopper is told so plainly within a few seconds.
 */
export function StripePayment({
  publishableKey,
  accountId,
  clientSecret,
  returnUrl,
  payLabel,
}: {
  publishableKey: string;
  accountId: string;
  clientSecret: string;
  returnUrl: string;
  payLabel: string;
}) {
  const intl = useIntl();
  // Stripe names Simplified Chinese "zh" and English "en": the language part of the shop's language.
  const stripeLocale = useStore().language.split("-")[0];
  const mountPoint = useRef<HTMLDivElement>(null);
  const stripeRef = useRef<{ stripe: StripeJs; elements: unknown } | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed" | "paying">("loading");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    const timer = window.setTimeout(() => active && setState((s) => (s === "loading" ? "failed" : s)), LOAD_TIMEOUT_MS);
    loadStripeJs()
      .then((factory) => {
        if (!active || !mountPoint.current) return;
        const stripe = factory(publishableKey, { stripeAccount: accountId });
        const elements = stripe.elements({ clientSecret, locale: stripeLocale });
        const element = elements.create("payment");
        element.on("ready", () => active && setState((s) => (s === "loading" ? "ready" : s)));
        element.mount(mountPoint.current);
        stripeRef.current = { stripe, elements };
      })
      .catch(() => active && setState("failed"));
    return () => {
      active = false;
      window.clearTimeout(timer);
    };
  }, [publishableKey, accountId, clientSecret, stripeLocale]);

  async function pay() {
    if (!stripeRef.current) return;
    setState("paying");
    setError(null);
    const result = await stripeRef.current.stripe.confirmPayment({ elements: stripeRef.current.elements, confirmParams: { return_url: returnUrl } });
    // Only reached when confirming failed before any redirect (a declined card, a missing field).
    setError(result.error?.message ?? intl.formatMessage({ id: "checkout.stripeFailed" }));
    setState("ready");
  }

  if (state === "failed")
    return (
      <p className="notice notice-error" role="alert">
        <FormattedMessage id="checkout.stripeCouldNotLoad" />
      </p>
    );
  return (
    <div className="stripe-payment">
      {state === "loading" ? (
        <p className="muted">
          <FormattedMessage id="checkout.stripeLoading" />
        </p>
      ) : null}
      <div ref={mountPoint} />
      {error ? (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button checkout-pay" onClick={pay} disabled={state !== "ready"}>
        {state === "paying" ? intl.formatMessage({ id: "checkout.paying" }) : payLabel}
      </button>
    </div>
  );
}
