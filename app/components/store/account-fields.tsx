import type { InputHTMLAttributes, ReactNode } from "react";
import { FormattedMessage, useIntl } from "react-intl";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id"> & {
  label: string;
  name: string;
  /** Defaults to `name`; set it when a page repeats a field name. */
  id?: string;
  error?: string;
  hint?: string;
};

/** Label, input, hint and error in a `.form-field`, with the error and hint tied to the input for screen readers. */
export function TextField({ label, name, id = name, error, hint, ...input }: InputProps) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A country menu: ISO 3166-1 alpha-2 codes with names from the server (`countryOptions`). */
export function CountryField({
  countries,
  label,
  name = "country",
  defaultValue,
  error,
}: {
  countries: { code: string; name: string }[];
  label?: string;
  name?: string;
  defaultValue?: string;
  error?: string;
}) {
  const intl = useIntl();
  return (
    <div className="form-field">
      <label htmlFor={name}>{label ?? intl.formatMessage({ id: "address.country" })}</label>
      <select
        id={name}
        name={name}
        defaultValue={defaultValue ?? ""}
        required
        autoComplete="country"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
      >
        <option value="" disabled>
          <FormattedMessage id="address.chooseCountry" />
        </option>
        {countries.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A form-level message (not tied to one field), announced when it appears. */
export function FormNotice({ error, children }: { error?: boolean; children: ReactNode }) {
  return (
    <p className={error ? "notice notice-error" : "notice"} role={error ? "alert" : "status"}>
      {children}
    </p>
  );
}
