import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import type { ChangeEvent } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { countryName } from "../../shop/countries.ts";
import { formatMoney } from "../../shop/money.ts";
import { AddressFields } from "../components/store/account-address.tsx";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { useStore } from "../components/store/context.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import {
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
  updateCheckout,
  type CheckoutInput,
  type FieldErrors,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { StripePayment } from "../components/store/stripe-payment.tsx";
import { checkoutDeps, checkoutGateway } from "../utils/checkout.server.ts";
import { parseStoreForm } from "../utils/forms.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";
import { checkoutForm, typedAddress } from "../utils/store-forms.server.ts";

// /checkouts/:token: contact, shipping address, shipping method, discount code, review and payment on one page.
// Every amount comes from the server; the form sends what the shopper typed and chose.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await shopperContext(context, request);
  const { db, shopper, headers, intl } = current;
  const checkout = await findCheckout(db, params.token);
  if (!checkout) throw new Response("Not found", { status: 404, headers });
  if (checkout.status === "completed" && checkout.order_id) {
    const order = await db.selectFrom("orders").select("status_token").where("id", "=", checkout.order_id).executeTakeFirst();
    if (order?.status_token) throw redirect(`/orders/${order.status_token}`, { headers });
  }
  const [pricing, savedAddresses, gateway] = await Promise.all([
    priceCheckout(db, checkout, { intl }),
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
      countries: countryOptions(intl.locale),
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
      seo: {
        title: intl.formatMessage({ id: "checkout.title" }),
        description: intl.formatMessage({ id: "checkout.title" }),
        path: `/checkouts/${checkout.token}`,
        noindex: true,
      },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

/** `values`: what was typed in a refused form, shown again (nothing of it was saved). */
type CheckoutActionData = { errors: FieldErrors; payment?: string; clientSecret?: string; values?: CheckoutInput };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await shopperContext(context, request);
  const { db, shopper, headers, intl } = current;
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
  const parsed = parseStoreForm(await request.formData(), checkoutForm, intl);
  if (!parsed.ok) {
    // The buttons and the saved address's id are hidden fields: their messages are the form's.
    const { intent: intentError, addressId: addressError, ...errors } = parsed.errors;
    const { email = "", discountCode = "", shippingRateId = "", marketingConsent } = parsed.values;
    const values: CheckoutInput = { email, discountCode, shippingRateId, marketingConsent: marketingConsent === "1", address: typedAddress(parsed.values) };
    return data<CheckoutActionData>({ errors: { ...errors, form: errors.form ?? intentError ?? addressError }, values }, { status: 400, headers });
  }
  const { intent, addressId, email, marketingConsent, shippingRateId, discountCode, card, expectedTotal, ...address } = parsed.value;
  const fail = (errors: FieldErrors, payment?: string) => data<CheckoutActionData>({ errors, payment }, { status: 400, headers });
  const here = `/checkouts/${checkout.token}`;

  if (intent === "use_address") {
    const saved = shopper ? (await listAddresses(db, shopper.id)).find((a) => a.id === addressId) : undefined;
    if (!saved) return fail({ addressId: intl.formatMessage({ id: "checkout.error.chooseSavedAddress" }) });
    const { errors } = await updateCheckout(db, checkout, { address: saved }, intl);
    return Object.keys(errors).length ? fail(errors) : redirect(here, { status: 303, headers });
  }

  const input: CheckoutInput = { email, marketingConsent, address, shippingRateId, discountCode: intent === "remove_discount" ? "" : discountCode };
  const { errors } = await updateCheckout(db, checkout, input, intl);
  if (Object.keys(errors).length) return data<CheckoutActionData>({ errors, values: input }, { status: 400, headers });
  const saved = await findCheckout(db, checkout.token);
  const delay = saved ? await reminderDelay(db, saved) : null;
  if (delay !== null) context.services.requestCheckoutReminder({ shopId: current.shop.id, checkoutId: checkout.id }, delay);
  if (intent !== "pay") throw redirect(here, { status: 303, headers });

  const gateway = await checkoutGateway(context, current.shop);
  if (gateway.kind === "unavailable") return fail({ form: intl.formatMessage({ id: "checkout.paymentsUnavailable" }) });
  const result =
    gateway.kind === "stripe"
      ? await startStripePayment(checkoutDeps(context, current), gateway.stripe, checkout.token, { expectedTotal, intl })
      : await payWithTestCard(checkoutDeps(context, current), checkout.token, card, { expectedTotal, intl });
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
      return fail({ form: intl.formatMessage({ id: "checkout.error.soldOut" }, { titles: intl.formatList(result.titles) }) });
    case "invalid":
      return fail({ form: result.problems.join(" ") });
  }
}

export default function Checkout() {
  const loaded = useLoaderData<typeof loader>();
  const { token, savedAddresses, countries, gateway, paymentFailed, pricing } = loaded;
  const actionData = useActionData<typeof action>();
  // A refused form saved nothing: its fields show what was typed, not what is saved.
  const typed = actionData && "values" in actionData ? actionData.values : undefined;
  const { email, marketingConsent, address, shippingRateId, discountCode } = typed ?? loaded;
  const errors: FieldErrors = actionData?.errors ?? {};
  const navigation = useNavigation();
  const paying = navigation.state !== "idle" && navigation.formData?.get("intent") === "pay";
  const intl = useIntl();
  const money = (amount: string) => formatMoney(amount, pricing.currency, intl.locale);
  const say = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
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
      <PageHeader title={say("checkout.title")} />
      <div className="checkout-layout">
        <section className="checkout-summary" aria-labelledby="summary-heading">
          <h2 id="summary-heading">
            <FormattedMessage id="checkout.orderSummary" />
          </h2>
          <ul className="checkout-lines">
            {pricing.lines.map((line) => (
              <li key={line.id}>
                <span>
                  <FormattedMessage id="checkout.lineTitle" values={{ quantity: line.quantity, title: line.title }} />
                  {line.variantTitle ? <span className="muted"> ({line.variantTitle})</span> : null}
                </span>
                <span>{line.lineTotal ? money(line.lineTotal) : say("product.unavailable")}</span>
              </li>
            ))}
          </ul>
          <dl className="checkout-totals">
            <div>
              <dt>
                <FormattedMessage id="checkout.subtotal" />
              </dt>
              <dd>{money(pricing.subtotal)}</dd>
            </div>
            {pricing.discount ? (
              <div>
                <dt>
                  <FormattedMessage id="checkout.discount" values={{ code: pricing.discount.code }} />
                </dt>
                <dd>−{money(pricing.discount.amount)}</dd>
              </div>
            ) : null}
            <div>
              <dt>{pricing.shippingRate ? say("checkout.shippingWithRate", { rate: pricing.shippingRate.name }) : say("checkout.shipping")}</dt>
              <dd>{!pricing.shippingRequired ? say("checkout.free") : pricing.shippingRate ? money(pricing.shipping) : say("checkout.chooseBelow")}</dd>
            </div>
            {pricing.tax !== "0" ? (
              <div>
                <dt>{say(pricing.taxIncluded ? "checkout.includingTaxes" : "checkout.taxes")}</dt>
                <dd>{money(pricing.tax)}</dd>
              </div>
            ) : null}
            <div className="checkout-total">
              <dt>
                <FormattedMessage id="checkout.total" />
              </dt>
              <dd>
                <strong>{money(pricing.total)}</strong> <span className="muted">{pricing.currency}</span>
              </dd>
            </div>
          </dl>
          <p>
            <Link to="/cart">
              <FormattedMessage id="checkout.changeCart" />
            </Link>
          </p>
        </section>

        <div className="checkout-main">
          {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
          {actionData?.payment ? <FormNotice error>{actionData.payment}</FormNotice> : null}

          {savedAddresses.length ? (
            <Form method="post" className="store-form checkout-saved-address">
              <input type="hidden" name="intent" value="use_address" />
              <div className="form-field">
                <label htmlFor="addressId">
                  <FormattedMessage id="checkout.savedAddress" />
                </label>
                <select id="addressId" name="addressId" defaultValue="">
                  <option value="" disabled>
                    <FormattedMessage id="checkout.chooseAddress" />
                  </option>
                  {savedAddresses.map((a) => (
                    <option key={a.id} value={a.id}>
                      {[a.name, a.line1, a.city, countryName(a.country, intl.locale)].filter(Boolean).join(", ")}
                    </option>
                  ))}
                </select>
                {errors.addressId ? <p className="field-error">{errors.addressId}</p> : null}
              </div>
              <button type="submit" className="button button-secondary">
                <FormattedMessage id="checkout.useAddress" />
              </button>
            </Form>
          ) : null}

          <Form method="post" className="store-form checkout-form" noValidate>
            <fieldset>
              <legend>
                <FormattedMessage id="checkout.contact" />
              </legend>
              <TextField
                label={say("checkout.email")}
                name="email"
                type="email"
                autoComplete="email"
                required
                maxLength={254}
                defaultValue={email}
                error={errors.email}
              />
              <div className="form-field form-check">
                <input type="checkbox" id="marketingConsent" name="marketingConsent" value="1" defaultChecked={marketingConsent} />
                <label htmlFor="marketingConsent">
                  <FormattedMessage id="checkout.marketingConsent" />
                </label>
              </div>
            </fieldset>

            <fieldset>
              <legend>
                <FormattedMessage id="checkout.shippingAddress" />
              </legend>
              <AddressFields countries={countries} values={address} errors={errors} />
            </fieldset>

            <fieldset>
              <legend>
                <FormattedMessage id="checkout.shippingMethod" />
              </legend>
              {!pricing.shippingRequired ? (
                <p className="muted">
                  <FormattedMessage id="checkout.noShipping" />
                </p>
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
                      <FormattedMessage
                        id="checkout.rate"
                        values={{ name: option.name, price: option.price === "0" ? say("checkout.free") : money(option.price) }}
                      />
                    </label>
                  </div>
                ))
              ) : (
                <p className="muted">
                  <FormattedMessage id="checkout.enterAddressForRates" />
                </p>
              )}
              <button type="submit" name="intent" value="update" className="button button-secondary">
                <FormattedMessage id="checkout.updateShipping" />
              </button>
            </fieldset>

            <fieldset>
              <legend>
                <FormattedMessage id="checkout.discountCode" />
              </legend>
              <div className="checkout-discount">
                <TextField
                  label={say("checkout.discountCode")}
                  name="discountCode"
                  autoComplete="off"
                  maxLength={64}
                  defaultValue={discountCode}
                  error={errors.discountCode ?? pricing.discountProblem ?? undefined}
                />
                <button type="submit" name="intent" value="discount" className="button button-secondary">
                  <FormattedMessage id="checkout.apply" />
                </button>
                {discountCode ? (
                  <button type="submit" name="intent" value="remove_discount" className="button button-link">
                    <FormattedMessage id="checkout.removeCode" />
                  </button>
                ) : null}
              </div>
            </fieldset>

            <fieldset>
              <legend>
                <FormattedMessage id="checkout.payment" />
              </legend>
              {paymentFailed ? (
                <FormNotice error>
                  <FormattedMessage id="checkout.paymentFailed" />
                </FormNotice>
              ) : null}
              {gateway.kind === "unavailable" ? (
                <FormNotice>
                  <FormattedMessage id="checkout.paymentsUnavailable" />
                </FormNotice>
              ) : gateway.kind === "test" ? (
                <>
                  <p className="checkout-test-gateway" role="note">
                    <FormattedMessage id="checkout.testPayments" values={{ hint: say("checkout.testCardHint"), strong: (text) => <strong>{text}</strong> }} />
                  </p>
                  <TextField
                    label={say("checkout.cardNumber")}
                    name="card"
                    inputMode="numeric"
                    autoComplete="cc-number"
                    maxLength={23}
                    placeholder="4242 4242 4242 4241"
                    error={errors.card}
                  />
                </>
              ) : (
                <p className="muted">
                  <FormattedMessage id="checkout.stripeNextStep" />
                </p>
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
                  {paying
                    ? say("checkout.paying")
                    : say(gateway.kind === "stripe" ? "checkout.continueToPayment" : "checkout.pay", { total: money(pricing.total) })}
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
              payLabel={say("checkout.pay", { total: money(pricing.total) })}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
