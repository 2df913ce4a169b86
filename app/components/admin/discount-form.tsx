import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { DiscountKind } from "../../../db/types.ts";
import type { DiscountErrors, DiscountFields } from "../../../shop/discounts.server.ts";
import { formatPercent } from "../../../shop/money.ts";
import { Field } from "../field.tsx";
import { DISCOUNT_KIND_LABELS, DISCOUNT_SCOPE_LABELS } from "./sales-format.ts";
import { useHydrated } from "../../utils/use-hydrated.ts";

interface Choice {
  id: string;
  title: string;
}

function describedBy(name: keyof DiscountFields, errors: DiscountErrors, hint = false): string | undefined {
  return errors[name] ? `${name}-error` : hint ? `${name}-hint` : undefined;
}

/**
 * Create and edit a discount code. Without JavaScript every section shows; with it, the
 * value and the scope pickers follow the chosen kind and scope.
 */
export function DiscountForm({
  fields,
  errors,
  currency,
  locale,
  collections,
  products,
  submitLabel,
}: {
  fields: DiscountFields;
  errors: DiscountErrors;
  currency: string;
  /** The shop's locale: the smallest percentage is written with its decimal mark. */
  locale: string;
  collections: Choice[];
  products: Choice[];
  submitLabel: string;
}) {
  const hydrated = useHydrated();
  const [kind, setKind] = useState(fields.kind);
  const [appliesTo, setAppliesTo] = useState(fields.appliesTo);
  const saving = useNavigation().formData?.get("intent") === "save";
  const show = (visible: boolean) => !hydrated || visible;

  const valueLabel = !hydrated ? "Value" : kind === "percentage" ? "Percentage off (%)" : `Amount off (${currency})`;
  const smallest = formatPercent(1, locale);
  const valueHint = !hydrated
    ? `A percentage from ${smallest} to 100, or an amount in ${currency}. Not used for free shipping.`
    : kind === "percentage"
      ? `From ${smallest} to 100.`
      : `In ${currency}; never more than the items it applies to.`;

  return (
    <Form method="post" className="discount-form" noValidate>
      <input type="hidden" name="intent" value="save" />
      {errors.form ? (
        <p className="banner" role="alert">
          {errors.form}
        </p>
      ) : null}

      <fieldset>
        <legend>Code</legend>
        <Field label="Discount code" name="code" error={errors.code} hint="Shoppers type this at checkout. Letters, digits, - and _; saved in capitals.">
          <input
            id="code"
            name="code"
            className="code-input"
            required
            maxLength={64}
            defaultValue={fields.code}
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={Boolean(errors.code)}
            aria-describedby={describedBy("code", errors, true)}
          />
        </Field>
      </fieldset>

      <fieldset aria-describedby={errors.kind ? "kind-error" : undefined}>
        <legend>Type</legend>
        <div className="choices">
          {(Object.keys(DISCOUNT_KIND_LABELS) as DiscountKind[]).map((value) => (
            <label key={value}>
              <input type="radio" name="kind" value={value} defaultChecked={fields.kind === value} onChange={() => setKind(value)} />
              {DISCOUNT_KIND_LABELS[value]}
            </label>
          ))}
        </div>
        {errors.kind ? (
          <p className="error" id="kind-error">
            {errors.kind}
          </p>
        ) : null}
        {show(kind !== "free_shipping") ? (
          <Field label={valueLabel} name="value" error={errors.value} hint={valueHint}>
            <input
              id="value"
              name="value"
              inputMode="decimal"
              defaultValue={fields.value}
              aria-invalid={Boolean(errors.value)}
              aria-describedby={describedBy("value", errors, true)}
            />
          </Field>
        ) : null}
      </fieldset>

      <fieldset aria-describedby={errors.appliesTo ? "appliesTo-error" : undefined}>
        <legend>Applies to</legend>
        <div className="choices">
          {(Object.keys(DISCOUNT_SCOPE_LABELS) as (keyof typeof DISCOUNT_SCOPE_LABELS)[]).map((value) => (
            <label key={value}>
              <input type="radio" name="appliesTo" value={value} defaultChecked={fields.appliesTo === value} onChange={() => setAppliesTo(value)} />
              {DISCOUNT_SCOPE_LABELS[value]}
            </label>
          ))}
        </div>
        {errors.appliesTo ? (
          <p className="error" id="appliesTo-error">
            {errors.appliesTo}
          </p>
        ) : null}
        {show(appliesTo === "collections") ? (
          <Picker
            name="collectionIds"
            label="Collections"
            choices={collections}
            chosen={fields.collectionIds}
            error={errors.collectionIds}
            empty="This shop has no collections yet."
          />
        ) : null}
        {show(appliesTo === "products") ? (
          <Picker
            name="productIds"
            label="Products"
            choices={products}
            chosen={fields.productIds}
            error={errors.productIds}
            empty="This shop has no products yet."
          />
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Requirements and limits</legend>
        <Field
          label={`Minimum subtotal (${currency})`}
          name="minSubtotal"
          error={errors.minSubtotal}
          hint="Of the items the code applies to. Leave empty for no minimum."
        >
          <input
            id="minSubtotal"
            name="minSubtotal"
            inputMode="decimal"
            defaultValue={fields.minSubtotal}
            aria-invalid={Boolean(errors.minSubtotal)}
            aria-describedby={describedBy("minSubtotal", errors, true)}
          />
        </Field>
        <div className="row">
          <Field label="Total uses" name="usageLimit" error={errors.usageLimit} hint="Leave empty for no limit.">
            <input
              id="usageLimit"
              name="usageLimit"
              inputMode="numeric"
              defaultValue={fields.usageLimit}
              aria-invalid={Boolean(errors.usageLimit)}
              aria-describedby={describedBy("usageLimit", errors, true)}
            />
          </Field>
          <Field label="Uses per customer" name="perCustomerLimit" error={errors.perCustomerLimit} hint="Counted by email. Empty: no limit.">
            <input
              id="perCustomerLimit"
              name="perCustomerLimit"
              inputMode="numeric"
              defaultValue={fields.perCustomerLimit}
              aria-invalid={Boolean(errors.perCustomerLimit)}
              aria-describedby={describedBy("perCustomerLimit", errors, true)}
            />
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Active dates (UTC)</legend>
        <div className="row">
          <Field label="Starts (UTC)" name="startsAt" error={errors.startsAt} hint="Empty: right away.">
            <input
              id="startsAt"
              name="startsAt"
              type="datetime-local"
              defaultValue={fields.startsAt}
              aria-invalid={Boolean(errors.startsAt)}
              aria-describedby={describedBy("startsAt", errors, true)}
            />
          </Field>
          <Field label="Ends (UTC)" name="endsAt" error={errors.endsAt} hint="Empty: no end date.">
            <input
              id="endsAt"
              name="endsAt"
              type="datetime-local"
              defaultValue={fields.endsAt}
              aria-invalid={Boolean(errors.endsAt)}
              aria-describedby={describedBy("endsAt", errors, true)}
            />
          </Field>
        </div>
      </fieldset>

      <div className="form-actions">
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
      </div>
    </Form>
  );
}

function Picker({
  name,
  label,
  choices,
  chosen,
  error,
  empty,
}: {
  name: "collectionIds" | "productIds";
  label: string;
  choices: Choice[];
  chosen: string[];
  error?: string;
  empty: string;
}) {
  return (
    <div role="group" aria-labelledby={`${name}-label`} aria-describedby={error ? `${name}-error` : undefined}>
      <p id={`${name}-label`}>
        <strong>{label}</strong>
      </p>
      {choices.length ? (
        <div className="pick">
          {choices.map((choice) => (
            <label key={choice.id}>
              <input type="checkbox" name={name} value={choice.id} defaultChecked={chosen.includes(choice.id)} />
              {choice.title}
            </label>
          ))}
        </div>
      ) : (
        <p className="hint">{empty}</p>
      )}
      {error ? (
        <p className="error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
