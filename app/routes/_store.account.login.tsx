import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import {
  adoptCart,
  clearCartCookie,
  endShopperSession,
  linkVisitorToCustomer,
  readVisitorId,
  logInShopper,
  startShopperSession,
  tooManyAttempts,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { safeRedirectPath } from "../utils/guards.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /account/login: a shopper signs in to this shop (accounts are per shop).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { shopper, headers } = await shopperContext(context, request);
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/account");
  if (shopper) throw redirect(redirectTo, { headers });
  const deleted = new URL(request.url).searchParams.get("deleted") === "1";
  return data({ redirectTo, deleted, seo: { title: "Log in", description: "Log in to your account.", path: "/account/login", noindex: true } }, { headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

type LoginErrors = { email?: string; password?: string; form?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, owner, secure } = await shopperContext(context, request);
  const form = await request.formData();
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const redirectTo = safeRedirectPath(form.get("redirectTo"), "/account");
  const errors: LoginErrors = {};
  if (!email) errors.email = "Enter your email address.";
  if (!password) errors.password = "Enter your password.";
  if (errors.email || errors.password) return data({ errors, email }, { status: 400 });

  const result = await logInShopper(db, context.services.limits, { shopId: shop.id, email, password, address: context.clientAddress });
  if (!result.ok) {
    const message = result.error === "throttled" ? tooManyAttempts(result) : "That email and password don't match an account at this shop.";
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
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title="Log in" />
      {deleted && !actionData ? <FormNotice>Your account has been deleted.</FormNotice> : null}
      <Form method="post" className="store-form" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
        <TextField label="Email" name="email" type="email" autoComplete="email" required defaultValue={actionData?.email} error={errors.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <p>
          <button type="submit" className="button">
            Log in
          </button>
        </p>
      </Form>
      <p>
        <Link to="/account/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to={`/account/register?${new URLSearchParams({ redirectTo })}`}>Create an account</Link>
      </p>
    </div>
  );
}
