import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field } from "../components/field.tsx";
import {
  acceptInvitation,
  acceptInvitationWithNewAccount,
  findInvitation,
  INVITATION_MESSAGES,
  InvitationError,
  tooManyAttempts,
  verifyCredentials,
} from "../domain.server.ts";
import styles from "../styles/settings.css";
import { invitationForm } from "../utils/account-forms.server.ts";
import { parseForm } from "../utils/forms.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const links = () => [{ rel: "stylesheet", href: styles }];
// The token is in the URL: keep it out of caches and out of Referer headers.
export const meta: MetaFunction = () => [{ title: "Invitation · Bazaar" }, { name: "referrer", content: "no-referrer" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

type Invited = { shopName: string; role: string; email: string };
type View =
  { view: "invalid"; message: string } | ({ view: "accept" | "login" | "signup" } & Invited) | ({ view: "wrong-email"; signedInAs: string } & Invited);

export async function loader({ context, params }: LoaderFunctionArgs) {
  requirePlatform(context);
  const invitation = await findInvitation(context.services.db, params.token ?? "");
  if (!invitation) return data<View>({ view: "invalid", message: INVITATION_MESSAGES.unknown }, { status: 404 });
  if (invitation.state !== "pending") return data<View>({ view: "invalid", message: INVITATION_MESSAGES[invitation.state] }, { status: 410 });
  const invited = { shopName: invitation.shop.name, role: invitation.role, email: invitation.email };
  const user = context.user;
  if (user && user.email !== invitation.email) return data<View>({ view: "wrong-email", signedInAs: user.email, ...invited }, { status: 403 });
  return data<View>({ view: user ? "accept" : invitation.accountExists ? "login" : "signup", ...invited });
}

const STATUS: Record<InvitationError["problem"], number> = { unknown: 404, expired: 410, used: 410, "wrong-email": 403, "email-taken": 400, password: 400 };

export async function action({ request, context, params }: ActionFunctionArgs) {
  requirePlatform(context);
  const { db, auth } = context.services;
  const token = params.token ?? "";
  const form = await request.formData();
  const ip = context.clientAddress;
  const landIn = (shopSlug: string, cookie?: string) => redirect(`/admin/${shopSlug}`, cookie ? { headers: { "Set-Cookie": cookie } } : undefined);

  try {
    if (context.user) {
      // Signed in: the only thing to do is accept, as this account.
      const { shopSlug } = await acceptInvitation(db, token, { id: context.user.id, email: context.user.email }, ip);
      return landIn(shopSlug);
    }
    const parsed = parseForm(form, invitationForm);
    if (!parsed.ok) return data({ problem: "password", error: parsed.errors.password ?? Object.values(parsed.errors)[0] }, { status: 400 });
    const choice = parsed.value;
    if (choice.intent === "signup") {
      const { user, shopSlug } = await acceptInvitationWithNewAccount(db, token, choice.password, ip);
      return landIn(shopSlug, await auth.logIn(user.id));
    }
    if (choice.intent === "login") {
      const invitation = await findInvitation(db, token);
      if (!invitation) throw new InvitationError("unknown", INVITATION_MESSAGES.unknown);
      if (invitation.state !== "pending") throw new InvitationError(invitation.state, INVITATION_MESSAGES[invitation.state]);
      const account = `merchant:${invitation.email}`;
      const gate = await context.services.limits.guardLogin(account, ip);
      if (!gate.ok) return data({ problem: "password", error: tooManyAttempts(gate) }, { status: 429 });
      const user = await verifyCredentials(db, invitation.email, choice.password);
      if (!user) return data({ problem: "password", error: "That password doesn't match this account." }, { status: 400 });
      await context.services.limits.loginSucceeded(account, ip);
      const { shopSlug } = await acceptInvitation(db, token, user, ip);
      return landIn(shopSlug, await auth.logIn(user.id));
    }
    return data({ problem: "password", error: "Choose how to continue." }, { status: 400 });
  } catch (error) {
    if (error instanceof InvitationError) return data({ problem: error.problem, error: error.message }, { status: STATUS[error.problem] });
    throw error;
  }
}

export default function Invitation() {
  const loaded = useLoaderData<typeof loader>() as View;
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  // A link that stopped working between loading and submitting shows the same message as on arrival.
  const view: View = result && ["unknown", "expired", "used"].includes(result.problem) ? { view: "invalid", message: result.error } : loaded;
  const passwordError = result?.problem === "password" ? result.error : undefined;
  const banner = view.view !== "invalid" && !passwordError ? result?.error : undefined;

  return (
    <main className="narrow invitation">
      <PlatformBrand />
      {view.view === "invalid" ? (
        <>
          <h1>This invitation can't be used</h1>
          <p className="banner" role="alert">
            {view.message}
          </p>
          <p>
            <Link to="/login">Log in</Link> · <Link to="/">Bazaar home</Link>
          </p>
        </>
      ) : (
        <>
          <h1>{`Join ${view.shopName}`}</h1>
          <p>
            You've been invited to help run <strong>{view.shopName}</strong> on Bazaar as <strong>{view.role}</strong>. The invitation is for{" "}
            <strong>{view.email}</strong>.
          </p>
          {banner ? (
            <p className="banner" role="alert">
              {banner}
            </p>
          ) : null}
          {view.view === "accept" ? (
            <Form method="post">
              <button type="submit" name="intent" value="accept" disabled={submitting}>{`Join ${view.shopName}`}</button>
            </Form>
          ) : null}
          {view.view === "wrong-email" ? (
            <>
              <p className="banner" role="alert">
                {`You're logged in as ${view.signedInAs}, but this invitation is for ${view.email}. Log out, then open the link from the email again.`}
              </p>
              <Form method="post" action="/logout">
                <button type="submit" className="secondary">
                  Log out
                </button>
              </Form>
            </>
          ) : null}
          {view.view === "signup" ? (
            <Form method="post" className="stack" noValidate>
              <p className="muted">Create your Bazaar account to accept.</p>
              <Field label="Email" name="email">
                <input id="email" type="email" value={view.email} readOnly autoComplete="username" />
              </Field>
              <Field label="Choose a password" name="password" error={passwordError} hint="At least 8 characters.">
                <input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={8}
                  aria-invalid={Boolean(passwordError)}
                  aria-describedby={passwordError ? "password-error" : "password-hint"}
                />
              </Field>
              <button type="submit" name="intent" value="signup" disabled={submitting}>
                {submitting ? "Creating your account…" : "Create account and join"}
              </button>
            </Form>
          ) : null}
          {view.view === "login" ? (
            <Form method="post" className="stack">
              <p className="muted">You already have a Bazaar account with this email. Log in to accept.</p>
              <Field label="Email" name="email">
                <input id="email" type="email" value={view.email} readOnly autoComplete="username" />
              </Field>
              <Field label="Password" name="password" error={passwordError}>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  aria-invalid={Boolean(passwordError)}
                  aria-describedby={passwordError ? "password-error" : undefined}
                />
              </Field>
              <button type="submit" name="intent" value="login" disabled={submitting}>
                {submitting ? "Logging in…" : "Log in and join"}
              </button>
            </Form>
          ) : null}
        </>
      )}
    </main>
  );
}
