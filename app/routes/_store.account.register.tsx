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
  registerShopper,
  startShopperSession,
  tooManyAttempts,
  type FieldErrors,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { safeRedirectPath } from "../utils/guards.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /account/register: an account at this shop only; the visitor's cart comes along.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { shopper, headers, shop } = await shopperContext(context, request);
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/account");
  if (shopper) throw redirect(redirectTo, { headers });
  return data(
    {
      redirectTo,
      shopName: shop.name,
      seo: { title: "Create an account", description: `Create an account at ${shop.name}.`, path: "/account/register", noindex: true },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, owner, secure } = await shopperContext(context, request);
  const form = await request.formData();
  const input = {
    email: String(form.get("email") ?? ""),
    password: String(form.get("password") ?? ""),
    firstName: String(form.get("firstName") ?? ""),
    lastName: String(form.get("lastName") ?? ""),
    acceptsMarketing: form.get("acceptsMarketing") === "1",
  };
  const redirectTo = safeRedirectPath(form.get("redirectTo"), "/account");
  const values = { email: input.email, firstName: input.firstName, lastName: input.lastName, acceptsMarketing: input.acceptsMarketing };
  const gate = await context.services.limits.consume("registration", `${shop.id}|${context.clientAddress}`);
  if (!gate.ok) return data({ errors: { form: tooManyAttempts(gate) } as FieldErrors, values }, { status: 429 });
  const result = await registerShopper(db, input);
  if (!result.ok) {
    return data(
      { errors: result.errors, values: { email: input.email, firstName: input.firstName, lastName: input.lastName, acceptsMarketing: input.acceptsMarketing } },
      { status: 400 },
    );
  }
  const headers = new Headers();
  await endShopperSession(db, request.headers.get("cookie"), secure);
  headers.append("Set-Cookie", await startShopperSession(db, result.customerId, secure));
  await adoptCart(db, owner.token, result.customerId);
  // What this browser looked at and added before becomes the customer's history.
  await linkVisitorToCustomer(db, readVisitorId(request), result.customerId);
  if (owner.token) headers.append("Set-Cookie", clearCartCookie(secure));
  throw redirect(redirectTo, { status: 303, headers });
}

export default function Register() {
  const { redirectTo, shopName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: FieldErrors = actionData?.errors ?? {};
  const values = actionData?.values;
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title="Create an account" description={`Track your orders and keep your cart and addresses at ${shopName}.`} />
      <Form method="post" className="store-form" noValidate>
        {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="form-row">
          <TextField
            label="First name"
            name="firstName"
            autoComplete="given-name"
            required
            maxLength={100}
            defaultValue={values?.firstName}
            error={errors.firstName}
          />
          <TextField
            label="Last name (optional)"
            name="lastName"
            autoComplete="family-name"
            maxLength={100}
            defaultValue={values?.lastName}
            error={errors.lastName}
          />
        </div>
        <TextField label="Email" name="email" type="email" autoComplete="email" required defaultValue={values?.email} error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          error={errors.password}
        />
        <div className="form-field form-check">
          <input type="checkbox" id="acceptsMarketing" name="acceptsMarketing" value="1" defaultChecked={values?.acceptsMarketing} />
          <label htmlFor="acceptsMarketing">Email me news and offers</label>
        </div>
        <p>
          <button type="submit" className="button">
            Create account
          </button>
        </p>
      </Form>
      <p>
        Already have an account? <Link to={`/account/login?${new URLSearchParams({ redirectTo })}`}>Log in</Link>
      </p>
    </div>
  );
}
