import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { PolicyHandle } from "../../db/types.ts";
import { Field } from "../components/field.tsx";
import {
  getSettings,
  listPolicies,
  policiesForm,
  savePolicies,
  SettingsValidationError,
  staleEditMessage,
  StaleEditError,
  type SettingsErrors,
} from "../domain.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Policies · Settings · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireShopAdmin(context, request, params.shop, "settings");
  const [policies, { version }] = await Promise.all([listPolicies(db), getSettings(db)]);
  return { policies, version };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "settings");
  const parsed = await readForm(request, policiesForm);
  const policies = await listPolicies(db);
  const bodies: Partial<Record<PolicyHandle, string>> = {};
  for (const { handle } of policies) if (handle in parsed.values) bodies[handle] = parsed.values[handle];
  if (!parsed.ok) return data({ errors: parsed.errors as SettingsErrors, values: bodies, saved: null, version: null }, { status: 400 });
  try {
    const changed = await savePolicies(db, actor, bodies, { expectedVersion: parsed.value.version });
    return {
      errors: {} as SettingsErrors,
      values: null,
      saved: changed.length ? `Saved: ${changed.map((h) => policies.find((p) => p.handle === h)!.title).join(", ")}.` : "Nothing changed.",
      version: null,
    };
  } catch (error) {
    // What was typed stays, on the newer version: saving again is a knowing choice.
    if (error instanceof StaleEditError)
      return data({ errors: { form: staleEditMessage(error) }, values: bodies, saved: null, version: error.currentVersion }, { status: 409 });
    if (error instanceof SettingsValidationError) return data({ errors: error.errors, values: bodies, saved: null, version: null }, { status: 400 });
    throw error;
  }
}

export default function PolicySettings() {
  const { policies, version } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: SettingsErrors = result?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card">
      <h2>Policies</h2>
      <p className="hint">
        Shown on your storefront and linked from checkout. You can use basic HTML: paragraphs, headings, bold and italic text, lists, links and tables. Scripts,
        styles and anything else are removed when you save.
      </p>
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
      <Form method="post" className="stack">
        <input type="hidden" name="version" value={result?.version ?? version} />
        {policies.map((policy) => (
          // Keyed by the last save, so a saved (and sanitised) policy replaces what was typed.
          <div key={`${policy.handle}@${policy.updatedAt ?? "never"}`} className="policy">
            <Field label={policy.title} name={policy.handle} error={errors[policy.handle]}>
              <textarea
                id={policy.handle}
                name={policy.handle}
                rows={8}
                defaultValue={result?.values?.[policy.handle] ?? policy.bodyHtml}
                aria-invalid={Boolean(errors[policy.handle])}
                aria-describedby={errors[policy.handle] ? `${policy.handle}-error` : undefined}
              />
            </Field>
            {policy.bodyHtml ? (
              <details>
                <summary>Preview</summary>
                {/* Sanitised with shop/html.server.ts when it was saved. */}
                <div className="policy-preview" dangerouslySetInnerHTML={{ __html: policy.bodyHtml }} />
              </details>
            ) : null}
          </div>
        ))}
        <div>
          <button type="submit" disabled={busy}>
            Save policies
          </button>
        </div>
      </Form>
    </section>
  );
}
