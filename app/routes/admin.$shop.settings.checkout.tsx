import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import {
  checkoutSettingsForm,
  getSettings,
  REMINDER_DELAYS,
  saveCheckoutSettings,
  SettingsValidationError,
  staleEditMessage,
  StaleEditError,
  type SettingsErrors,
} from "../domain.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Checkout · Settings · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireShopAdmin(context, request, params.shop, "settings");
  const settings = await getSettings(db);
  return { reminderMinutes: String(settings.abandoned_checkout_minutes ?? ""), delays: REMINDER_DELAYS, version: settings.version };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "settings");
  const parsed = await readForm(request, checkoutSettingsForm);
  if (!parsed.ok) return data({ errors: parsed.errors as SettingsErrors, saved: null, typed: null, version: null }, { status: 400 });
  try {
    const changed = await saveCheckoutSettings(db, actor, parsed.value, { expectedVersion: parsed.value.version });
    return { errors: {} as SettingsErrors, saved: changed ? "Checkout settings saved." : "Nothing changed.", typed: null, version: null };
  } catch (error) {
    // The choice made stays, on the newer version: saving again is a knowing choice.
    if (error instanceof StaleEditError)
      return data(
        { errors: { form: staleEditMessage(error) }, saved: null, typed: parsed.value.reminderMinutes, version: error.currentVersion },
        { status: 409 },
      );
    if (error instanceof SettingsValidationError) return data({ errors: error.errors, saved: null, typed: null, version: null }, { status: 400 });
    throw error;
  }
}

export default function CheckoutSettings() {
  const { reminderMinutes, delays, version } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: SettingsErrors = result?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card">
      <h2>Checkout</h2>
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
      <Form method="post" className="stack" key={reminderMinutes}>
        <input type="hidden" name="version" value={result?.version ?? version} />
        <Field
          label="Abandoned checkout reminder"
          name="reminderMinutes"
          error={errors.reminderMinutes}
          hint="One email with a link back to their cart, only to shoppers who gave their email, agreed to be emailed and didn't pay. Nothing is sent once they pay."
        >
          <select id="reminderMinutes" name="reminderMinutes" defaultValue={result?.typed ?? reminderMinutes} aria-describedby="reminderMinutes-hint">
            {delays.map((d) => (
              <option key={d.label} value={String(d.minutes ?? "")}>
                {d.label}
              </option>
            ))}
          </select>
        </Field>
        <div>
          <button type="submit" disabled={busy}>
            Save
          </button>
        </div>
      </Form>
    </section>
  );
}
