import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { PASSWORD_MIN_LENGTH, resetShopperPassword, shopperResetLinkValid, startShopperSession } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { parseStoreForm } from "../utils/forms.server.ts";
import { shopperNewPasswordForm } from "../utils/store-forms.server.ts";
import { shopperContext } from "../utils/shopper.server.ts";

// /account/reset-password/:token: the link from the email sets a new password once and signs the shopper in.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, headers, intl } = await shopperContext(context, request);
  const title = intl.formatMessage({ id: "account.reset.title" });
  return data(
    {
      valid: await shopperResetLinkValid(db, params.token),
      passwordMinLength: PASSWORD_MIN_LENGTH,
      seo: { title, description: title, path: "/account/reset-password", noindex: true },
    },
    { headers },
  );
}

// The token is in the address: no shared cache, and no Referer carrying it to another site.
export const headers: HeadersFunction = ({ parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  headers.set("Cache-Control", "private, no-store");
  headers.set("Referrer-Policy", "no-referrer");
  return headers;
};
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, secure, headers, intl } = await shopperContext(context, request);
  const parsed = parseStoreForm(await request.formData(), shopperNewPasswordForm, intl);
  if (!parsed.ok) return data({ field: "password", message: parsed.errors.password ?? parsed.errors.form }, { status: 400, headers });
  const result = await resetShopperPassword(db, params.token ?? "", parsed.value.password, { intl });
  if (!result.ok) return data({ field: result.field, message: result.message }, { status: 400, headers });
  headers.append("Set-Cookie", await startShopperSession(db, result.customerId, secure));
  throw redirect("/account", { status: 303, headers });
}

export default function ResetPassword() {
  const { valid, passwordMinLength } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const intl = useIntl();
  const expired = !valid || result?.field === "token";
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title={intl.formatMessage({ id: "account.reset.title" })} />
      {expired ? (
        <FormNotice error>
          <FormattedMessage id="account.reset.expired" values={{ link: (text) => <Link to="/account/forgot-password">{text}</Link> }} />
        </FormNotice>
      ) : (
        <Form method="post" className="store-form" noValidate>
          <TextField
            label={intl.formatMessage({ id: "account.reset.newPassword" })}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            hint={intl.formatMessage({ id: "account.register.passwordHint" }, { min: passwordMinLength })}
            error={result?.field === "password" ? result.message : undefined}
          />
          <p>
            <button type="submit" className="button">
              <FormattedMessage id="account.reset.submit" />
            </button>
          </p>
        </Form>
      )}
    </div>
  );
}
