import type { PlatformDb } from "../db/database.server.ts";
import type { DeliverMail, MailDelivery } from "../shop/mail.server.ts";
import { mailAccountLink, useAccountLink } from "./account-links.server.ts";

/**
 * A merchant who signed up, or changed their email, proves the address is theirs by following a link mailed to it
 * (docs/decisions/037-email-verification.md); until then their shops can't launch. The link is an account link
 * (account-links.server.ts): hashed, single-use, for a day. An email change spends the links sent to the old address.
 */

const LINK_HOURS = 24;

/**
 * Mails a verification link to the account's current address, in the caller's transaction if there is one (an email
 * change mails the link before it commits). The link is kept only if the mail went out or was queued: a
 * MailUnavailableError leaves nothing behind.
 */
export async function sendVerificationEmail(
  db: PlatformDb,
  deliver: DeliverMail,
  userId: string,
  platformOrigin: string,
  now = new Date(),
): Promise<MailDelivery> {
  const user = await db.selectFrom("platform.users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
  return mailAccountLink(
    db,
    deliver,
    userId,
    "email",
    LINK_HOURS * 60,
    (token) => ({
      to: user.email,
      subject: "Verify your Bazaar email",
      text: [
        `Follow this link within ${LINK_HOURS} hours to confirm that ${user.email} is yours: ${platformOrigin}/verify-email/${token}`,
        "",
        "Your shop can launch once your email is verified. If you didn't sign up for Bazaar, ignore this email.",
      ].join("\n"),
    }),
    now,
  );
}

/** Marks the link's account verified, once: its email, or null for a link that is unknown, spent or expired. */
export async function verifyEmail(db: PlatformDb, token: string, now = new Date()): Promise<{ email: string } | null> {
  return db.transaction().execute(async (trx) => {
    const userId = await useAccountLink(trx, token, "email", now);
    if (!userId) return null;
    return trx.updateTable("platform.users").set({ email_verified_at: now }).where("id", "=", userId).returning("email").executeTakeFirstOrThrow();
  });
}

/** The shop's owners (usually one) and whether each has verified their email: a shop launches once one has. */
export async function shopOwners(db: PlatformDb, shopId: string): Promise<{ userId: string; email: string; verified: boolean }[]> {
  const owners = await db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select(["u.id", "u.email", "u.email_verified_at"])
    .where("m.shop_id", "=", shopId)
    .where("m.role", "=", "owner")
    .orderBy("m.created_at")
    .execute();
  return owners.map((o) => ({ userId: o.id, email: o.email, verified: o.email_verified_at !== null }));
}
