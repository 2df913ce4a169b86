import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatMoney } from "../../shop/money.ts";
import { accessFor } from "../../tenants/lifecycle.ts";
import { FormNotice } from "../components/store/account-fields.tsx";
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
  tooManyAttempts,
  updateCartLine,
  type CartErrors,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { shopperRecommendations } from "../utils/recommendations.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /cart: the visitor's cart, and its action (add from a product page, change a quantity, remove a line).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shop, settings, shopper, owner, headers } = await shopperContext(context, request);
  const cart = await loadCart(db, owner);
  const inCart = cart.lines.flatMap((line) => (line.productId ? [line.productId] : []));
  const atLimit = new URL(request.url).searchParams.get("limit");
  return data(
    {
      cart,
      currency: settings.currency,
      signedIn: Boolean(shopper),
      // A paused shop keeps its storefront and carts; checkout waits (tenants/lifecycle.ts).
      checkoutClosed: accessFor(shop.status).checkout ? null : `${shop.name} isn't taking orders right now. Your cart is saved: please come back later.`,
      atLimit,
      // Not awaited: deferred data, bounded so it can never hold the page up.
      recommendations: shopperRecommendations(db, { customerId: shopper?.id, visitorId: readVisitorId(request) }, inCart),
      seo: { title: "Your cart", description: "The items in your cart.", path: "/cart", noindex: true },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

type CartActionData = { intent: string; lineId: string | null; errors: CartErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, owner, secure, headers, shopper } = await shopperContext(context, request);
  const form = await request.formData();
  // The product page's form posts only variantId and quantity.
  const intent = String(form.get("intent") ?? "add");
  const lineId = typeof form.get("lineId") === "string" ? String(form.get("lineId")) : null;
  const fail = (errors: CartErrors) => data<CartActionData>({ intent, lineId, errors }, { status: 400, headers });

  if (intent === "add") {
    const result = await addToCart(db, owner, { variantId: form.get("variantId"), quantity: form.get("quantity") });
    if (!result.ok) return fail(result.errors);
    if (result.newToken) headers.append("Set-Cookie", cartCookie(result.newToken, secure));
    const visitor = visitorFor(request, secure);
    if (visitor) {
      await recordAddToCart(db, { visitorId: visitor.visitorId, customerId: shopper?.id }, result.lineId);
      if (visitor.setCookie) headers.append("Set-Cookie", visitor.setCookie);
    }
    throw redirect(result.atLimit ? `/cart?limit=${result.lineId}` : "/cart", { status: 303, headers });
  }
  if (intent === "update") {
    const result = await updateCartLine(db, owner, { lineId, quantity: form.get("quantity") });
    if (!result.ok) return fail(result.errors);
    throw redirect(result.atLimit ? `/cart?limit=${result.lineId}` : "/cart", { status: 303, headers });
  }
  if (intent === "checkout") {
    if (!accessFor(shop.status).checkout) return fail({ form: `${shop.name} isn't taking orders right now.` });
    const gate = await context.services.limits.consume("checkout", `${shop.id}|${context.clientAddress}`);
    if (!gate.ok) return data<CartActionData>({ intent, lineId, errors: { form: tooManyAttempts(gate) } }, { status: 429, headers });
    const result = await startCheckout(db, owner);
    if (!result.ok) return fail({ form: result.error });
    throw redirect(`/checkouts/${result.token}`, { status: 303, headers });
  }
  if (intent === "remove") {
    const result = await removeCartLine(db, owner, { lineId });
    if (!result.ok) return fail(result.errors);
    throw redirect("/cart", { status: 303, headers });
  }
  return fail({ form: "Unknown cart action." });
}

export default function Cart() {
  const { cart, currency, signedIn, atLimit, checkoutClosed, recommendations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
      <PageHeader title="Your cart" />
      {pageErrors.map((message) => (
        <FormNotice key={message} error>
          {message}
        </FormNotice>
      ))}
      {cart.lines.length === 0 ? (
        <EmptyState title="Your cart is empty">
          <p>
            <Link to="/collections/all" className="button">
              Continue shopping
            </Link>
          </p>
          {signedIn ? null : (
            <p className="muted">
              Have an account? <Link to="/account/login?redirectTo=/cart">Log in</Link> to see your saved cart.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <table className="store-table cart-table">
            <caption className="visually-hidden">Items in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Total</th>
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
              Summary
            </h2>
            <p className="cart-subtotal">
              <span>Subtotal</span> <strong>{formatMoney(cart.subtotal, currency)}</strong>
            </p>
            <p className="muted">Taxes and shipping are calculated at checkout.</p>
            {checkoutClosed ? (
              <p className="notice">{checkoutClosed}</p>
            ) : cart.ready ? (
              <Form method="post">
                <button type="submit" name="intent" value="checkout" className="button cart-checkout">
                  Check out
                </button>
              </Form>
            ) : (
              <p className="field-error">Some items can't be ordered as they are: see the notes above.</p>
            )}
            <p>
              <Link to="/collections/all">Continue shopping</Link>
            </p>
            {signedIn ? null : (
              <p className="muted">
                <Link to="/account/login?redirectTo=/cart">Log in</Link> or <Link to="/account/register?redirectTo=/cart">create an account</Link> to keep your
                cart on every device.
              </p>
            )}
          </section>
        </>
      )}
      <Recommendations block={recommendations} id="cart-recommendations" />
    </div>
  );
}
