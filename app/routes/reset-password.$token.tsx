import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import { resetLinkValid, resetPassword } from "../domain.server.ts";
import { newPasswordForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Bazaar" }];
// The token is in the address: never send it on to another site.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

export async function loader({ context, params }: LoaderFunctionArgs) {
  requirePlatform(context);
  return { valid: await resetLinkValid(context.services.db, params.token) };
}

// POST /reset-password/:token: sets the new password, ends every session of the account, and signs in afresh.
export async function action({ request, context, params }: ActionFunctionArgs) {
  requirePlatform(context);
  const parsed = await readForm(request, newPasswordForm);
  if (!parsed.ok) return data({ field: "password", message: parsed.errors.password ?? parsed.errors.form }, { status: 400 });
  const result = await resetPassword(context.services.db, params.token ?? "", parsed.value.password);
  if (!result.ok) return data({ field: result.field, message: result.message }, { status: 400 });
  const cookie = await context.services.auth.logIn(result.userId);
  throw redirect("/admin", { headers: { "Set-Cookie": cookie } });
}

export default function ResetPassword() {
  const { valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const expired = !valid || result?.field === "token";
  return (
    <main className="narrow">
      <PlatformBrand />
      <h1>Choose a new password</h1>
      {expired ? (
        <p className="banner" role="alert">
          This link has expired or was already used. <Link to="/forgot-password">Ask for a new one</Link>.
        </p>
      ) : (
        <Form method="post" className="stack">
          <Field label="New password" name="password" error={result?.field === "password" ? result.message : undefined} hint="At least 8 characters.">
            <input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} />
          </Field>
          <button type="submit" disabled={submitting}>
            Set the password and log in
          </button>
        </Form>
      )}
    </main>
  );
}
