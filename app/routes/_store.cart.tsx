import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { formatMoney } from "../../shop/money.ts";
import { accessFor } from "../../tenants/lifecycle.ts";
import { FormNotice } from "../components/store/account-fields.tsx";
import type { AddedToCart } from "../components/store/cart-drawer.tsx";
import { CartLineRow } from "../components/store/cart-line.tsx";
import { EmptyState } from "../components/store/empty-state.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { Recommendations } from "../components/store/recommendations.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import {
  addToCart,
  cartCookie,
  loadCart,
  readVisitorId,
  recordAddToCart,
  visitorFor,
  removeCartLine,
  startCheckout,
  updateCartLine,
  type CartErrors,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { shopperRecommendations } from "../utils/recommendations.server.ts";
import { parseStoreForm } from "../utils/forms.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";
import { cartForm } from "../utils/store-forms.server.ts";
import { shopperTooManyAttempts } from "../utils/storefront.server.ts";

// /cart: the visitor's cart, and its action (add from a product page, change a quantity, remove a line).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shop, settings, shopper, owner, headers, intl } = await shopperContext(context, request);
  const cart = await loadCart(db, owner);
  const inCart = cart.lines.flatMap((line) => (line.productId ? [line.productId] : []));
  const atLimit = new URL(request.url).searchParams.get("limit");
  return data(
    {
      cart,
      currency: settings.currency,
      signedIn: Boolean(shopper),
      // A paused shop keeps its storefront and carts; checkout waits (tenants/lifecycle.ts).
      checkoutClosed: accessFor(shop.status).checkout ? null : intl.formatMessage({ id: "cart.checkoutClosed" }, { shopName: shop.name }),
      atLimit,
      // Not awaited: deferred data, bounded so it can never hold the page up.
      recommendations: shopperRecommendations(
        db,
        { customerId: shopper?.id, visitorId: readVisitorId(request) },
        inCart,
        context.services.config.recommendationsBudgetMs,
      ),
      seo: {
        title: intl.formatMessage({ id: "cart.title" }),
        description: intl.formatMessage({ id: "cart.metaDescription" }),
        path: "/cart",
        noindex: true,
      },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

type CartActionData = { intent: string; lineId: string | null; errors: CartErrors; added?: AddedToCart };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, settings, owner, secure, headers, shopper, intl } = await shopperContext(context, request);
  const parsed = parseStoreForm(await request.formData(), cartForm, intl);
  if (!parsed.ok) {
    const { intent = "add", lineId = null } = parsed.values;
    // The buttons and the drawer flag are hidden fields: their messages are the form's.
    const { intent: intentError, drawer: drawerError, ...errors } = parsed.errors;
    return data<CartActionData>({ intent, lineId, errors: { form: intentError ?? drawerError, ...errors } }, { status: 400, headers });
  }
  const { intent, variantId = null, lineId = null, quantity, drawer } = parsed.value;
  const fail = (errors: CartErrors) => data<CartActionData>({ intent, lineId, errors }, { status: 400, headers });

  if (intent === "add") {
    const result = await addToCart(db, owner, { variantId, quantity }, intl);
    if (!result.ok) return fail(result.errors);
    if (result.newToken) headers.append("Set-Cookie", cartCookie(result.newToken, secure));
    const visitor = visitorFor(request, secure);
    if (visitor) {
      await recordAddToCart(db, { visitorId: visitor.visitorId, customerId: shopper?.id }, result.lineId);
      if (visitor.setCookie) headers.append("Set-Cookie", visitor.setCookie);
    }
    // The product page's form with JavaScript opens the cart drawer instead of going to the cart.
    if (drawer) {
      const added: AddedToCart = {
        lineId: result.lineId,
        atLimit: result.atLimit,
        cart: await loadCart(db, { ...owner, token: result.newToken ?? owner.token }),
        currency: settings.currency,
      };
      return data({ intent, lineId: result.lineId, errors: {} as CartErrors, added }, { headers });
    }
    throw redirect(result.atLimit ? `/cart?limit=${result.lineId}` : "/cart", { status: 303, headers });
  }
  if (intent === "update") {
    const result = await updateCartLine(db, owner, { lineId, quantity }, intl);
    if (!result.ok) return fail(result.errors);
    throw redirect(result.atLimit ? `/cart?limit=${result.lineId}` : "/cart", { status: 303, headers });
  }
  if (intent === "checkout") {
    if (!accessFor(shop.status).checkout) return fail({ form: intl.formatMessage({ id: "cart.error.notTakingOrders" }, { shopName: shop.name }) });
    const gate = await context.services.limits.consume("checkout", `${shop.id}|${context.clientAddress}`);
    if (!gate.ok) return data<CartActionData>({ intent, lineId, errors: { form: shopperTooManyAttempts(intl, gate) } }, { status: 429, headers });
    const result = await startCheckout(db, owner, intl);
    if (!result.ok) return fail({ form: result.error });
    throw redirect(`/checkouts/${result.token}`, { status: 303, headers });
  }
  // The schema allows only the four buttons: this one is "remove".
  const removed = await removeCartLine(db, owner, { lineId }, intl);
  if (!removed.ok) return fail(removed.errors);
  throw redirect("/cart", { status: 303, headers });
}

export default function Cart() {
  const { cart, currency, signedIn, atLimit, checkoutClosed, recommendations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const intl = useIntl();
  const login = (text: React.ReactNode[]) => <Link to="/account/login?redirectTo=/cart">{text}</Link>;
  const lineError = (id: string) => (actionData?.lineId === id ? (actionData.errors.quantity ?? actionData.errors.lineId) : undefined);
  // Errors that belong to no line on this page: a bad add, or a line that has gone.
  const pageErrors = actionData
    ? [
        actionData.errors.variantId,
        actionData.errors.form,
        !cart.lines.some((l) => l.id === actionData.lineId) ? (actionData.errors.lineId ?? actionData.errors.quantity) : undefined,
      ].filter(Boolean)
    : [];

  return (
    <div className="store-page cart-page">
      <PageHeader title={intl.formatMessage({ id: "cart.title" })} />
      {pageErrors.map((message) => (
        <FormNotice key={message} error>
          {message}
        </FormNotice>
      ))}
      {cart.lines.length === 0 ? (
        <EmptyState title={intl.formatMessage({ id: "cart.empty" })}>
          <p>
            <Link to="/collections/all" className="button">
              <FormattedMessage id="cart.continueShopping" />
            </Link>
          </p>
          {signedIn ? null : (
            <p className="muted">
              <FormattedMessage id="cart.savedCartLogin" values={{ link: login }} />
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <table className="store-table cart-table">
            <caption className="visually-hidden">
              <FormattedMessage id="cart.itemsCaption" />
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <FormattedMessage id="cart.product" />
                </th>
                <th scope="col">
                  <FormattedMessage id="cart.price" />
                </th>
                <th scope="col">
                  <FormattedMessage id="cart.quantity" />
                </th>
                <th scope="col">
                  <FormattedMessage id="cart.total" />
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.lines.map((line) => (
                <CartLineRow key={line.id} line={line} currency={currency} error={lineError(line.id)} atLimit={atLimit === line.id} />
              ))}
            </tbody>
          </table>
          <section className="cart-summary" aria-labelledby="cart-summary-heading">
            <h2 id="cart-summary-heading" className="visually-hidden">
              <FormattedMessage id="cart.summary" />
            </h2>
            <p className="cart-subtotal">
              <span>
                <FormattedMessage id="cart.subtotal" />
              </span>{" "}
              <strong>{formatMoney(cart.subtotal, currency, intl.locale)}</strong>
            </p>
            <p className="muted">
              <FormattedMessage id="cart.taxesAtCheckout" />
            </p>
            {checkoutClosed ? (
              <p className="notice">{checkoutClosed}</p>
            ) : cart.ready ? (
              <Form method="post">
                <button type="submit" name="intent" value="checkout" className="button cart-checkout">
                  <FormattedMessage id="cart.checkOut" />
                </button>
              </Form>
            ) : (
              <p className="field-error">
                <FormattedMessage id="cart.notReady" />
              </p>
            )}
            <p>
              <Link to="/collections/all">
                <FormattedMessage id="cart.continueShopping" />
              </Link>
            </p>
            {signedIn ? null : (
              <p className="muted">
                <FormattedMessage id="cart.keepCart" values={{ login, register: (text) => <Link to="/account/register?redirectTo=/cart">{text}</Link> }} />
              </p>
            )}
          </section>
        </>
      )}
      <Recommendations block={recommendations} id="cart-recommendations" />
    </div>
  );
}
