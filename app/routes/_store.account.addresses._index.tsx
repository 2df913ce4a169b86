import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AddressForm, AddressLines } from "../components/store/account-address.tsx";
import { FormNotice } from "../components/store/account-fields.tsx";
import { AccountNav } from "../components/store/account-nav.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { countryOptions, deleteAddress, listAddresses, saveAddress, setDefaultAddress, type FieldErrors } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { parseStoreForm } from "../utils/forms.server.ts";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";
import { addressBookForm, refusedAddress } from "../utils/store-forms.server.ts";

// /account/addresses: the shopper's saved addresses; add one, make one the default, delete one.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shopper, headers, intl } = await requireShopper(context, request);
  const addresses = await listAddresses(db, shopper.id);
  const seo = {
    title: intl.formatMessage({ id: "account.addresses.title" }),
    description: intl.formatMessage({ id: "account.addresses.metaDescription" }),
    path: "/account/addresses",
    noindex: true,
  };
  return data({ addresses, countries: countryOptions(intl.locale), seo }, { headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

/** `?done=` after a change: the message id of what to say. */
const DONE: Record<string, string> = {
  created: "account.addresses.done.created",
  deleted: "account.addresses.done.deleted",
  default: "account.addresses.done.default",
  updated: "account.addresses.done.updated",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shopper, intl } = await requireShopper(context, request);
  const parsed = parseStoreForm(await request.formData(), addressBookForm, intl);
  if (!parsed.ok) {
    // The button and the address's id are hidden fields: their messages are the form's.
    const { intent, addressId, ...errors } = parsed.errors;
    const form = errors.form ?? intent ?? addressId;
    if (parsed.values.intent === "create") return data(refusedAddress({ ...errors, form }, parsed.values, intl), { status: 400 });
    return data({ errors: { form } as FieldErrors, values: undefined }, { status: 400 });
  }
  if (parsed.value.intent === "create") {
    const { intent: _create, makeDefault, ...input } = parsed.value;
    const result = await saveAddress(db, shopper.id, null, input, makeDefault, intl);
    if (!result.ok) {
      const errors = "errors" in result ? result.errors : { form: intl.formatMessage({ id: "account.addresses.notFound" }) };
      return data({ errors, values: input }, { status: 400 });
    }
    throw redirect("/account/addresses?done=created", 303);
  }
  const { intent, addressId } = parsed.value;
  const found = intent === "delete" ? await deleteAddress(db, shopper.id, addressId) : await setDefaultAddress(db, shopper.id, addressId);
  if (!found) throw new Response("Not found", { status: 404 });
  throw redirect(`/account/addresses?done=${intent === "delete" ? "deleted" : "default"}`, 303);
}

export default function Addresses() {
  const { addresses, countries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = Object.hasOwn(DONE, params.get("done") ?? "") ? DONE[params.get("done")!] : null;
  const intl = useIntl();
  const message = done ? intl.formatMessage({ id: done }) : null;
  const hidden = (text: React.ReactNode[]) => <span className="visually-hidden">{text}</span>;
  return (
    <div className="store-page account-page">
      <PageHeader title={intl.formatMessage({ id: "account.addresses.title" })} />
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          {message && !actionData ? <FormNotice>{message}</FormNotice> : null}
          {addresses.length ? (
            <ul className="address-list">
              {addresses.map((address) => (
                <li key={address.id} className="address-card">
                  {address.isDefault ? (
                    <p className="badge address-default">
                      <FormattedMessage id="account.addresses.default" />
                    </p>
                  ) : null}
                  <AddressLines address={address} />
                  <div className="address-actions">
                    <Link to={`/account/addresses/${address.id}`} className="button-secondary">
                      <FormattedMessage id="account.addresses.edit" values={{ name: address.name, line1: address.line1, hidden }} />
                    </Link>
                    {address.isDefault ? null : (
                      <Form method="post">
                        <input type="hidden" name="addressId" value={address.id} />
                        <button type="submit" name="intent" value="default" className="link-button">
                          <FormattedMessage id="account.addresses.makeDefault" values={{ name: address.name, line1: address.line1, hidden }} />
                        </button>
                      </Form>
                    )}
                    <Form method="post">
                      <input type="hidden" name="addressId" value={address.id} />
                      <button type="submit" name="intent" value="delete" className="link-button">
                        <FormattedMessage id="account.addresses.delete" values={{ name: address.name, line1: address.line1, hidden }} />
                      </button>
                    </Form>
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">
              <FormattedMessage id="account.addresses.none" />
            </p>
          )}
          <section aria-labelledby="new-address-heading" className="account-section">
            <h2 id="new-address-heading">
              <FormattedMessage id="account.addresses.addHeading" />
            </h2>
            <AddressForm
              key={message ?? "form"}
              countries={countries}
              intent="create"
              submitLabel={intl.formatMessage({ id: "account.addresses.addSubmit" })}
              values={actionData?.values}
              errors={actionData?.errors}
              showDefault={addresses.length > 0}
            />
          </section>
        </div>
      </div>
    </div>
  );
}
