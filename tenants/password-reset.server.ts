import { hash } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import type { PlatformDb } from "../db/database.server.ts";
import { sendMail } from "../shop/mail.server.ts";
import { normalizeEmail, passwordProblem } from "./accounts.server.ts";

/**
 * Merchants who forgot their password get a single-use link by email, valid for an hour. Asking never says whether
 * the email has an account (no more than signup already does); using a link sets the new password and ends every
 * session of the account, so whoever knew the old password is signed out.
 */

const LINK_MINUTES = 60;
const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

/** Emails a reset link if the address belongs to a merchant; answers the same either way. */
export async function requestPasswordReset(db: PlatformDb, email: string, platformOrigin: string, now = new Date()): Promise<void> {
  const user = await db.selectFrom("platform.users").select(["id", "email"]).where("email", "=", normalizeEmail(email)).executeTakeFirst();
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  await db
    .insertInto("platform.password_resets")
    .values({ token_hash: sha256(token), user_id: user.id, expires_at: new Date(now.getTime() + LINK_MINUTES * 60_000) })
    .execute();
  await sendMail({
    to: user.email,
    subject: "Reset your Bazaar password",
    text: [
      "Someone (we hope you) asked to reset the password of your Bazaar account.",
      "",
      `Choose a new password here within ${LINK_MINUTES} minutes: ${platformOrigin}/reset-password/${token}`,
      "",
      "If it wasn't you, ignore this email: your password stays as it is.",
    ].join("\n"),
  });
}

export type ResetResult = { ok: true; userId: string } | { ok: false; field: "token" | "password"; message: string };

const LINK_USED = "This link has expired or was already used. Ask for a new one.";

/** Whether a link can still be used, without using it (the form's page). */
export async function resetLinkValid(db: PlatformDb, token: string | undefined, now = new Date()): Promise<boolean> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const row = await db.selectFrom("platform.password_resets").select(["expires_at", "used_at"]).where("token_hash", "=", sha256(token)).executeTakeFirst();
  return Boolean(row && !row.used_at && row.expires_at > now);
}

/** Sets the new password through a link, once: the link is spent, other links and every session of the account end. */
export async function resetPassword(db: PlatformDb, token: string, password: string, now = new Date()): Promise<ResetResult> {
  const problem = passwordProblem(password);
  if (problem) return { ok: false, field: "password", message: problem };
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, field: "token", message: LINK_USED };
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .updateTable("platform.password_resets")
      .set({ used_at: now })
      .where("token_hash", "=", sha256(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("user_id")
      .executeTakeFirst();
    if (!link) return { ok: false, field: "token", message: LINK_USED } as const;
    await trx.updateTable("platform.users").set({ password_hash: passwordHash }).where("id", "=", link.user_id).execute();
    await trx.deleteFrom("platform.sessions").where("user_id", "=", link.user_id).execute();
    await trx.updateTable("platform.password_resets").set({ used_at: now }).where("user_id", "=", link.user_id).where("used_at", "is", null).execute();
    return { ok: true, userId: link.user_id } as const;
  });
}
