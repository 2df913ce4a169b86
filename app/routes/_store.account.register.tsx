import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
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
  validateRegistration,
  type FieldErrors,
  PASSWORD_MIN_LENGTH,
} from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { safeRedirectPath } from "../utils/guards.server.ts";
import { parseStoreForm } from "../utils/forms.server.ts";
import { shopperRegistrationForm } from "../utils/store-forms.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";
import { shopperTooManyAttempts } from "../utils/storefront.server.ts";

// /account/register: an account at this shop only; the visitor's cart comes along.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { shopper, headers, shop, intl } = await shopperContext(context, request);
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/account");
  if (shopper) throw redirect(redirectTo, { headers });
  return data(
    {
      redirectTo,
      shopName: shop.name,
      passwordMinLength: PASSWORD_MIN_LENGTH,
      seo: {
        title: intl.formatMessage({ id: "account.register.title" }),
        description: intl.formatMessage({ id: "account.register.metaDescription" }, { shopName: shop.name }),
        path: "/account/register",
        noindex: true,
      },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, owner, secure, intl } = await shopperContext(context, request);
  const parsed = parseStoreForm(await request.formData(), shopperRegistrationForm, intl);
  if (!parsed.ok) {
    const { email = "", password = "", firstName = "", lastName = "", acceptsMarketing } = parsed.values;
    // What saving would also say, so every field's problem shows at once; the schema's messages come first.
    const errors: FieldErrors = { ...validateRegistration({ email, password, firstName, lastName }, intl), ...parsed.errors };
    return data({ errors, values: { email, firstName, lastName, acceptsMarketing: acceptsMarketing === "1" } }, { status: 400 });
  }
  const { redirectTo: requestedPath, ...input } = parsed.value;
  const redirectTo = safeRedirectPath(requestedPath ?? null, "/account");
  const values = { email: input.email, firstName: input.firstName, lastName: input.lastName, acceptsMarketing: input.acceptsMarketing };
  const gate = await context.services.limits.consume("registration", `${shop.id}|${context.clientAddress}`);
  if (!gate.ok) return data({ errors: { form: shopperTooManyAttempts(intl, gate) } as FieldErrors, values }, { status: 429 });
  const result = await registerShopper(db, input, intl);
  if (!result.ok) {
    return data({ errors: result.errors, values }, { status: 400 });
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
  const { redirectTo, shopName, passwordMinLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: FieldErrors = actionData?.errors ?? {};
  const values = actionData?.values;
  const intl = useIntl();
  const say = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title={say("account.register.title")} description={say("account.register.description", { shopName })} />
      <Form method="post" className="store-form" noValidate>
        {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="form-row">
          <TextField
            label={say("account.register.firstName")}
            name="firstName"
            autoComplete="given-name"
            required
            maxLength={100}
            defaultValue={values?.firstName}
            error={errors.firstName}
          />
          <TextField
            label={say("account.register.lastName")}
            name="lastName"
            autoComplete="family-name"
            maxLength={100}
            defaultValue={values?.lastName}
            error={errors.lastName}
          />
        </div>
        <TextField label={say("account.email")} name="email" type="email" autoComplete="email" required defaultValue={values?.email} error={errors.email} />
        <TextField
          label={say("account.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          hint={say("account.register.passwordHint", { min: passwordMinLength })}
          error={errors.password}
        />
        <div className="form-field form-check">
          <input type="checkbox" id="acceptsMarketing" name="acceptsMarketing" value="1" defaultChecked={values?.acceptsMarketing} />
          <label htmlFor="acceptsMarketing">
            <FormattedMessage id="account.register.marketing" />
          </label>
        </div>
        <p>
          <button type="submit" className="button">
            <FormattedMessage id="account.register.submit" />
          </button>
        </p>
      </Form>
      <p>
        <FormattedMessage
          id="account.register.haveAccount"
          values={{ link: (text) => <Link to={`/account/login?${new URLSearchParams({ redirectTo })}`}>{text}</Link> }}
        />
      </p>
    </div>
  );
}
