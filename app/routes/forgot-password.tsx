import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { platformOrigin } from "../../server/config.ts";
import { Field } from "../components/field.tsx";
import { requestPasswordReset, tooManyAttempts } from "../domain.server.ts";
import { forgotPasswordForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [{ title: "Reset your password · Bazaar" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requirePlatform(context);
  return null;
}

// POST /forgot-password: emails a reset link; the answer is the same whether or not the email has an account.
export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatform(context);
  const parsed = await readForm(request, forgotPasswordForm);
  if (!parsed.ok) return data({ error: "Enter the email you log in with.", sent: false }, { status: 400 });
  const { email } = parsed.value;
  const gate = await context.services.limits.consume("passwordReset", context.clientAddress);
  if (!gate.ok) return data({ error: tooManyAttempts(gate), sent: false }, { status: 429 });
  await requestPasswordReset(context.services.db, context.services.deliverMail, email, platformOrigin(context.services.config));
  return { error: null, sent: true };
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="narrow">
      <PlatformBrand />
      <h1>Reset your password</h1>
      {result?.sent ? (
        <p className="flash" role="status">
          If that email has a Bazaar account, a link to choose a new password is on its way. It works once, for an hour.
        </p>
      ) : (
        <Form method="post" className="stack">
          {result?.error ? (
            <p className="banner" role="alert">
              {result.error}
            </p>
          ) : null}
          <Field label="Email" name="email">
            <input id="email" name="email" type="email" autoComplete="email" required />
          </Field>
          <button type="submit" disabled={submitting}>
            Email me a link
          </button>
        </Form>
      )}
      <p className="muted">
        <Link to="/login">Back to log in</Link>
      </p>
    </main>
  );
}
