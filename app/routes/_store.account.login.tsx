import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { adoptCart, clearCartCookie, endShopperSession, linkVisitorToCustomer, readVisitorId, logInShopper, startShopperSession } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { safeRedirectPath } from "../utils/guards.server.ts";
import { parseStoreForm } from "../utils/forms.server.ts";
import { shopperLogInForm } from "../utils/store-forms.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";
import { shopperTooManyAttempts } from "../utils/storefront.server.ts";

// /account/login: a shopper signs in to this shop (accounts are per shop).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { shopper, headers, intl } = await shopperContext(context, request);
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/account");
  if (shopper) throw redirect(redirectTo, { headers });
  const deleted = new URL(request.url).searchParams.get("deleted") === "1";
  const seo = {
    title: intl.formatMessage({ id: "account.login.title" }),
    description: intl.formatMessage({ id: "account.login.metaDescription" }),
    path: "/account/login",
    noindex: true,
  };
  return data({ redirectTo, deleted, seo }, { headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

type LoginErrors = { email?: string; password?: string; form?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, owner, secure, intl } = await shopperContext(context, request);
  const parsed = parseStoreForm(await request.formData(), shopperLogInForm, intl);
  if (!parsed.ok) return data({ errors: parsed.errors as LoginErrors, email: parsed.values.email ?? "" }, { status: 400 });
  const { email, password } = parsed.value;
  const redirectTo = safeRedirectPath(parsed.value.redirectTo ?? null, "/account");

  const result = await logInShopper(db, context.services.limits, { shopId: shop.id, email, password, address: context.clientAddress });
  if (!result.ok) {
    const message = result.error === "throttled" ? shopperTooManyAttempts(intl, result) : intl.formatMessage({ id: "account.login.noMatch" });
    return data({ errors: { form: message } as LoginErrors, email }, { status: result.error === "throttled" ? 429 : 400 });
  }
  const cookies = request.headers.get("cookie");
  const headers = new Headers();
  await endShopperSession(db, cookies, secure);
  headers.append("Set-Cookie", await startShopperSession(db, result.customerId, secure));
  await adoptCart(db, owner.token, result.customerId);
  // What this browser looked at and added before becomes the customer's history.
  await linkVisitorToCustomer(db, readVisitorId(request), result.customerId);
  if (owner.token) headers.append("Set-Cookie", clearCartCookie(secure));
  throw redirect(redirectTo, { status: 303, headers });
}

export default function Login() {
  const { redirectTo, deleted } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: LoginErrors = actionData?.errors ?? {};
  const intl = useIntl();
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title={intl.formatMessage({ id: "account.login.title" })} />
      {deleted && !actionData ? (
        <FormNotice>
          <FormattedMessage id="account.login.deleted" />
        </FormNotice>
      ) : null}
      <Form method="post" className="store-form" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
        <TextField
          label={intl.formatMessage({ id: "account.email" })}
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={actionData?.email}
          error={errors.email}
        />
        <TextField
          label={intl.formatMessage({ id: "account.password" })}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <p>
          <button type="submit" className="button">
            <FormattedMessage id="account.login.submit" />
          </button>
        </p>
      </Form>
      <p>
        <Link to="/account/forgot-password">
          <FormattedMessage id="account.login.forgot" />
        </Link>
      </p>
      <p>
        <FormattedMessage
          id="account.login.newHere"
          values={{ link: (text) => <Link to={`/account/register?${new URLSearchParams({ redirectTo })}`}>{text}</Link> }}
        />
      </p>
    </div>
  );
}
