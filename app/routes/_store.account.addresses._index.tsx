import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AddressForm, AddressLines } from "../components/store/account-address.tsx";
import { FormNotice } from "../components/store/account-fields.tsx";
import { AccountNav } from "../components/store/account-nav.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { addressFromForm, countryOptions, deleteAddress, listAddresses, saveAddress, setDefaultAddress, type FieldErrors } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";

// /account/addresses: the shopper's saved addresses; add one, make one the default, delete one.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shopper, headers } = await requireShopper(context, request);
  const addresses = await listAddresses(db, shopper.id);
  return data(
    { addresses, countries: countryOptions(), seo: { title: "Addresses", description: "Your saved addresses.", path: "/account/addresses", noindex: true } },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

const DONE = { created: "Address added.", deleted: "Address deleted.", default: "Default address changed.", updated: "Address saved." } as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shopper } = await requireShopper(context, request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const addressId = String(form.get("addressId") ?? "");
  if (intent === "create") {
    const input = addressFromForm(form);
    const result = await saveAddress(db, shopper.id, null, input, form.get("makeDefault") === "1");
    if (!result.ok) return data({ errors: "errors" in result ? result.errors : { form: "Address not found." }, values: input }, { status: 400 });
    throw redirect("/account/addresses?done=created", 303);
  }
  if (intent === "delete" || intent === "default") {
    const found = intent === "delete" ? await deleteAddress(db, shopper.id, addressId) : await setDefaultAddress(db, shopper.id, addressId);
    if (!found) throw new Response("Not found", { status: 404 });
    throw redirect(`/account/addresses?done=${intent === "delete" ? "deleted" : "default"}`, 303);
  }
  return data({ errors: { form: "Unknown action." } as FieldErrors, values: undefined }, { status: 400 });
}

export default function Addresses() {
  const { addresses, countries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const message = done && done in DONE ? DONE[done as keyof typeof DONE] : null;
  return (
    <div className="store-page account-page">
      <PageHeader title="Addresses" />
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          {message && !actionData ? <FormNotice>{message}</FormNotice> : null}
          {addresses.length ? (
            <ul className="address-list">
              {addresses.map((address) => (
                <li key={address.id} className="address-card">
                  {address.isDefault ? <p className="badge address-default">Default</p> : null}
                  <AddressLines address={address} />
                  <div className="address-actions">
                    <Link to={`/account/addresses/${address.id}`} className="button-secondary">
                      Edit
                      <span className="visually-hidden">
                        {" "}
                        address of {address.name}, {address.line1}
                      </span>
                    </Link>
                    {address.isDefault ? null : (
                      <Form method="post">
                        <input type="hidden" name="addressId" value={address.id} />
                        <button type="submit" name="intent" value="default" className="link-button">
                          Make default
                          <span className="visually-hidden">
                            : {address.name}, {address.line1}
                          </span>
                        </button>
                      </Form>
                    )}
                    <Form method="post">
                      <input type="hidden" name="addressId" value={address.id} />
                      <button type="submit" name="intent" value="delete" className="link-button">
                        Delete
                        <span className="visually-hidden">
                          {" "}
                          address of {address.name}, {address.line1}
                        </span>
                      </button>
                    </Form>
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">You have no saved addresses yet.</p>
          )}
          <section aria-labelledby="new-address-heading" className="account-section">
            <h2 id="new-address-heading">Add an address</h2>
            <AddressForm
              key={message ?? "form"}
              countries={countries}
              intent="create"
              submitLabel="Add address"
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
