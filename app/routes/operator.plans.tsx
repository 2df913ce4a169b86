import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import { OperatorHeader } from "../components/operator-header.tsx";
import {
  describePlan,
  listPlans,
  logOperatorAction,
  planToInput,
  PlanValidationError,
  readOperatorSettings,
  savePlan,
  updateOperatorSettings,
  type PlanErrors,
  type PlanInput,
} from "../domain.server.ts";
import { parseForm, typedFields } from "../utils/forms.server.ts";
import { requireOperator } from "../utils/guards.server.ts";
import { operatorPlansForm } from "../utils/operator-forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Plans and settings · Operator console · Bazaar" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const [plans, settings] = await Promise.all([listPlans(context.services.db), readOperatorSettings(context.services.db)]);
  return { email: operator.email, plans: plans.map((p) => ({ input: planToInput(p), summary: describePlan(p) })), settings };
}

type SettingsErrors = Partial<Record<"trial_days" | "grace_days" | "retention_days", string>>;
type ActionResult =
  | { form: "settings"; errors: SettingsErrors; values: Record<string, string> | null; done: string | null }
  | { form: string; errors: PlanErrors; values: PlanInput | null; done: string | null };

const SETTING_NAMES = ["trial_days", "grace_days", "retention_days"] as const;
const PLAN_TEXT_FIELDS = [
  "id",
  "name",
  "currency",
  "monthlyPrice",
  "pausedPrice",
  "feePercent",
  "maxProducts",
  "maxStaff",
  "maxStorageMb",
  "position",
] as const satisfies readonly Exclude<keyof PlanInput, "public">[];

export async function action({ request, context }: ActionFunctionArgs) {
  const operator = requireOperator(context, request);
  const log = (action: string, detail: string) => logOperatorAction(context.services.db, operator, { action, detail, ip: context.clientAddress });
  const parsed = parseForm(await request.formData(), operatorPlansForm);
  if (!parsed.ok) {
    // An unknown or repeated action has no form to answer in.
    if (parsed.errors.intent) return data<ActionResult>({ form: "settings", errors: {}, values: null, done: null }, { status: 400 });
    if (parsed.values.intent === "settings") {
      const values = typedFields(parsed.values, SETTING_NAMES);
      return data<ActionResult>({ form: "settings", errors: parsed.errors as SettingsErrors, values, done: null }, { status: 400 });
    }
    const values = { ...typedFields(parsed.values, PLAN_TEXT_FIELDS), public: parsed.values.public === "on" };
    const key = parsed.values.intent === "create-plan" ? "new" : (parsed.values.id ?? "");
    return data<ActionResult>({ form: key, errors: parsed.errors, values, done: null }, { status: 400 });
  }
  if (parsed.value.intent === "settings") {
    const { trial_days, grace_days, retention_days } = parsed.value;
    await updateOperatorSettings(context.services.db, { trial_days, grace_days, retention_days });
    await log("settings.update", `Trial ${trial_days} days, grace ${grace_days} days, retention ${retention_days} days`);
    return data<ActionResult>({ form: "settings", errors: {}, values: null, done: "Settings saved. New trials and closings use them from now on." });
  }
  const { intent, ...input } = parsed.value;
  const key = intent === "create-plan" ? "new" : input.id;
  try {
    const plan = await savePlan(context.services.db, input, { create: intent === "create-plan" });
    const summary = describePlan(plan);
    await log(
      `plan.${intent === "create-plan" ? "create" : "update"}`,
      `${plan.id}: ${summary.price} a month, ${summary.fee} fee, ${summary.products}, ${summary.staff}`,
    );
    const done =
      intent === "create-plan" ? `Plan ${plan.name} created.` : `Plan ${plan.name} saved. A new price applies to each shop from its next billing period.`;
    return data<ActionResult>({ form: key, errors: {}, values: null, done });
  } catch (error) {
    if (!(error instanceof PlanValidationError)) throw error;
    return data<ActionResult>({ form: key, errors: error.errors, values: input, done: null }, { status: 400 });
  }
}

export default function OperatorPlans() {
  const { email, plans, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const settingsResult = result?.form === "settings" ? (result as Extract<ActionResult, { form: "settings" }>) : undefined;
  const settingsErrors = settingsResult?.errors ?? {};
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>Plans and settings</h1>
        <section className="card stack" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Lifecycle</h2>
          {settingsResult?.done ? (
            <p className="flash" role="status">
              {settingsResult.done}
            </p>
          ) : null}
          <Form method="post" className="stack" noValidate>
            {(
              [
                ["trial_days", "Free trial (days)", "How long a new shop's trial lasts. 0: no trial."],
                ["grace_days", "Grace period (days)", "How long an invoice may stay unpaid before the shop freezes."],
                ["retention_days", "Retention of closed shops (days)", "How long a closed shop's data is kept before it is deleted."],
              ] as const
            ).map(([name, label, hint]) => (
              <Field key={name} label={label} name={name} error={settingsErrors[name]} hint={hint}>
                <input
                  id={name}
                  name={name}
                  inputMode="numeric"
                  className="short"
                  defaultValue={settingsResult?.values?.[name] ?? String(settings[name])}
                  aria-invalid={Boolean(settingsErrors[name])}
                  aria-describedby={settingsErrors[name] ? `${name}-error` : `${name}-hint`}
                />
              </Field>
            ))}
            <div>
              <button type="submit" name="intent" value="settings">
                Save settings
              </button>
            </div>
          </Form>
        </section>
        {plans.map(({ input, summary }) => (
          <PlanForm
            key={input.id}
            heading={`${summary.name}: ${summary.price} a month, ${summary.fee} fee`}
            plan={input}
            result={result?.form === input.id ? (result as Extract<ActionResult, { errors: PlanErrors }>) : undefined}
          />
        ))}
        <PlanForm heading="New plan" result={result?.form === "new" ? (result as Extract<ActionResult, { errors: PlanErrors }>) : undefined} />
      </main>
    </>
  );
}

const EMPTY_PLAN: PlanInput = {
  id: "",
  name: "",
  currency: "USD",
  monthlyPrice: "",
  pausedPrice: "",
  feePercent: "",
  maxProducts: "",
  maxStaff: "",
  maxStorageMb: "",
  position: "10",
  public: true,
};

function PlanForm({
  heading,
  plan,
  result,
}: {
  heading: string;
  plan?: PlanInput;
  result?: { errors: PlanErrors; values: PlanInput | null; done: string | null };
}) {
  const values = result?.values ?? plan ?? EMPTY_PLAN;
  const errors = result?.errors ?? {};
  const prefix = plan ? `plan-${plan.id}` : "plan-new";
  const field = (name: keyof PlanInput, label: string, hint?: string) => (
    <Field label={label} name={`${prefix}-${name}`} error={errors[name]} hint={hint}>
      <input
        id={`${prefix}-${name}`}
        name={name}
        className="short"
        defaultValue={String(values[name])}
        aria-invalid={Boolean(errors[name])}
        aria-describedby={errors[name] ? `${prefix}-${name}-error` : hint ? `${prefix}-${name}-hint` : undefined}
      />
    </Field>
  );
  return (
    <section className="card stack" aria-labelledby={`${prefix}-heading`}>
      <h2 id={`${prefix}-heading`}>{heading}</h2>
      {result?.done ? (
        <p className="flash" role="status">
          {result.done}
        </p>
      ) : null}
      <Form method="post" className="stack plan-form" noValidate key={result?.done ?? "form"}>
        {plan ? (
          <input type="hidden" name="id" value={plan.id} />
        ) : (
          field("id", "Plan id", "Lowercase letters, digits and dashes, e.g. growth. It can't change.")
        )}
        {field("name", "Name")}
        {field("currency", "Currency")}
        {field("monthlyPrice", "Monthly price")}
        {field("pausedPrice", "Monthly price while paused")}
        {field("feePercent", "Fee on each sale (%)")}
        {field("maxProducts", "Products", "Blank: unlimited.")}
        {field("maxStaff", "Staff accounts", "Blank: unlimited.")}
        {field("maxStorageMb", "Storage (MB)", "Blank: unlimited.")}
        {field("position", "Position on the pricing page")}
        <label className="checkbox" htmlFor={`${prefix}-public`}>
          <input id={`${prefix}-public`} name="public" type="checkbox" defaultChecked={values.public} />
          Shown on the pricing page
        </label>
        <div>
          <button type="submit" name="intent" value={plan ? "save-plan" : "create-plan"}>
            {plan ? `Save ${plan.name}` : "Create plan"}
          </button>
        </div>
      </Form>
    </section>
  );
}
