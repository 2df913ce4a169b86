import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { platformOrigin } from "../../server/config.ts";
import { Field, fieldAria } from "../components/field.tsx";
import { PlatformHeader } from "../components/platform-header.tsx";
import { changeEmail, changePassword, isMailUnavailable, MAIL_UNAVAILABLE, tooManyAttempts } from "../domain.server.ts";
import { accountChangeForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireUser } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Your account · Bazaar" }];

const DONE = {
  password: "Password changed. Every other session of your account was signed out.",
  email: "Email changed. Every other session of your account was signed out. Follow the link we mailed to the new address to verify it.",
  "email-queued":
    "Email changed. Every other session of your account was signed out. Our mail server is slow to answer: we'll send the link that verifies the new address as soon as it does.",
};
const isDone = (changed: string | null): changed is keyof typeof DONE => changed !== null && Object.hasOwn(DONE, changed);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const changed = new URL(request.url).searchParams.get("changed");
  const { email_verified_at } = await context.services.db
    .selectFrom("platform.users")
    .select("email_verified_at")
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  return { email: user.email, verified: email_verified_at !== null, done: isDone(changed) ? DONE[changed] : null };
}

// POST /account: change the password or the email, each confirmed with the current password (throttled as a login).
export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = requireUser(context, request);
  const parsed = await readForm(request, accountChangeForm);
  const intent = parsed.values.intent === "password" || parsed.values.intent === "email" ? parsed.values.intent : null;
  if (!intent) return data({ intent: null, field: "form", message: "Choose what to change." }, { status: 400 });
  if (!parsed.ok) {
    const [field, message] = Object.entries(parsed.errors)[0];
    return data({ intent, field, message }, { status: 400 });
  }
  const account = `merchant:${user.email}`;
  const gate = await context.services.limits.guardLogin(account, context.clientAddress);
  if (!gate.ok) return data({ intent, field: "currentPassword", message: tooManyAttempts(gate) }, { status: 429 });
  const who = { userId: user.id, sessionId: session.id };
  const change = parsed.value;
  let result;
  try {
    result =
      change.intent === "password"
        ? await changePassword(context.services.db, who, { currentPassword: change.currentPassword, password: change.password })
        : await changeEmail(
            context.services.db,
            context.services.deliverMail,
            who,
            { currentPassword: change.currentPassword, email: change.email },
            platformOrigin(context.services.config),
          );
  } catch (error) {
    if (isMailUnavailable(error)) return data({ intent, field: "form", message: MAIL_UNAVAILABLE }, { status: 503 });
    throw error;
  }
  if (!result.ok) return data({ intent, field: result.field, message: result.message }, { status: 400 });
  await context.services.limits.loginSucceeded(account, context.clientAddress);
  throw redirect(`/account?changed=${result.mail?.includes("queued") ? "email-queued" : intent}`);
}

export default function Account() {
  const { email, verified, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const errorOf = (intent: "password" | "email", field: string) => (result?.intent === intent && result.field === field ? result.message : undefined);
  return (
    <>
      <PlatformHeader email={email} />
      <main className="narrow stack">
        <h1>Your account</h1>
        {done ? (
          <p className="flash" role="status">
            {done}
          </p>
        ) : null}
        {result?.field === "form" ? (
          <p className="banner" role="alert">
            {result.message}
          </p>
        ) : null}
        {/* Keyed by the last change, so the fields come back empty after it. */}
        <Fragment key={done ?? "unchanged"}>
          <section className="card stack" aria-labelledby="password-heading">
            <h2 id="password-heading">Change your password</h2>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="password" />
              <Field label="Current password" name="password-current" error={errorOf("password", "currentPassword")}>
                <input
                  id="password-current"
                  name="currentPassword"
                  type="password"
                  autoComplete="current-password"
                  required
                  {...fieldAria("password-current", errorOf("password", "currentPassword"))}
                />
              </Field>
              <Field label="New password" name="password" error={errorOf("password", "password")} hint="At least 8 characters.">
                <input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={8}
                  {...fieldAria("password", errorOf("password", "password"), true)}
                />
              </Field>
              <button type="submit" disabled={submitting}>
                Change password
              </button>
            </Form>
          </section>
          <section className="card stack" aria-labelledby="email-heading">
            <h2 id="email-heading">Change your email</h2>
            <p className="hint">
              {`You log in with ${email}. We tell that address when it changes.`}
              {verified ? null : " It isn't verified yet: follow the link we emailed to it (your shop's home can send it again)."}
            </p>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="email" />
              <Field label="New email" name="email" error={errorOf("email", "email")}>
                <input id="email" name="email" type="email" autoComplete="email" required {...fieldAria("email", errorOf("email", "email"))} />
              </Field>
              <Field label="Password, to confirm" name="email-current" error={errorOf("email", "currentPassword")}>
                <input
                  id="email-current"
                  name="currentPassword"
                  type="password"
                  autoComplete="current-password"
                  required
                  {...fieldAria("email-current", errorOf("email", "currentPassword"))}
                />
              </Field>
              <button type="submit" disabled={submitting}>
                Change email
              </button>
            </Form>
          </section>
        </Fragment>
        <p className="muted">
          <Link to="/admin">Back to your shops</Link>
        </p>
      </main>
    </>
  );
}
