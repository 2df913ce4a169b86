import { createHash, randomBytes } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import { z } from "zod";
import { email, singleLine } from "../shop/fields.server.ts";
import type { PlatformDb } from "../db/database.server.ts";
import type { MemberRole, PlatformDatabase, Shop, User } from "../db/types.ts";
import { recordAudit, type Actor } from "../shop/audit.server.ts";
import { isMailUnavailable, type DeliverMail, type MailDelivery, type MailMessage } from "../shop/mail.server.ts";
import { can, invitableRoles } from "../shop/permissions.ts";
import { createUser, emailProblem, EmailTakenError, normalizeEmail, passwordProblem } from "./accounts.server.ts";
import { tenantDb } from "./handle.server.ts";
import { PlanLimitError } from "./plan-limits.ts";
import { meterShopUsage } from "./metering.server.ts";
import { countStaffSeats, planOf } from "./plans.server.ts";

/*
 * Memberships and invitations are registry tables (`platform`), so staff
 * management lives here rather than in shop/. Each change is audited in the
 * shop's own `audit_events`, written through the shop's handle inside the
 * same transaction as the registry change.
 */

export const MEMBER_ROLES: readonly MemberRole[] = ["owner", "admin", "staff"];
const ROLE_ORDER: Record<MemberRole, number> = { owner: 0, admin: 1, staff: 2 };
const DEFAULT_INVITATION_TTL_HOURS = 72;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Who is changing the staff: their audit identity and their role in the shop. */
export interface StaffActor {
  actor: Actor;
  role: MemberRole;
}

export type StaffErrors = Partial<Record<"email" | "role" | "member" | "invitation" | "planLimit", string>>;

/** A refused staff change: 400 (bad input), 403 (not allowed for this role), 404 (no such member here), 409 (the plan's limit) or 503 (mail down). */
export class StaffError extends Error {
  constructor(
    readonly errors: StaffErrors,
    readonly status: 400 | 403 | 404 | 409 | 503 = 400,
  ) {
    super(Object.values(errors).join(" "));
  }
}

export function invitationTtlHours(env: Record<string, string | undefined> = process.env): number {
  const hours = Number(env.INVITATION_TTL_HOURS || DEFAULT_INVITATION_TTL_HOURS);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`INVITATION_TTL_HOURS must be a positive number, got ${env.INVITATION_TTL_HOURS}`);
  return hours;
}

/** Only this hash is stored: a database leak doesn't hand out working links. */
export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function isMemberRole(role: string): role is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(role);
}

export interface StaffMember {
  userId: string;
  email: string;
  role: MemberRole;
  joinedAt: Date;
}

export async function listMembers(db: PlatformDb, shopId: string): Promise<StaffMember[]> {
  const rows = await db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select(["m.user_id as userId", "u.email", "m.role", "m.created_at as joinedAt"])
    .where("m.shop_id", "=", shopId)
    .orderBy("u.email")
    .execute();
  return rows.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Exclude<MemberRole, "owner">;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

/** Invitations not yet accepted, newest first; expired ones stay listed so they can be revoked or sent again. */
export async function listPendingInvitations(db: PlatformDb, shopId: string): Promise<PendingInvitation[]> {
  const rows = await db
    .selectFrom("platform.invitations as i")
    .leftJoin("platform.users as u", "u.id", "i.invited_by")
    .select(["i.id", "i.email", "i.role", "u.email as invitedBy", "i.created_at as createdAt", "i.expires_at as expiresAt"])
    .where("i.shop_id", "=", shopId)
    .where("i.accepted_at", "is", null)
    .orderBy("i.created_at", "desc")
    .execute();
  const now = Date.now();
  return rows.map((r) => ({ ...r, invitedBy: r.invitedBy ?? "", expired: r.expiresAt.getTime() <= now }));
}

type PlatformTrx = Transaction<PlatformDatabase>;

/** Serialises membership changes per shop, so two concurrent demotions can't leave it without an owner. */
async function lockShop(trx: PlatformTrx, shopId: string): Promise<void> {
  await trx.selectFrom("platform.shops").select("id").where("id", "=", shopId).forUpdate().executeTakeFirstOrThrow();
}

async function ownerCount(trx: PlatformTrx, shopId: string): Promise<number> {
  const row = await trx
    .selectFrom("platform.memberships")
    .select((eb) => eb.fn.countAll<string>().as("owners"))
    .where("shop_id", "=", shopId)
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  return Number(row.owners);
}

async function findMember(trx: PlatformTrx, shopId: string, userId: string) {
  return trx
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select(["m.user_id", "m.role", "u.email"])
    .where("m.shop_id", "=", shopId)
    .where("m.user_id", "=", userId)
    .executeTakeFirst();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function invitationEmail(invitation: { shopName: string; inviterEmail: string; role: string; link: string; expiresAt: Date; to: string }): MailMessage {
  const { shopName, inviterEmail, role, link, expiresAt, to } = invitation;
  const expires = expiresAt.toUTCString();
  return {
    to,
    subject: `You're invited to help run ${shopName} on Bazaar`,
    text: [
      `${inviterEmail} invited you to join ${shopName} on Bazaar as ${role}.`,
      "",
      "Accept the invitation:",
      link,
      "",
      `The link works once and expires on ${expires}.`,
      "If you weren't expecting this invitation, you can ignore this email.",
      "",
    ].join("\n"),
    html: `<p>${escapeHtml(inviterEmail)} invited you to join <strong>${escapeHtml(shopName)}</strong> on Bazaar as ${escapeHtml(role)}.</p>
<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>
<p>The link works once and expires on ${escapeHtml(expires)}. If you weren't expecting this invitation, you can ignore this email.</p>`,
  };
}

/** Staff accounts count against the plan (countStaffSeats). Run with the shop locked. */
async function refuseBeyondStaffLimit(trx: Kysely<PlatformDatabase>, shop: Shop, email: string): Promise<void> {
  const plan = await planOf(trx, shop);
  if (plan.max_staff !== null && (await countStaffSeats(trx, shop.id, email)) >= plan.max_staff) {
    throw new StaffError({ planLimit: new PlanLimitError("staff", plan.max_staff, plan.name).message }, 409);
  }
}

export interface InviteOptions {
  /** e.g. https://bazaar.example; the link is <platformOrigin>/invitations/<token>. */
  platformOrigin: string;
  /** The mailer (services.deliverMail): sends now, or queues the message for retries. */
  send: DeliverMail;
  ttlHours?: number;
}

/** What became of the invitation email, as the mailer reported it; "failed": it could be neither sent nor queued. */
export type InvitationDelivery = MailDelivery | "failed";

/**
 * The staff page's forms, one per intent. Which roles the person may give, and whether a member or an invitation is
 * this shop's, is the save's to check (with its own messages), so ids and roles are only bounded text here.
 */
export const staffForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("invite"), email: email(), role: singleLine({ max: 20 }) }),
    z.object({ intent: z.literal("change-role"), userId: singleLine({ max: 40 }), role: singleLine({ max: 20 }) }),
    z.object({ intent: z.literal("remove"), userId: singleLine({ max: 40 }) }),
    z.object({ intent: z.literal("revoke"), invitationId: singleLine({ max: 40 }) }),
    z.object({ intent: z.literal("resend"), invitationId: singleLine({ max: 40 }) }),
  ],
  { error: "Unknown action." },
);

/**
 * Invites someone by email: a random 32-byte token goes into the emailed link,
 * only its SHA-256 into the registry. A new invitation to the same address
 * replaces the pending one, so only the newest link works. The email goes out
 * once the invitation is saved; whether it went is in `delivery`, and the link
 * comes back so the merchant can pass it on when it didn't.
 */
export async function inviteStaff(
  db: PlatformDb,
  shop: Shop,
  by: StaffActor,
  input: { email: string; role: string },
  { platformOrigin, send, ttlHours = invitationTtlHours() }: InviteOptions,
): Promise<{ id: string; email: string; role: Exclude<MemberRole, "owner">; expiresAt: Date; token: string; link: string; delivery: InvitationDelivery }> {
  const allowed = invitableRoles(by.role);
  if (!allowed.length || !by.actor.userId) throw new StaffError({ role: "You can't invite people to this shop." }, 403);
  const inviterId = by.actor.userId;
  const email = normalizeEmail(input.email);
  const errors: StaffErrors = {};
  const emailError = emailProblem(email);
  if (emailError) errors.email = emailError;
  const role = allowed.find((r) => r === input.role);
  if (!role) errors.role = by.role === "owner" ? "Choose admin or staff." : "Admins can invite staff only.";
  if (Object.keys(errors).length || !role) throw new StaffError(errors);

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  const id = await db.transaction().execute(async (trx) => {
    await lockShop(trx, shop.id);
    const member = await trx
      .selectFrom("platform.memberships as m")
      .innerJoin("platform.users as u", "u.id", "m.user_id")
      .select("m.role")
      .where("m.shop_id", "=", shop.id)
      .where("u.email", "=", email)
      .executeTakeFirst();
    if (member) throw new StaffError({ email: `${email} is already a member of this shop.` });
    const pending = await trx
      .selectFrom("platform.invitations")
      .select(["id", "role"])
      .where("shop_id", "=", shop.id)
      .where("email", "=", email)
      .where("accepted_at", "is", null)
      .execute();
    if (pending.some((p) => !allowed.includes(p.role))) {
      throw new StaffError({ email: `An owner has already invited ${email} as admin; only an owner can change that invitation.` });
    }
    await refuseBeyondStaffLimit(trx, shop, email);
    if (pending.length)
      await trx
        .deleteFrom("platform.invitations")
        .where(
          "id",
          "in",
          pending.map((p) => p.id),
        )
        .execute();

    const { id } = await trx
      .insertInto("platform.invitations")
      .values({ shop_id: shop.id, email, role, token_hash: hashInvitationToken(token), invited_by: inviterId, expires_at: expiresAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tenantDb(trx, shop.schema_name), by.actor, {
      action: "invitation.created",
      subjectType: "invitation",
      subjectId: id,
      summary: `Invited ${email} as ${role}${pending.length ? " (replacing an earlier invitation)" : ""}`,
    });
    return id;
  });
  const link = `${platformOrigin}/invitations/${token}`;
  let delivery: InvitationDelivery;
  try {
    delivery = await send(invitationEmail({ to: email, shopName: shop.name, inviterEmail: by.actor.email, role, link, expiresAt }));
  } catch (error) {
    // The invitation stays: the page shows its link for the merchant to pass on.
    if (!isMailUnavailable(error)) throw error;
    delivery = "failed";
  }
  // A queued email counts now: the worker that sends it later doesn't know the shop.
  if (delivery === "sent" || delivery === "queued") await meterShopUsage(db, shop.id, { emails: 1 });
  return { id, email, role, expiresAt, token, link, delivery };
}

/** Sends a pending (or expired) invitation again: a new link for the same address and role; the old link stops working. */
export async function resendInvitation(db: PlatformDb, shop: Shop, by: StaffActor, invitationId: string, options: InviteOptions) {
  if (!/^\d{1,18}$/.test(invitationId)) throw new StaffError({ invitation: "No such invitation." }, 404);
  const invitation = await db
    .selectFrom("platform.invitations")
    .select(["email", "role"])
    .where("id", "=", invitationId)
    .where("shop_id", "=", shop.id)
    .where("accepted_at", "is", null)
    .executeTakeFirst();
  if (!invitation) throw new StaffError({ invitation: "No such invitation." }, 404);
  return inviteStaff(db, shop, by, invitation, options);
}

/** Owners only. A shop always keeps at least one owner. Returns false when the role was already that. */
export async function changeMemberRole(db: PlatformDb, shop: Shop, by: StaffActor, userId: string, role: string): Promise<boolean> {
  if (by.role !== "owner") throw new StaffError({ member: "Only an owner can change roles." }, 403);
  if (!isMemberRole(role)) throw new StaffError({ role: "Choose owner, admin or staff." });
  return db.transaction().execute(async (trx) => {
    await lockShop(trx, shop.id);
    const member = await findMember(trx, shop.id, userId);
    if (!member) throw new StaffError({ member: "This person is not a member of the shop." }, 404);
    if (member.role === role) return false;
    if (member.role === "owner" && (await ownerCount(trx, shop.id)) === 1) {
      throw new StaffError({ member: "A shop needs at least one owner. Make someone else an owner first." });
    }
    await trx.updateTable("platform.memberships").set({ role }).where("shop_id", "=", shop.id).where("user_id", "=", userId).execute();
    await recordAudit(tenantDb(trx, shop.schema_name), by.actor, {
      action: "member.role_changed",
      subjectType: "member",
      subjectId: userId,
      summary: `${member.email}: ${member.role} → ${role}`,
    });
    return true;
  });
}

/** Owners remove anyone but the last owner; admins remove staff only. */
export async function removeMember(db: PlatformDb, shop: Shop, by: StaffActor, userId: string): Promise<void> {
  if (!can(by.role, "staff")) throw new StaffError({ member: "You can't manage this shop's staff." }, 403);
  await db.transaction().execute(async (trx) => {
    await lockShop(trx, shop.id);
    const member = await findMember(trx, shop.id, userId);
    if (!member) throw new StaffError({ member: "This person is not a member of the shop." }, 404);
    if (by.role !== "owner" && member.role !== "staff") throw new StaffError({ member: "Admins can remove staff only." }, 403);
    if (member.role === "owner" && (await ownerCount(trx, shop.id)) === 1) {
      throw new StaffError({ member: "A shop needs at least one owner, so its last owner can't be removed." });
    }
    await trx.deleteFrom("platform.memberships").where("shop_id", "=", shop.id).where("user_id", "=", userId).execute();
    await recordAudit(tenantDb(trx, shop.schema_name), by.actor, {
      action: "member.removed",
      subjectType: "member",
      subjectId: userId,
      summary: `Removed ${member.email} (${member.role})`,
    });
  });
}

/** Deletes a pending invitation, so its link stops working. Admins revoke staff invitations only. */
export async function revokeInvitation(db: PlatformDb, shop: Shop, by: StaffActor, invitationId: string): Promise<void> {
  if (!can(by.role, "staff")) throw new StaffError({ invitation: "You can't manage this shop's staff." }, 403);
  if (!/^\d{1,18}$/.test(invitationId)) throw new StaffError({ invitation: "No such invitation." }, 404);
  await db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom("platform.invitations")
      .select(["id", "email", "role"])
      .where("id", "=", invitationId)
      .where("shop_id", "=", shop.id)
      .where("accepted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!invitation) throw new StaffError({ invitation: "No such invitation." }, 404);
    if (!invitableRoles(by.role).includes(invitation.role)) throw new StaffError({ invitation: "Admins can revoke staff invitations only." }, 403);
    await trx.deleteFrom("platform.invitations").where("id", "=", invitation.id).execute();
    await recordAudit(tenantDb(trx, shop.schema_name), by.actor, {
      action: "invitation.revoked",
      subjectType: "invitation",
      subjectId: invitation.id,
      summary: `Revoked the invitation of ${invitation.email} as ${invitation.role}`,
    });
  });
}

// Expired invitations stay listed this long so the merchant can see them and send them again.
const STALE_INVITATION_DAYS = 30;

/** Housekeeping, run by the maintenance job: invitations that expired over a month ago, used or not. */
export async function purgeStaleInvitations(db: PlatformDb): Promise<{ invitations: number }> {
  const result = await db
    .deleteFrom("platform.invitations")
    .where("expires_at", "<=", sql<Date>`now() - make_interval(days => ${STALE_INVITATION_DAYS})`)
    .executeTakeFirst();
  return { invitations: Number(result.numDeletedRows) };
}

export type InvitationState = "pending" | "expired" | "used";

export interface InvitationView {
  email: string;
  role: Exclude<MemberRole, "owner">;
  state: InvitationState;
  shop: { slug: string; name: string };
  /** Whether the invited address already has a Bazaar account (then the invitee logs in rather than signs up). */
  accountExists: boolean;
}

/** What the link in an invitation email points at, or null for a token that was never issued (or was revoked). */
export async function findInvitation(db: PlatformDb, token: string): Promise<InvitationView | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .selectFrom("platform.invitations as i")
    .innerJoin("platform.shops as s", "s.id", "i.shop_id")
    .leftJoin("platform.users as u", "u.email", "i.email")
    .select(["i.email", "i.role", "i.expires_at", "i.accepted_at", "s.slug", "s.name", "u.id as userId"])
    .where("i.token_hash", "=", hashInvitationToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const state: InvitationState = row.accepted_at ? "used" : row.expires_at.getTime() <= Date.now() ? "expired" : "pending";
  return { email: row.email, role: row.role, state, shop: { slug: row.slug, name: row.name }, accountExists: Boolean(row.userId) };
}

export type InvitationProblem = "unknown" | "expired" | "used" | "wrong-email" | "email-taken" | "password";

export class InvitationError extends Error {
  constructor(
    readonly problem: InvitationProblem,
    message: string,
  ) {
    super(message);
  }
}

export const INVITATION_MESSAGES: Record<"unknown" | "expired" | "used", string> = {
  unknown: "This invitation link isn't valid. It may have been revoked or replaced by a newer invitation; ask the shop's owner to invite you again.",
  expired: "This invitation has expired. Ask the shop's owner to send you a new one.",
  used: "This invitation has already been used. If it was you, log in to reach the shop.",
};

/**
 * Takes the invitation for `user` inside `trx`: the row is locked, so a link
 * works exactly once even when opened twice at the same moment.
 */
async function claimInvitation(trx: PlatformTrx, token: string, user: { id: string; email: string }, ip: string): Promise<{ shopSlug: string }> {
  if (!TOKEN_PATTERN.test(token)) throw new InvitationError("unknown", INVITATION_MESSAGES.unknown);
  const invitation = await trx
    .selectFrom("platform.invitations")
    .select(["id", "shop_id", "email", "role", "expires_at", "accepted_at"])
    .where("token_hash", "=", hashInvitationToken(token))
    .forUpdate()
    .executeTakeFirst();
  if (!invitation) throw new InvitationError("unknown", INVITATION_MESSAGES.unknown);
  if (invitation.accepted_at) throw new InvitationError("used", INVITATION_MESSAGES.used);
  if (invitation.expires_at.getTime() <= Date.now()) throw new InvitationError("expired", INVITATION_MESSAGES.expired);
  if (invitation.email !== normalizeEmail(user.email)) {
    throw new InvitationError("wrong-email", `This invitation is for ${invitation.email}, but you're logged in as ${user.email}.`);
  }
  const shop = await trx.selectFrom("platform.shops").selectAll().where("id", "=", invitation.shop_id).forUpdate().executeTakeFirstOrThrow();
  // Someone who is already a member keeps their role; the invitation is used up either way.
  const joined = await trx
    .insertInto("platform.memberships")
    .values({ user_id: user.id, shop_id: shop.id, role: invitation.role })
    .onConflict((oc) => oc.columns(["user_id", "shop_id"]).doNothing())
    .returning("role")
    .executeTakeFirst();
  await trx.updateTable("platform.invitations").set({ accepted_at: new Date() }).where("id", "=", invitation.id).execute();
  await recordAudit(
    tenantDb(trx, shop.schema_name),
    { userId: user.id, email: user.email, ip },
    {
      action: "invitation.accepted",
      subjectType: "member",
      subjectId: user.id,
      summary: joined ? `${user.email} joined as ${invitation.role}` : `${user.email} was already a member`,
    },
  );
  return { shopSlug: shop.slug };
}

/** The signed-in merchant accepts an invitation addressed to their email. */
export async function acceptInvitation(db: PlatformDb, token: string, user: { id: string; email: string }, ip: string): Promise<{ shopSlug: string }> {
  return db.transaction().execute((trx) => claimInvitation(trx, token, user, ip));
}

/** Someone new creates their account (with the invited email) and joins, together or not at all. */
export async function acceptInvitationWithNewAccount(db: PlatformDb, token: string, password: string, ip: string): Promise<{ user: User; shopSlug: string }> {
  const problem = passwordProblem(password);
  if (problem) throw new InvitationError("password", problem);
  return db.transaction().execute(async (trx) => {
    const invitation = await findInvitation(trx, token);
    if (!invitation) throw new InvitationError("unknown", INVITATION_MESSAGES.unknown);
    if (invitation.state !== "pending") throw new InvitationError(invitation.state, INVITATION_MESSAGES[invitation.state]);
    let user: User;
    try {
      user = await createUser(trx, { email: invitation.email, password });
    } catch (error) {
      if (error instanceof EmailTakenError) throw new InvitationError("email-taken", `An account with ${invitation.email} already exists. Log in to accept.`);
      throw error;
    }
    const { shopSlug } = await claimInvitation(trx, token, user, ip);
    return { user, shopSlug };
  });
}
