import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { FormNotice, TextField } from "../components/store/account-fields.tsx";
import { AccountNav } from "../components/store/account-nav.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { clearCartCookie, clearVisitorCookie, deleteShopperAccount, endShopperSession, type FieldErrors } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { parseStoreForm } from "../utils/forms.server.ts";
import { shopperDeletionForm } from "../utils/store-forms.server.ts";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";

// /account/privacy: download your data, or delete your account (the shop keeps its order records without you).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { shopper, shop, headers, intl } = await requireShopper(context, request);
  return data(
    {
      email: shopper.email,
      shopName: shop.name,
      seo: {
        title: intl.formatMessage({ id: "account.privacy.title" }),
        description: intl.formatMessage({ id: "account.privacy.metaDescription" }),
        path: "/account/privacy",
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
  const { db, shopper, secure, intl } = await requireShopper(context, request);
  const parsed = parseStoreForm(await request.formData(), shopperDeletionForm, intl);
  if (!parsed.ok) return data({ errors: parsed.errors as FieldErrors }, { status: 400 });
  if (!parsed.value.confirm) {
    return data({ errors: { confirm: intl.formatMessage({ id: "account.privacy.confirmError" }) } as FieldErrors }, { status: 400 });
  }
  const result = await deleteShopperAccount(db, shopper, parsed.value.password, intl);
  if (!result.ok) return data({ errors: result.errors }, { status: 400 });
  const headers = new Headers();
  headers.append("Set-Cookie", await endShopperSession(db, request.headers.get("cookie"), secure));
  headers.append("Set-Cookie", clearCartCookie(secure));
  headers.append("Set-Cookie", clearVisitorCookie(secure));
  throw redirect("/account/login?deleted=1", { status: 303, headers });
}

export default function Privacy() {
  const { email, shopName } = useLoaderData<typeof loader>();
  const errors: FieldErrors = useActionData<typeof action>()?.errors ?? {};
  const intl = useIntl();
  return (
    <div className="store-page account-page">
      <PageHeader title={intl.formatMessage({ id: "account.privacy.title" })} />
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          <section aria-labelledby="download-heading" className="account-section">
            <h2 id="download-heading">
              <FormattedMessage id="account.privacy.downloadHeading" />
            </h2>
            <p>
              <FormattedMessage id="account.privacy.downloadText" values={{ shopName }} />
            </p>
            <p>
              <a href="/account/data" className="button-secondary" download>
                <FormattedMessage id="account.privacy.download" />
              </a>
            </p>
          </section>
          <section aria-labelledby="delete-heading" className="account-section">
            <h2 id="delete-heading">
              <FormattedMessage id="account.privacy.deleteHeading" />
            </h2>
            <p>
              <FormattedMessage id="account.privacy.deleteText" values={{ email, shopName }} />
            </p>
            <Form method="post" className="store-form" noValidate>
              {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
              <TextField
                label={intl.formatMessage({ id: "account.privacy.password" })}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                error={errors.password}
              />
              <div className="form-field form-check">
                <input
                  type="checkbox"
                  id="confirm"
                  name="confirm"
                  value="delete"
                  required
                  aria-invalid={errors.confirm ? true : undefined}
                  aria-describedby={errors.confirm ? "confirm-error" : undefined}
                />
                <label htmlFor="confirm">
                  <FormattedMessage id="account.privacy.confirm" />
                </label>
                {errors.confirm ? (
                  <p className="field-error" id="confirm-error">
                    {errors.confirm}
                  </p>
                ) : null}
              </div>
              <p>
                <button type="submit" className="button button-danger">
                  <FormattedMessage id="account.privacy.submit" />
                </button>
              </p>
            </Form>
          </section>
        </div>
      </div>
    </div>
  );
}
