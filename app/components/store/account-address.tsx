import { Form } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { countryName } from "../../../shop/countries.ts";
import type { AddressInput, FieldErrors, ShopperAddress } from "../../../shop/shopper-accounts.server.ts";
import { CountryField, FormNotice, TextField } from "./account-fields.tsx";

/** The address as it would go on a parcel. */
export function AddressLines({
  address,
}: {
  address: Pick<ShopperAddress, "name" | "line1" | "line2" | "city" | "region" | "postalCode" | "country" | "phone">;
}) {
  const { locale } = useIntl();
  return (
    <address className="address-lines">
      {[
        address.name,
        address.line1,
        address.line2,
        [address.postalCode, address.city].filter(Boolean).join(" "),
        address.region,
        countryName(address.country, locale),
        address.phone,
      ]
        .filter(Boolean)
        .map((line, i) => (
          <span key={i}>
            {line}
            <br />
          </span>
        ))}
    </address>
  );
}

/**
 * Add or edit an address. Without JavaScript it posts like any form; errors
 * come back next to their fields.
 */
export function AddressForm({
  countries,
  values,
  errors = {},
  intent,
  submitLabel,
  showDefault,
}: {
  countries: { code: string; name: string }[];
  values?: Partial<AddressInput>;
  errors?: FieldErrors;
  intent: "create" | "update";
  submitLabel: string;
  showDefault: boolean;
}) {
  return (
    <Form method="post" className="store-form address-form" noValidate>
      <input type="hidden" name="intent" value={intent} />
      {errors.form ? <FormNotice error>{errors.form}</FormNotice> : null}
      <AddressFields countries={countries} values={values} errors={errors} />
      {showDefault ? (
        <div className="form-field form-check">
          <input type="checkbox" id="makeDefault" name="makeDefault" value="1" />
          <label htmlFor="makeDefault">
            <FormattedMessage id="address.makeDefault" />
          </label>
        </div>
      ) : null}
      <p>
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </p>
    </Form>
  );
}

/** The fields of a postal address, named as the storefront schemas read them (`addressFields`): the address book's form and checkout's. */
export function AddressFields({
  countries,
  values,
  errors = {},
}: {
  countries: { code: string; name: string }[];
  values?: Partial<AddressInput> | null;
  errors?: FieldErrors;
}) {
  const intl = useIntl();
  return (
    <>
      <TextField
        label={intl.formatMessage({ id: "address.fullName" })}
        name="name"
        autoComplete="name"
        required
        maxLength={200}
        defaultValue={values?.name}
        error={errors.name}
      />
      <TextField
        label={intl.formatMessage({ id: "address.line1" })}
        name="line1"
        autoComplete="address-line1"
        required
        maxLength={200}
        defaultValue={values?.line1}
        error={errors.line1}
      />
      <TextField
        label={intl.formatMessage({ id: "address.line2" })}
        name="line2"
        autoComplete="address-line2"
        maxLength={200}
        defaultValue={values?.line2}
        error={errors.line2}
      />
      <div className="form-row">
        <TextField
          label={intl.formatMessage({ id: "address.postalCode" })}
          name="postalCode"
          autoComplete="postal-code"
          maxLength={20}
          defaultValue={values?.postalCode}
          error={errors.postalCode}
        />
        <TextField
          label={intl.formatMessage({ id: "address.city" })}
          name="city"
          autoComplete="address-level2"
          required
          maxLength={100}
          defaultValue={values?.city}
          error={errors.city}
        />
      </div>
      <TextField
        label={intl.formatMessage({ id: "address.region" })}
        name="region"
        autoComplete="address-level1"
        maxLength={100}
        defaultValue={values?.region}
        error={errors.region}
      />
      <CountryField countries={countries} defaultValue={values?.country} error={errors.country} />
      <TextField
        label={intl.formatMessage({ id: "address.phone" })}
        name="phone"
        type="tel"
        autoComplete="tel"
        maxLength={40}
        defaultValue={values?.phone}
        error={errors.phone}
      />
    </>
  );
}
