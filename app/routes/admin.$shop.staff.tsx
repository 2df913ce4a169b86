import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { platformOrigin } from "../../server/config.ts";
import { invitableRoles } from "../../shop/permissions.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { Field } from "../components/field.tsx";
import {
  changeMemberRole,
  inviteStaff,
  staffForm,
  listMembers,
  listPendingInvitations,
  removeMember,
  resendInvitation,
  revokeInvitation,
  StaffError,
  type InvitationDelivery,
  type StaffErrors,
  tooManyAttempts,
} from "../domain.server.ts";
import styles from "../styles/settings.css";
import { readForm, typedFields } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { useHydrated } from "../utils/use-hydrated.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Staff · Bazaar admin" }];

const ROLE_DESCRIPTIONS = {
  owner: "Everything, including payouts, billing, staff and the audit log.",
  admin: "Everything except payouts, billing and the audit log; can invite and remove staff.",
  staff: "Products, orders, customers and discounts. No themes, pages, settings, staff, payouts or billing.",
} as const;

function dateOnly(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop, role, actor } = await requireShopAdmin(context, request, params.shop, "staff");
  const [members, invitations] = await Promise.all([listMembers(context.services.db, shop.id), listPendingInvitations(context.services.db, shop.id)]);
  const manageable = (memberRole: string) => role === "owner" || memberRole === "staff";
  // The last owner can't be removed, so there is no button for it.
  const soleOwner = members.filter((m) => m.role === "owner").length === 1;
  return {
    role,
    me: actor.userId,
    invitableRoles: invitableRoles(role),
    members: members.map((m) => ({ ...m, joinedAt: dateOnly(m.joinedAt), canRemove: manageable(m.role) && !(soleOwner && m.role === "owner") })),
    invitations: invitations.map((i) => ({
      ...i,
      createdAt: dateOnly(i.createdAt),
      expiresAt: i.expiresAt.toISOString().slice(0, 16).replace("T", " "),
      canRevoke: manageable(i.role),
    })),
  };
}

/** An invitation just made: its link is shown once (only its hash is stored), with what became of the email. */
type InvitationMade = { email: string; link: string; delivery: InvitationDelivery };
type ActionResult = { form: string; errors: StaffErrors; values: Record<string, string> | null; saved: string | null; invitation?: InvitationMade };

/** What the page says about the email, in the mailer's words: sent, queued, not sent for want of a server, or lost. */
function deliveryMessage({ email, delivery }: InvitationMade): string {
  switch (delivery) {
    case "sent":
      return `Invitation sent to ${email}.`;
    case "no-mail-server":
      return `Invitation saved, but no email went out: this Bazaar has no mail server set up. Copy the link below and send it to ${email} yourself.`;
    case "queued":
      return `Invitation saved. Our mail server is slow to answer: we'll send the email to ${email} as soon as it does. You can also copy the link below and send it yourself.`;
    case "failed":
      return `Invitation saved, but the email to ${email} couldn't be sent: the mail server refused it or didn't answer. Copy the link below and send it yourself, or resend it later.`;
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = await requireShopAdmin(context, request, params.shop, "staff");
  const { db } = context.services;
  const parsed = await readForm(request, staffForm);
  const { intent, userId, invitationId, ...typed } = typedFields(parsed.values, ["intent", "userId", "invitationId", "email", "role"]);
  if (!parsed.ok) {
    const key = intent === "invite" ? "invite" : intent === "revoke" || intent === "resend" ? `invitation:${invitationId}` : intent ? `member:${userId}` : "";
    const errors = key ? parsed.errors : { member: "Unknown action." };
    return data<ActionResult>({ form: key, errors, values: intent === "invite" ? typed : null, saved: null }, { status: 400 });
  }

  const run = async (key: string, values: Record<string, string> | null, work: () => Promise<string>) => {
    try {
      return { form: key, errors: {}, values: null, saved: await work() } satisfies ActionResult;
    } catch (error) {
      return refused(error, key, values);
    }
  };

  const invitationOptions = { platformOrigin: platformOrigin(context.services.config), send: context.services.deliverMail };
  // Inviting and resending both mail someone: one daily allowance per shop.
  const mailGate = async (key: string, values: Record<string, string> | null) => {
    const gate = await context.services.limits.consume("invitationMail", admin.shop.id);
    if (gate.ok) return null;
    const message = `This shop has sent many invitations today. ${tooManyAttempts(gate)}`;
    return data<ActionResult>({ form: key, errors: key === "invite" ? { email: message } : { invitation: message }, values, saved: null }, { status: 429 });
  };
  const made = (invitation: InvitationMade, key: string) =>
    ({ form: key, errors: {}, values: null, saved: deliveryMessage(invitation), invitation }) satisfies ActionResult;
  const refused = (error: unknown, key: string, values: Record<string, string> | null) => {
    if (!(error instanceof StaffError)) throw error;
    if (error.status === 403 || error.status === 404) throw new Response(error.message, { status: error.status });
    return data<ActionResult>({ form: key, errors: error.errors, values, saved: null }, { status: error.status });
  };

  switch (intent) {
    case "invite": {
      const values = { email: typed.email, role: typed.role };
      const limited = await mailGate("invite", values);
      if (limited) return limited;
      try {
        return made(await inviteStaff(db, admin.shop, admin, values, invitationOptions), "invite");
      } catch (error) {
        return refused(error, "invite", values);
      }
    }
    case "resend": {
      const key = `invitation:${invitationId}`;
      const limited = await mailGate(key, null);
      if (limited) return limited;
      try {
        return made(await resendInvitation(db, admin.shop, admin, invitationId, invitationOptions), key);
      } catch (error) {
        return refused(error, key, null);
      }
    }
    case "change-role": {
      const { role } = typed;
      return run(`member:${userId}`, { role }, async () =>
        (await changeMemberRole(db, admin.shop, admin, userId, role)) ? "Role changed." : "Nothing changed.",
      );
    }
    case "remove":
      return run(`member:${userId}`, null, async () => {
        await removeMember(db, admin.shop, admin, userId);
        // An owner who left the shop has no business on its pages any more.
        if (userId === admin.actor.userId) throw redirect("/admin");
        return "Member removed.";
      });
    case "revoke":
      return run(`invitation:${invitationId}`, null, async () => {
        await revokeInvitation(db, admin.shop, admin, invitationId);
        return "Invitation revoked.";
      });
    default:
      return data<ActionResult>({ form: "", errors: { member: "Unknown action." }, values: null, saved: null }, { status: 400 });
  }
}

export default function Staff() {
  const { role, me, invitableRoles: roles, members, invitations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const errorsFor = (key: string): StaffErrors => (result?.form === key ? result.errors : {});
  const invite = errorsFor("invite");
  const inviteValues = result?.form === "invite" ? result.values : null;

  return (
    <main className="staff">
      <div className="page-head">
        <h1>Staff</h1>
      </div>
      {result?.saved && (result.invitation?.delivery === "no-mail-server" || result.invitation?.delivery === "failed") ? (
        <p className="banner" role="alert">
          {result.saved}
        </p>
      ) : result?.saved ? (
        <p className="flash" role="status">
          {result.saved}
        </p>
      ) : null}
      {result?.invitation ? <InvitationLink invitation={result.invitation} /> : null}

      <section className="card">
        <h2>Members</h2>
        <div className="scroll-x">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => {
                const errors = errorsFor(`member:${member.userId}`);
                const error = errors.member ?? errors.role;
                return (
                  <tr key={member.userId}>
                    <td>
                      {member.email}
                      {member.userId === me ? <span className="muted"> (you)</span> : null}
                    </td>
                    <td>
                      {role === "owner" ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="userId" value={member.userId} />
                          <select
                            name="role"
                            defaultValue={member.role}
                            aria-label={`Role of ${member.email}`}
                            aria-invalid={Boolean(error)}
                            aria-describedby={error ? `member-${member.userId}-error` : undefined}
                          >
                            <option value="owner">Owner</option>
                            <option value="admin">Admin</option>
                            <option value="staff">Staff</option>
                          </select>
                          <button type="submit" name="intent" value="change-role" className="secondary" disabled={busy}>
                            Change role
                          </button>
                        </Form>
                      ) : (
                        <span className={`role ${member.role}`}>{member.role}</span>
                      )}
                      {error ? (
                        <p className="error" id={`member-${member.userId}-error`}>
                          {error}
                        </p>
                      ) : null}
                    </td>
                    <td>{member.joinedAt}</td>
                    <td>
                      {member.canRemove ? (
                        <Form method="post" className="row-actions">
                          <input type="hidden" name="userId" value={member.userId} />
                          <button type="submit" name="intent" value="remove" className="danger" disabled={busy} aria-label={`Remove ${member.email}`}>
                            Remove
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card">
        <h2>Pending invitations</h2>
        {invitations.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Invited by</th>
                  <th scope="col">Expires (UTC)</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>
                      <span className={`role ${invitation.role}`}>{invitation.role}</span>
                    </td>
                    <td>{invitation.invitedBy}</td>
                    <td>{invitation.expired ? <span className="status suspended">expired</span> : invitation.expiresAt}</td>
                    <td>
                      {invitation.canRevoke ? (
                        <Form method="post" className="row-actions">
                          <input type="hidden" name="invitationId" value={invitation.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="resend"
                            className="secondary"
                            disabled={busy}
                            aria-label={`Resend the invitation to ${invitation.email}`}
                          >
                            Resend
                          </button>
                          <button
                            type="submit"
                            name="intent"
                            value="revoke"
                            className="secondary"
                            disabled={busy}
                            aria-label={`Revoke the invitation of ${invitation.email}`}
                          >
                            Revoke
                          </button>
                        </Form>
                      ) : null}
                      {errorsFor(`invitation:${invitation.id}`).invitation ? (
                        <p className="error">{errorsFor(`invitation:${invitation.id}`).invitation}</p>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <h2>Invite someone</h2>
        {invite.planLimit ? (
          <p className="banner" role="alert">
            {invite.planLimit} <Link to="../billing">See plans</Link>
          </p>
        ) : null}
        <Form method="post" className="stack invite-form" noValidate key={result?.form === "invite" && result.saved ? result.saved : "invite"}>
          <Field label="Email" name="email" error={invite.email} hint="They get an email with a link that works once and expires.">
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="off"
              required
              defaultValue={inviteValues?.email}
              aria-invalid={Boolean(invite.email)}
              aria-describedby={invite.email ? "email-error" : "email-hint"}
            />
          </Field>
          <Field label="Role" name="role" error={invite.role}>
            <select
              id="role"
              name="role"
              defaultValue={inviteValues?.role ?? "staff"}
              aria-invalid={Boolean(invite.role)}
              aria-describedby={invite.role ? "role-error" : "role-descriptions"}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r === "admin" ? "Admin" : "Staff"}
                </option>
              ))}
            </select>
          </Field>
          <dl className="roles" id="role-descriptions">
            {(["owner", "admin", "staff"] as const).map((r) => (
              <div key={r}>
                <dt>{r}</dt>
                <dd>{ROLE_DESCRIPTIONS[r]}</dd>
              </div>
            ))}
          </dl>
          <div>
            <button type="submit" name="intent" value="invite" disabled={busy}>
              Send invitation
            </button>
          </div>
        </Form>
      </section>
    </main>
  );
}

/** The new invitation's link, shown once: selectable without JavaScript, with a Copy button with it. */
function InvitationLink({ invitation }: { invitation: InvitationMade }) {
  const hydrated = useHydrated();
  const [copied, setCopied] = useState<string | null>(null);
  const id = "invitation-link";
  return (
    <section className="card invitation-link" aria-labelledby="invitation-link-heading">
      <h2 id="invitation-link-heading">Invitation link for {invitation.email}</h2>
      <label htmlFor={id}>Invitation link</label>
      <div className="inline-form">
        <input id={id} readOnly value={invitation.link} aria-describedby={`${id}-hint`} onFocus={(e) => e.currentTarget.select()} />
        {hydrated ? (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              navigator.clipboard.writeText(invitation.link).then(
                () => setCopied("Link copied."),
                () => setCopied("Couldn't copy: select the link and copy it."),
              )
            }
          >
            Copy link
          </button>
        ) : null}
      </div>
      <p className="hint" id={`${id}-hint`}>
        Anyone with this link can join as {invitation.email}. It is shown only now; Resend makes a new one and ends this one.
      </p>
      <p role="status" className="hint">
        {copied}
      </p>
    </section>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
