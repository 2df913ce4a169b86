import { hash } from "@node-rs/argon2";
import type { PlatformDb } from "../db/database.server.ts";
import { isMailUnavailable, type DeliverMail } from "../shop/mail.server.ts";
import { accountLinkValid, mailAccountLink, useAccountLink } from "./account-links.server.ts";
import { normalizeEmail, passwordProblem } from "./accounts.server.ts";

/**
 * Merchants who forgot their password get a single-use link by email, valid for an hour. Asking never says whether
 * the email has an account (no more than signup already does); using a link sets the new password and ends every
 * session of the account, so whoever knew the old password is signed out.
 */

const LINK_MINUTES = 60;

/**
 * Emails a reset link if the address belongs to a merchant; answers the same either way. Even a mail that can be
 * neither sent nor queued (MailUnavailableError, logged by the mailer) answers the same: telling the person would
 * tell anyone that the address has an account. Its link is not kept.
 */
export async function requestPasswordReset(db: PlatformDb, deliver: DeliverMail, email: string, platformOrigin: string, now = new Date()): Promise<void> {
  const user = await db.selectFrom("platform.users").select(["id", "email"]).where("email", "=", normalizeEmail(email)).executeTakeFirst();
  if (!user) return;
  try {
    await mailAccountLink(
      db,
      deliver,
      user.id,
      "password",
      LINK_MINUTES,
      (token) => ({
        to: user.email,
        subject: "Reset your Bazaar password",
        text: [
          "Someone (we hope you) asked to reset the password of your Bazaar account.",
          "",
          `Choose a new password here within ${LINK_MINUTES} minutes: ${platformOrigin}/reset-password/${token}`,
          "",
          "If it wasn't you, ignore this email: your password stays as it is.",
        ].join("\n"),
      }),
      now,
    );
  } catch (error) {
    if (!isMailUnavailable(error)) throw error;
  }
}

export type ResetResult = { ok: true; userId: string } | { ok: false; field: "token" | "password"; message: string };

const LINK_USED = "This link has expired or was already used. Ask for a new one.";

/** Whether a link can still be used, without using it (the form's page). */
export async function resetLinkValid(db: PlatformDb, token: string | undefined, now = new Date()): Promise<boolean> {
  return accountLinkValid(db, token, "password", now);
}

/** Sets the new password through a link, once: the link is spent, other links and every session of the account end. */
export async function resetPassword(db: PlatformDb, token: string, password: string, now = new Date()): Promise<ResetResult> {
  const problem = passwordProblem(password);
  if (problem) return { ok: false, field: "password", message: problem };
  if (!(await resetLinkValid(db, token, now))) return { ok: false, field: "token", message: LINK_USED };
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    const userId = await useAccountLink(trx, token, "password", now);
    if (!userId) return { ok: false, field: "token", message: LINK_USED } as const;
    await trx.updateTable("platform.users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
    await trx.deleteFrom("platform.sessions").where("user_id", "=", userId).execute();
    return { ok: true, userId } as const;
  });
}
