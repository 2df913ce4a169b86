import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { countryName } from "../../shop/countries.ts";
import { toInputAmount } from "../../shop/money.ts";
import { Field } from "../components/field.tsx";
import {
  createShippingRate,
  createShippingZone,
  deleteShippingRate,
  deleteShippingZone,
  getSettings,
  listShippingZones,
  moneyStyle,
  SettingsNotFoundError,
  shippingForm,
  SettingsValidationError,
  staleEditMessage,
  StaleEditError,
  updateShippingRate,
  updateShippingZone,
  type SettingsErrors,
} from "../domain.server.ts";
import { readForm, typedFields } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Shipping · Settings · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireShopAdmin(context, request, params.shop, "settings");
  const [settings, zones] = await Promise.all([getSettings(db), listShippingZones(db)]);
  const { currency, locale } = settings;
  return {
    currency,
    zeroAmount: toInputAmount(0, currency, locale),
    zones: zones.map((zone) => ({
      id: zone.id,
      name: zone.name,
      countries: zone.countries.join(", "),
      countryNames: zone.countries.map((code) => countryName(code)).join(", "),
      version: zone.version,
      rates: zone.rates.map((rate) => ({
        id: rate.id,
        name: rate.name,
        price: toInputAmount(rate.price, currency, locale),
        minSubtotal: rate.minSubtotal === null ? "" : toInputAmount(rate.minSubtotal, currency, locale),
        version: rate.version,
      })),
    })),
  };
}

/** Which form on the page the result belongs to: "zone:new", "zone:<id>", "rate:new:<zoneId>", "rate:<id>". */
type ActionResult = {
  form: string;
  errors: SettingsErrors;
  values: Record<string, string> | null;
  saved: string | null;
  savedAt?: number;
  /** A refused save's: the newer version the typed values now stand on. */
  version?: number;
};

/** Which of the page's forms an answer belongs to, so its messages show next to it. */
function formKey(intent: string, zoneId: string, rateId: string): string {
  if (intent === "create-zone") return "zone:new";
  if (intent.endsWith("-zone")) return `zone:${zoneId}`;
  if (intent === "create-rate") return `rate:new:${zoneId}`;
  return intent.endsWith("-rate") ? `rate:${rateId}` : "";
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "settings");
  const parsed = await readForm(request, shippingForm(await moneyStyle(db)));
  const { intent, zoneId, rateId, ...typed } = typedFields(parsed.values, ["intent", "zoneId", "rateId", "name", "countries", "price", "minSubtotal"]);
  if (!parsed.ok) {
    const key = formKey(intent, zoneId, rateId);
    return data<ActionResult>({ form: key, errors: key ? parsed.errors : { intent: "Unknown action." }, values: typed, saved: null }, { status: 400 });
  }
  // The save reads the text again with the same schema, in its transaction.
  const zone = { name: typed.name, countries: typed.countries };
  const rate = { name: typed.name, price: typed.price, minSubtotal: typed.minSubtotal };
  const expected = { expectedVersion: "version" in parsed.value ? parsed.value.version : undefined };

  const run = async (key: string, values: Record<string, string>, work: () => Promise<unknown>, saved: string) => {
    try {
      await work();
      // savedAt gives the "new" forms a fresh key, so they empty after each addition.
      return { form: key, errors: {}, values: null, saved, savedAt: Date.now() } satisfies ActionResult;
    } catch (error) {
      if (error instanceof SettingsNotFoundError) throw new Response("Not found", { status: 404 });
      // What was typed stays, on the newer version: saving again is a knowing choice.
      if (error instanceof StaleEditError)
        return data<ActionResult>(
          { form: key, errors: { form: staleEditMessage(error) }, values, saved: null, version: error.currentVersion },
          { status: 409 },
        );
      if (error instanceof SettingsValidationError) return data<ActionResult>({ form: key, errors: error.errors, values, saved: null }, { status: 400 });
      throw error;
    }
  };

  switch (intent) {
    case "create-zone":
      return run("zone:new", zone, () => createShippingZone(db, actor, zone), "Zone added.");
    case "update-zone":
      return run(`zone:${zoneId}`, zone, () => updateShippingZone(db, actor, zoneId, zone, expected), "Zone saved.");
    case "delete-zone":
      return run(`zone:${zoneId}`, {}, () => deleteShippingZone(db, actor, zoneId), "Zone deleted.");
    case "create-rate":
      return run(`rate:new:${zoneId}`, rate, () => createShippingRate(db, actor, zoneId, rate), "Rate added.");
    case "update-rate":
      return run(`rate:${rateId}`, rate, () => updateShippingRate(db, actor, rateId, rate, expected), "Rate saved.");
    case "delete-rate":
      return run(`rate:${rateId}`, {}, () => deleteShippingRate(db, actor, rateId), "Rate deleted.");
    default:
      return data<ActionResult>({ form: "", errors: { intent: "Unknown action." }, values: null, saved: null }, { status: 400 });
  }
}

type Values = Record<string, string>;

/** A table cell with an input that belongs to the row's form (a form can't wrap a table row). */
function RateInput({
  formId,
  name,
  label,
  defaultValue,
  error,
  inputMode,
  placeholder,
}: {
  formId: string;
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  inputMode?: "decimal";
  placeholder?: string;
}) {
  const id = `${formId}-${name}`;
  return (
    <td>
      <input
        id={id}
        form={formId}
        name={name}
        aria-label={label}
        defaultValue={defaultValue}
        inputMode={inputMode}
        placeholder={placeholder}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </td>
  );
}

export default function ShippingSettings() {
  const { currency, zeroAmount, zones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const resultFor = (key: string) => (result?.form === key ? result : undefined);
  const errorsFor = (key: string): SettingsErrors => resultFor(key)?.errors ?? {};
  const valuesFor = (key: string, fallback: Values): Values => resultFor(key)?.values ?? fallback;
  const newZone = valuesFor("zone:new", { name: "", countries: "" });
  const newZoneErrors = errorsFor("zone:new");

  return (
    <div className="settings-sections">
      {result?.saved ? (
        <p className="flash" role="status">
          {result.saved}
        </p>
      ) : null}
      {result?.errors.form ? (
        <p className="banner" role="alert">
          {result.errors.form}
        </p>
      ) : null}
      <p className="hint">
        Flat-rate shipping: each zone is a set of countries with the rates shoppers there can choose. Prices are in {currency}. A minimum subtotal makes a rate
        available only to orders of at least that amount (for example free shipping from 50).
      </p>

      {zones.length === 0 ? <p className="muted">No shipping zones yet: shoppers can't choose shipping until you add one.</p> : null}

      {zones.map((zone) => {
        const key = `zone:${zone.id}`;
        const zoneErrors = errorsFor(key);
        const zoneValues = valuesFor(key, { name: zone.name, countries: zone.countries });
        const newRateKey = `rate:new:${zone.id}`;
        const newRate = valuesFor(newRateKey, { name: "", price: "", minSubtotal: "" });
        const newRateErrors = errorsFor(newRateKey);
        const newRateForm = `rate-new-${zone.id}`;
        return (
          <section key={zone.id} className="card zone" aria-labelledby={`zone-${zone.id}-title`}>
            <div className="zone-head">
              <div>
                <h2 id={`zone-${zone.id}-title`}>{zone.name}</h2>
                <p className="muted">{zone.countryNames}</p>
              </div>
              <Form method="post">
                <input type="hidden" name="zoneId" value={zone.id} />
                <button type="submit" name="intent" value="delete-zone" className="danger" disabled={busy} aria-label={`Delete zone ${zone.name}`}>
                  Delete zone
                </button>
              </Form>
            </div>
            <details open={Object.keys(zoneErrors).length > 0}>
              <summary>Edit zone</summary>
              <Form method="post" className="stack zone-form" noValidate>
                <input type="hidden" name="zoneId" value={zone.id} />
                <input type="hidden" name="version" value={resultFor(key)?.version ?? zone.version} />
                <Field label="Zone name" name={`zone-${zone.id}-name`} error={zoneErrors.name}>
                  <input
                    id={`zone-${zone.id}-name`}
                    name="name"
                    defaultValue={zoneValues.name}
                    aria-invalid={Boolean(zoneErrors.name)}
                    aria-describedby={zoneErrors.name ? `zone-${zone.id}-name-error` : undefined}
                  />
                </Field>
                <Field
                  label="Countries"
                  name={`zone-${zone.id}-countries`}
                  error={zoneErrors.countries}
                  hint="Two-letter ISO codes separated by commas, e.g. FR, DE, BE."
                >
                  <input
                    id={`zone-${zone.id}-countries`}
                    name="countries"
                    defaultValue={zoneValues.countries}
                    aria-invalid={Boolean(zoneErrors.countries)}
                    aria-describedby={zoneErrors.countries ? `zone-${zone.id}-countries-error` : `zone-${zone.id}-countries-hint`}
                  />
                </Field>
                <div>
                  <button type="submit" name="intent" value="update-zone" disabled={busy}>
                    Save zone
                  </button>
                </div>
              </Form>
            </details>

            <table className="rates">
              <caption className="visually-hidden">Rates for {zone.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Rate</th>
                  <th scope="col">Price ({currency})</th>
                  <th scope="col">Minimum subtotal</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {zone.rates.map((rate) => {
                  const rateKey = `rate:${rate.id}`;
                  const formId = `rate-${rate.id}`;
                  const rateErrors = errorsFor(rateKey);
                  const rateValues = valuesFor(rateKey, { name: rate.name, price: rate.price, minSubtotal: rate.minSubtotal });
                  return (
                    <tr key={rate.id}>
                      <RateInput formId={formId} name="name" label={`Name of rate ${rate.name}`} defaultValue={rateValues.name} error={rateErrors.name} />
                      <RateInput
                        formId={formId}
                        name="price"
                        label={`Price of rate ${rate.name}`}
                        defaultValue={rateValues.price}
                        error={rateErrors.price}
                        inputMode="decimal"
                      />
                      <RateInput
                        formId={formId}
                        name="minSubtotal"
                        label={`Minimum subtotal of rate ${rate.name}`}
                        defaultValue={rateValues.minSubtotal}
                        error={rateErrors.minSubtotal}
                        inputMode="decimal"
                      />
                      <td>
                        <div className="row-actions">
                          <Form method="post" id={formId}>
                            <input type="hidden" name="rateId" value={rate.id} />
                            <input type="hidden" name="version" value={resultFor(rateKey)?.version ?? rate.version} />
                            <button type="submit" name="intent" value="update-rate" className="secondary" disabled={busy}>
                              Save
                            </button>
                          </Form>
                          <Form method="post">
                            <input type="hidden" name="rateId" value={rate.id} />
                            <button type="submit" name="intent" value="delete-rate" className="danger" disabled={busy} aria-label={`Delete rate ${rate.name}`}>
                              Delete
                            </button>
                          </Form>
                        </div>
                      </td>
                    </tr>
                  );
                })}
                <tr className="new-rate" key={resultFor(newRateKey)?.savedAt ?? "new"}>
                  <RateInput
                    formId={newRateForm}
                    name="name"
                    label={`New rate name for ${zone.name}`}
                    defaultValue={newRate.name}
                    error={newRateErrors.name}
                    placeholder="New rate, e.g. Standard"
                  />
                  <RateInput
                    formId={newRateForm}
                    name="price"
                    label={`New rate price for ${zone.name}`}
                    defaultValue={newRate.price}
                    error={newRateErrors.price}
                    inputMode="decimal"
                    placeholder={zeroAmount}
                  />
                  <RateInput
                    formId={newRateForm}
                    name="minSubtotal"
                    label={`New rate minimum subtotal for ${zone.name}`}
                    defaultValue={newRate.minSubtotal}
                    error={newRateErrors.minSubtotal}
                    inputMode="decimal"
                    placeholder="Optional"
                  />
                  <td>
                    <div className="row-actions">
                      <Form method="post" id={newRateForm}>
                        <input type="hidden" name="zoneId" value={zone.id} />
                        <button type="submit" name="intent" value="create-rate" disabled={busy}>
                          Add rate
                        </button>
                      </Form>
                    </div>
                  </td>
                </tr>
              </tbody>
            </table>
          </section>
        );
      })}

      <section className="card">
        <h2>Add a zone</h2>
        <Form method="post" className="stack" noValidate key={resultFor("zone:new")?.savedAt ?? "new-zone"}>
          <Field label="Zone name" name="new-zone-name" error={newZoneErrors.name}>
            <input
              id="new-zone-name"
              name="name"
              placeholder="Europe"
              defaultValue={newZone.name}
              aria-invalid={Boolean(newZoneErrors.name)}
              aria-describedby={newZoneErrors.name ? "new-zone-name-error" : undefined}
            />
          </Field>
          <Field label="Countries" name="new-zone-countries" error={newZoneErrors.countries} hint="Two-letter ISO codes separated by commas, e.g. FR, DE, BE.">
            <input
              id="new-zone-countries"
              name="countries"
              placeholder="FR, DE, BE"
              defaultValue={newZone.countries}
              aria-invalid={Boolean(newZoneErrors.countries)}
              aria-describedby={newZoneErrors.countries ? "new-zone-countries-error" : "new-zone-countries-hint"}
            />
          </Field>
          <div>
            <button type="submit" name="intent" value="create-zone" disabled={busy}>
              Add zone
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
