import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AddressForm } from "../components/store/account-address.tsx";
import { AccountNav } from "../components/store/account-nav.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { countryOptions, getAddress, saveAddress } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { parseStoreForm } from "../utils/forms.server.ts";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";
import { addressForm, refusedAddress } from "../utils/store-forms.server.ts";

// /account/addresses/:id: edit one of the shopper's own addresses; anyone else's is a 404.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shopper, headers, intl } = await requireShopper(context, request);
  const address = await getAddress(db, shopper.id, params.id);
  if (!address) throw new Response("Not found", { status: 404, headers });
  return data(
    {
      address,
      countries: countryOptions(intl.locale),
      seo: {
        title: intl.formatMessage({ id: "account.addresses.editTitle" }),
        description: intl.formatMessage({ id: "account.addresses.editMetaDescription" }),
        path: `/account/addresses/${address.id}`,
        noindex: true,
      },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shopper, intl } = await requireShopper(context, request);
  const parsed = parseStoreForm(await request.formData(), addressForm, intl);
  if (!parsed.ok) return data(refusedAddress(parsed.errors, parsed.values, intl), { status: 400 });
  const { makeDefault, ...input } = parsed.value;
  const result = await saveAddress(db, shopper.id, params.id ?? "", input, makeDefault, intl);
  if (!result.ok) {
    if ("notFound" in result) throw new Response("Not found", { status: 404 });
    return data({ errors: result.errors, values: input }, { status: 400 });
  }
  throw redirect("/account/addresses?done=updated", 303);
}

export default function EditAddress() {
  const { address, countries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const intl = useIntl();
  return (
    <div className="store-page account-page">
      <PageHeader title={intl.formatMessage({ id: "account.addresses.editTitle" })} />
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          <p>
            <Link to="/account/addresses">
              <FormattedMessage id="account.addresses.all" />
            </Link>
          </p>
          <AddressForm
            countries={countries}
            intent="update"
            submitLabel={intl.formatMessage({ id: "account.addresses.save" })}
            values={actionData?.values ?? address}
            errors={actionData?.errors}
            showDefault={!address.isDefault}
          />
        </div>
      </div>
    </div>
  );
}
