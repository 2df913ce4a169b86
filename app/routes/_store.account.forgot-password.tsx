import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { emailProblem, normalizeEmail, requestShopperPasswordReset } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { parseStoreForm } from "../utils/forms.server.ts";
import { shopperForgotPasswordForm } from "../utils/store-forms.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";
import { shopperTooManyAttempts } from "../utils/storefront.server.ts";

// /account/forgot-password: a link to choose a new password, by email; the same answer whether or not the email
// has an account at this shop.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { headers, intl } = await shopperContext(context, request);
  const title = intl.formatMessage({ id: "account.forgot.title" });
  return data({ seo: { title, description: title, path: "/account/forgot-password", noindex: true } }, { headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shop, headers, intl } = await shopperContext(context, request);
  const parsed = parseStoreForm(await request.formData(), shopperForgotPasswordForm, intl);
  if (!parsed.ok) return data({ error: parsed.errors.email ?? parsed.errors.form, sent: false }, { status: 400, headers });
  const email = normalizeEmail(parsed.value.email);
  if (emailProblem(email)) return data({ error: intl.formatMessage({ id: "account.forgot.enterEmail" }), sent: false }, { status: 400, headers });
  const gate = await context.services.limits.consume("passwordReset", `${shop.id}|${context.clientAddress}`);
  if (!gate.ok) return data({ error: shopperTooManyAttempts(intl, gate), sent: false }, { status: 429, headers });
  await requestShopperPasswordReset(db, context.services.deliverMail, { name: shop.name, origin: context.origin }, email);
  return data({ error: null, sent: true }, { headers });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const intl = useIntl();
  return (
    <div className="store-page store-page-narrow account-page">
      <PageHeader title={intl.formatMessage({ id: "account.forgot.title" })} />
      {result?.sent ? (
        <FormNotice>
          <FormattedMessage id="account.forgot.sent" />
        </FormNotice>
      ) : (
        <Form method="post" className="store-form" noValidate>
          {result?.error ? <FormNotice error>{result.error}</FormNotice> : null}
          <TextField label={intl.formatMessage({ id: "account.email" })} name="email" type="email" autoComplete="email" required />
          <p>
            <button type="submit" className="button">
              <FormattedMessage id="account.forgot.submit" />
            </button>
          </p>
        </Form>
      )}
      <p>
        <Link to="/account/login">
          <FormattedMessage id="account.forgot.back" />
        </Link>
      </p>
    </div>
  );
}
