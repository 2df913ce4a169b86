import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import type { ChangeEvent } from "react";
import { formatMoney } from "../../shop/money.ts";
import { AddressFields } from "../components/store/account-address.tsx";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { useStore } from "../components/store/context.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import {
  addressFromForm,
  addressInput,
  countryOptions,
  findCheckout,
  listAddresses,
  payWithTestCard,
  priceCheckout,
  releaseCheckout,
  reminderDelay,
  settleStripeReturn,
  startStripePayment,
  TEST_CARD_HINT,
  updateCheckout,
  type CheckoutInput,
  type FieldErrors,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { StripePayment } from "../components/store/stripe-payment.tsx";
import { checkoutDeps, checkoutGateway } from "../utils/checkout.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

const PAYMENTS_UNAVAILABLE = "This shop can't take payments yet. Your cart is saved: please come back later.";

// /checkouts/:token: contact, shipping address, shipping method, discount code, review and payment on one page.
// Every amount comes from the server; the form sends what the shopper typed and chose.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await shopperContext(context, request);
  const { db, shopper, headers } = current;
  const checkout = await findCheckout(db, params.token);
  if (!checkout) throw new Response("Not found", { status: 404, headers });
  if (checkout.status === "completed" && checkout.order_id) {
    const order = await db.selectFrom("orders").select("status_token").where("id", "=", checkout.order_id).executeTakeFirst();
    if (order?.status_token) throw redirect(`/orders/${order.status_token}`, { headers });
  }
  const [pricing, savedAddresses, gateway] = await Promise.all([
    priceCheckout(db, checkout),
    shopper ? listAddresses(db, shopper.id) : [],
    checkoutGateway(context, current.shop),
  ]);
  const stored = checkout.shipping_address ? addressInput(checkout.shipping_address) : null;
  const preferred = savedAddresses.find((a) => a.isDefault) ?? savedAddresses[0];
  return data(
    {
      token: checkout.token,
      email: checkout.email,
      marketingConsent: checkout.marketing_consent,
      address: stored ?? (preferred ? { ...preferred } : null),
      shippingRateId: checkout.shipping_rate_id,
      discountCode: checkout.discount_code ?? "",
      savedAddresses,
      countries: countryOptions(),
      testCardHint: TEST_CARD_HINT,
      gateway:
        gateway.kind === "stripe"
          ? { kind: "stripe" as const, publishableKey: gateway.publishableKey, accountId: gateway.stripe.accountId }
          : { kind: gateway.kind },
      paymentFailed: new URL(request.url).searchParams.get("payment") === "failed",
      pricing: {
        currency: pricing.currency,
        lines: pricing.lines.map((l) => ({
          id: l.id,
          title: l.title,
          variantTitle: l.variantTitle,
          quantity: l.quantity,
          lineTotal: l.lineTotal,
          image: l.image,
        })),
        subtotal: String(pricing.subtotal),
        discount: pricing.discount ? { code: pricing.discount.code, amount: String(pricing.discount.amount) } : null,
        discountProblem: pricing.discountProblem,
        shippingRequired: pricing.shippingRequired,
        shippingOptions: pricing.shippingOptions,
        shippingRate: pricing.shippingRate,
        shippingProblem: pricing.shippingProblem,
        shipping: String(pricing.shipping),
        tax: String(pricing.tax),
        taxIncluded: pricing.taxIncluded,
        total: String(pricing.total),
        problems: pricing.problems,
      },
      seo: { title: "Checkout", description: "Checkout", path: `/checkouts/${checkout.token}`, noindex: true },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

/** `values`: what was typed in a refused form, shown again (nothing of it was saved). */
type CheckoutActionData = { errors: FieldErrors; payment?: string; clientSecret?: string; values?: CheckoutInput };

function checkoutInput(form: FormData): CheckoutInput {
  const text = (name: string) => (typeof form.get(name) === "string" ? String(form.get(name)) : "");
  return {
    email: text("email"),
    marketingConsent: form.get("marketingConsent") === "1",
    address: addressFromForm(form),
    shippingRateId: text("shippingRateId"),
    discountCode: form.get("intent") === "remove_discount" ? "" : text("discountCode"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await shopperContext(context, request);
  const { db, shopper, headers } = current;
  let checkout = await findCheckout(db, params.token);
  if (!checkout) throw new Response("Not found", { status: 404, headers });
  // Back from an open Stripe payment to change something: settle it first (paid, still processing, or reopened).
  if (checkout.status === "processing" && checkout.gateway === "stripe") {
    const gateway = await checkoutGateway(context, current.shop);
    if (gateway.kind === "stripe") {
      const settled = await settleStripeReturn(checkoutDeps(context, current), gateway.stripe, checkout.token, null);
      if (settled.kind === "paid") throw redirect(`/orders/${settled.statusToken}`, { status: 303, headers });
      if (settled.kind === "processing") throw redirect(`/checkouts/${checkout.token}/return`, { status: 303, headers });
      checkout = (await findCheckout(db, checkout.token))!;
    }
  }
  // The test gateway settles within its request: one left processing was cut off mid-way, so nothing was charged.
  if (checkout.status === "processing" && checkout.gateway === "test") {
    await releaseCheckout(db, checkout.id);
    checkout = (await findCheckout(db, checkout.token))!;
  }
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "update");
  const fail = (errors: FieldErrors, payment?: string) => data<CheckoutActionData>({ errors, payment }, { status: 400, headers });
  const here = `/checkouts/${checkout.token}`;

  if (intent === "use_address") {
    const saved = shopper ? (await listAddresses(db, shopper.id)).find((a) => a.id === form.get("addressId")) : undefined;
    if (!saved) return fail({ addressId: "Choose one of your saved addresses." });
    const { errors } = await updateCheckout(db, checkout, { address: saved });
    return Object.keys(errors).length ? fail(errors) : redirect(here, { status: 303, headers });
  }

  const input = checkoutInput(form);
  const { errors } = await updateCheckout(db, checkout, input);
  if (Object.keys(errors).length) return data<CheckoutActionData>({ errors, values: input }, { status: 400, headers });
  const saved = await findCheckout(db, checkout.token);
  const delay = saved ? await reminderDelay(db, saved) : null;
  if (delay !== null) context.services.requestCheckoutReminder({ shopId: current.shop.id, checkoutId: checkout.id }, delay);
  if (intent !== "pay") throw redirect(here, { status: 303, headers });

  const expectedTotal = typeof form.get("expectedTotal") === "string" ? String(form.get("expectedTotal")) : undefined;
  const gateway = await checkoutGateway(context, current.shop);
  if (gateway.kind === "unavailable") return fail({ form: PAYMENTS_UNAVAILABLE });
  const result =
    gateway.kind === "stripe"
      ? await startStripePayment(checkoutDeps(context, current), gateway.stripe, checkout.token, expectedTotal)
      : await payWithTestCard(checkoutDeps(context, current), checkout.token, String(form.get("card") ?? ""), expectedTotal);
  switch (result.kind) {
    case "client":
      return data<CheckoutActionData>({ errors: {}, clientSecret: result.clientSecret }, { headers });
    case "paid":
      throw redirect(`/orders/${result.statusToken}`, { status: 303, headers });
    case "completed":
      throw redirect(result.statusToken ? `/orders/${result.statusToken}` : "/cart", { status: 303, headers });
    case "card":
      return fail({ card: result.message });
    case "declined":
    case "failed":
      return fail({}, result.message);
    case "sold_out":
      return fail({ form: `Sold out while you were checking out: ${result.titles.join(", ")}. Nothing was charged; change your cart to continue.` });
    case "invalid":
      return fail({ form: result.problems.join(" ") });
  }
}

export default function Checkout() {
  const loaded = useLoaderData<typeof loader>();
  const { token, savedAddresses, countries, testCardHint, gateway, paymentFailed, pricing } = loaded;
  const actionData = useActionData<typeof action>();
  // A refused form saved nothing: its fields show what was typed, not what is saved.
  const typed = actionData && "values" in actionData ? actionData.values : undefined;
  const { email, marketingConsent, address, shippingRateId, discountCode } = typed ?? loaded;
  const errors: FieldErrors = actionData?.errors ?? {};
  const navigation = useNavigation();
  const paying = navigation.state !== "idle" && navigation.formData?.get("intent") === "pay";
  const money = (amount: string) => formatMoney(amount, pricing.currency);
  const store = useStore();
  const submit = useSubmit();
  // With JavaScript, choosing a shipping method saves the form and reprices it at once; without, "Update shipping" does.
  const refreshTotals = (event: ChangeEvent<HTMLInputElement>) => {
    if (!event.currentTarget.form) return;
    const form = new FormData(event.currentTarget.form);
    form.set("intent", "update");
    submit(form, { method: "post", preventScrollReset: true });
  };

  return (
    <div className="store-page checkout-page">
      <PageHeader title="Checkout" />
      <div className="checkout-layout">
        <section className="checkout-summary" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Order summary</h2>
          <ul className="checkout-lines">
            {pricing.lines.map((line) => (
              <li key={line.id}>
                <span>
                  {line.quantity} × {line.title}
                  {line.variantTitle ? <span className="muted"> ({line.variantTitle})</span> : null}
                </span>
                <span>{line.lineTotal ? money(line.lineTotal) : "Unavailable"}</span>
              </li>
            ))}
          </ul>
          <dl className="checkout-totals">
            <div>
              <dt>Subtotal</dt>
              <dd>{money(pricing.subtotal)}</dd>
            </div>
            {pricing.discount ? (
              <div>
                <dt>Discount ({pricing.discount.code})</dt>
                <dd>−{money(pricing.discount.amount)}</dd>
              </div>
            ) : null}
            <div>
              <dt>Shipping{pricing.shippingRate ? ` (${pricing.shippingRate.name})` : ""}</dt>
              <dd>{!pricing.shippingRequired ? "Free" : pricing.shippingRate ? money(pricing.shipping) : "Choose below"}</dd>
            </div>
            {pricing.tax !== "0" ? (
              <div>
                <dt>{pricing.taxIncluded ? "Including taxes" : "Taxes"}</dt>
                <dd>{money(pricing.tax)}</dd>
              </div>
            ) : null}
            <div className="checkout-total">
              <dt>Total</dt>
              <dd>
                <strong>{money(pricing.total)}</strong> <span className="muted">{pricing.currency}</span>
              </dd>
            </div>
          </dl>
          <p>
            <Link to="/cart">Change your cart</Link>
          </p>
        </section>

        <div className="checkout-main">
          {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
          {actionData?.payment ? <FormNotice error>{actionData.payment}</FormNotice> : null}

          {savedAddresses.length ? (
            <Form method="post" className="store-form checkout-saved-address">
              <input type="hidden" name="intent" value="use_address" />
              <div className="form-field">
                <label htmlFor="addressId">Ship to a saved address</label>
                <select id="addressId" name="addressId" defaultValue="">
                  <option value="" disabled>
                    Choose an address
                  </option>
                  {savedAddresses.map((a) => (
                    <option key={a.id} value={a.id}>
                      {[a.name, a.line1, a.city, a.countryName].filter(Boolean).join(", ")}
                    </option>
                  ))}
                </select>
                {errors.addressId ? <p className="field-error">{errors.addressId}</p> : null}
              </div>
              <button type="submit" className="button button-secondary">
                Use this address
              </button>
            </Form>
          ) : null}

          <Form method="post" className="store-form checkout-form" noValidate>
            <fieldset>
              <legend>Contact</legend>
              <TextField label="Email" name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={email} error={errors.email} />
              <div className="form-field form-check">
                <input type="checkbox" id="marketingConsent" name="marketingConsent" value="1" defaultChecked={marketingConsent} />
                <label htmlFor="marketingConsent">Email me about my order if I don't finish it, and about news and offers</label>
              </div>
            </fieldset>

            <fieldset>
              <legend>Shipping address</legend>
              <AddressFields countries={countries} values={address} errors={errors} />
            </fieldset>

            <fieldset>
              <legend>Shipping method</legend>
              {!pricing.shippingRequired ? (
                <p className="muted">No shipping needed: this shop doesn't charge for delivery.</p>
              ) : pricing.shippingProblem ? (
                <p className="field-error">{pricing.shippingProblem}</p>
              ) : pricing.shippingOptions.length ? (
                pricing.shippingOptions.map((option) => (
                  <div key={option.id} className="form-field form-check">
                    <input
                      type="radio"
                      id={`rate-${option.id}`}
                      name="shippingRateId"
                      value={option.id}
                      defaultChecked={option.id === shippingRateId}
                      onChange={refreshTotals}
                    />
                    <label htmlFor={`rate-${option.id}`}>
                      {option.name} · {option.price === "0" ? "Free" : money(option.price)}
                    </label>
                  </div>
                ))
              ) : (
                <p className="muted">Enter your address to see the shipping methods.</p>
              )}
              <button type="submit" name="intent" value="update" className="button button-secondary">
                Update shipping
              </button>
            </fieldset>

            <fieldset>
              <legend>Discount code</legend>
              <div className="checkout-discount">
                <TextField
                  label="Discount code"
                  name="discountCode"
                  autoComplete="off"
                  maxLength={64}
                  defaultValue={discountCode}
                  error={errors.discountCode ?? pricing.discountProblem ?? undefined}
                />
                <button type="submit" name="intent" value="discount" className="button button-secondary">
                  Apply
                </button>
                {discountCode ? (
                  <button type="submit" name="intent" value="remove_discount" className="button button-link">
                    Remove code
                  </button>
                ) : null}
              </div>
            </fieldset>

            <fieldset>
              <legend>Payment</legend>
              {paymentFailed ? <FormNotice error>The payment didn&apos;t go through. Nothing was charged: try again or use another method.</FormNotice> : null}
              {gateway.kind === "unavailable" ? (
                <FormNotice>{PAYMENTS_UNAVAILABLE}</FormNotice>
              ) : gateway.kind === "test" ? (
                <>
                  <p className="checkout-test-gateway" role="note">
                    <strong>Test payments:</strong> this shop takes test orders and no money moves. {testCardHint}
                  </p>
                  <TextField
                    label="Card number"
                    name="card"
                    inputMode="numeric"
                    autoComplete="cc-number"
                    maxLength={23}
                    placeholder="4242 4242 4242 4241"
                    error={errors.card}
                  />
                </>
              ) : (
                <p className="muted">Card and other payment methods are taken securely by Stripe on the next step.</p>
              )}
              {pricing.problems.length && !errors.form ? (
                <ul className="checkout-problems">
                  {pricing.problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              ) : null}
              {gateway.kind === "stripe" && actionData?.clientSecret ? null : (
                <button type="submit" name="intent" value="pay" className="button checkout-pay" disabled={paying || gateway.kind === "unavailable"}>
                  {paying ? "Paying…" : gateway.kind === "stripe" ? `Continue to payment · ${money(pricing.total)}` : `Pay ${money(pricing.total)}`}
                </button>
              )}
            </fieldset>
            <input type="hidden" name="expectedTotal" value={pricing.total} />
          </Form>
          {gateway.kind === "stripe" && actionData?.clientSecret ? (
            <StripePayment
              publishableKey={gateway.publishableKey}
              accountId={gateway.accountId}
              clientSecret={actionData.clientSecret}
              returnUrl={`${store.shop.origin}/checkouts/${token}/return`}
              payLabel={`Pay ${money(pricing.total)}`}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
