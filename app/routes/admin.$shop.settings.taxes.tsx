import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import { formatPercent } from "../../shop/money.ts";
import {
  getSettings,
  moneyStyle,
  saveTaxSettings,
  SettingsValidationError,
  staleEditMessage,
  StaleEditError,
  taxForm,
  type SettingsErrors,
} from "../domain.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Taxes · Settings · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireShopAdmin(context, request, params.shop, "settings");
  const settings = await getSettings(db);
  return {
    rate: formatPercent(settings.tax_rate_bp, settings.locale),
    pricesIncludeTax: settings.prices_include_tax,
    examples: [20, 725, 0].map((bp) => formatPercent(bp, settings.locale)).join(", "),
    version: settings.version,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "settings");
  const { locale } = await moneyStyle(db);
  const parsed = await readForm(request, taxForm(locale));
  const input = { rate: parsed.values.rate ?? "", pricesIncludeTax: parsed.values.pricesIncludeTax === "on" };
  if (!parsed.ok) return data({ errors: parsed.errors as SettingsErrors, values: input, saved: null, version: null }, { status: 400 });
  try {
    const changed = await saveTaxSettings(db, actor, input, { expectedVersion: parsed.value.version });
    return { errors: {} as SettingsErrors, values: null, saved: changed ? "Tax settings saved." : "Nothing changed.", version: null };
  } catch (error) {
    // What was typed stays, on the newer version: saving again is a knowing choice.
    if (error instanceof StaleEditError)
      return data({ errors: { form: staleEditMessage(error) }, values: input, saved: null, version: error.currentVersion }, { status: 409 });
    if (error instanceof SettingsValidationError) return data({ errors: error.errors, values: input, saved: null, version: null }, { status: 400 });
    throw error;
  }
}

export default function TaxSettings() {
  const settings = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: SettingsErrors = result?.errors ?? {};
  const values = result?.values ?? settings;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card">
      <h2>Taxes</h2>
      {result?.saved ? (
        <p className="flash" role="status">
          {result.saved}
        </p>
      ) : null}
      {errors.form ? (
        <p className="banner" role="alert">
          {errors.form}
        </p>
      ) : null}
      {/* Keyed by the stored values, so the form shows them again once saved. */}
      <Form method="post" className="stack" noValidate key={`${settings.rate}|${settings.pricesIncludeTax}`}>
        <input type="hidden" name="version" value={result?.version ?? settings.version} />
        <Field label="Tax rate (%)" name="rate" error={errors.rate} hint={`One rate for every order, with up to two decimals: ${settings.examples}.`}>
          <input
            id="rate"
            name="rate"
            inputMode="decimal"
            className="short"
            defaultValue={values.rate}
            aria-invalid={Boolean(errors.rate)}
            aria-describedby={errors.rate ? "rate-error" : "rate-hint"}
          />
        </Field>
        <div>
          <label className="checkbox" htmlFor="pricesIncludeTax">
            <input
              id="pricesIncludeTax"
              name="pricesIncludeTax"
              type="checkbox"
              defaultChecked={values.pricesIncludeTax}
              aria-describedby="pricesIncludeTax-hint"
            />
            Prices I enter include tax
          </label>
          <p className="hint" id="pricesIncludeTax-hint">
            On: a 12.00 price with 20 % tax is 12.00 at checkout, 2.00 of it tax (usual in Europe). Off: tax is added on top, 14.40 at checkout.
          </p>
        </div>
        <div>
          <button type="submit" disabled={busy}>
            Save
          </button>
        </div>
      </Form>
    </section>
  );
}
