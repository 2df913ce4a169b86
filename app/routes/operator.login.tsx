import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import { logInOperator, logOperatorAction } from "../domain.server.ts";
import { operatorLogInForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requirePlatform, safeRedirectPath } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Operator login · Bazaar" }, { name: "robots", content: "noindex" }];

const safeConsolePath = (to: FormDataEntryValue | string | null) => {
  const path = safeRedirectPath(to, "/operator");
  return /^\/operator(\/|\?|$)/.test(path) && !path.startsWith("/operator/login") ? path : "/operator";
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatform(context);
  if (context.operator) throw redirect(safeConsolePath(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatform(context);
  const parsed = await readForm(request, operatorLogInForm);
  if (!parsed.ok) return data({ error: Object.values(parsed.errors)[0], email: parsed.values.email ?? "" }, { status: 400 });
  const { redirectTo, ...credentials } = parsed.value;
  const input = { ...credentials, address: context.clientAddress };
  const result = await logInOperator(context.services.db, input, { secureCookies: context.services.config.production, guard: context.services.limits });
  if (!result.ok) return data({ error: result.error, email: input.email }, { status: result.status });
  await logOperatorAction(context.services.db, result.operator, { action: "operator.login", ip: context.clientAddress });
  throw redirect(safeConsolePath(redirectTo ?? null), { headers: { "Set-Cookie": result.cookie } });
}

export default function OperatorLogin() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="narrow">
      <h1>Operator console</h1>
      <Form method="post" className="stack">
        {actionData?.error ? (
          <p className="banner" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field label="Email" name="email">
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={actionData?.email} />
        </Field>
        <Field label="Password" name="password">
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Field label="Code from your authenticator app" name="code">
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={7} required className="short" />
        </Field>
        <button type="submit" disabled={submitting}>
          {submitting ? "Logging in…" : "Log in"}
        </button>
      </Form>
    </main>
  );
}
