import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { tooManyAttempts, verifyCredentials } from "../domain.server.ts";
import { logInForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { Field } from "../components/field.tsx";
import { requirePlatform, safeRedirectPath } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [{ title: "Log in · Bazaar" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatform(context);
  if (context.user) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/admin"));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatform(context);
  const { auth, db, limits } = context.services;
  const parsed = await readForm(request, logInForm);
  if (!parsed.ok) return data({ error: Object.values(parsed.errors)[0], email: parsed.values.email ?? "" }, { status: 400 });
  const { email, password, redirectTo } = parsed.value;

  const account = `merchant:${email}`;
  const gate = await limits.guardLogin(account, context.clientAddress);
  if (!gate.ok) return data({ error: tooManyAttempts(gate), email }, { status: 429 });
  const user = await verifyCredentials(db, email, password);
  if (!user) return data({ error: "That email and password don't match.", email }, { status: 400 });
  await limits.loginSucceeded(account, context.clientAddress);
  const cookie = await auth.logIn(user.id);
  throw redirect(safeRedirectPath(redirectTo ?? null, "/admin"), { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="narrow">
      <PlatformBrand />
      <h1>Log in</h1>
      <Form method="post" className="stack">
        {actionData?.error ? (
          <p className="banner" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field label="Email" name="email">
          <input id="email" name="email" type="email" autoComplete="email" required defaultValue={actionData?.email} />
        </Field>
        <Field label="Password" name="password">
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <button type="submit" disabled={submitting}>
          {submitting ? "Logging in…" : "Log in"}
        </button>
      </Form>
      <p className="muted">
        <Link to="/forgot-password">Forgot your password?</Link> · New to Bazaar? <Link to="/signup">Open a shop</Link>
      </p>
    </main>
  );
}
