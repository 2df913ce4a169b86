import { createHash, randomBytes } from "node:crypto";
import type { PlatformDb } from "../db/database.server.ts";
import type { AccountLinkPurpose } from "../db/types.ts";
import type { DeliverMail, MailDelivery, MailMessage } from "../shop/mail.server.ts";

/**
 * Links mailed to a merchant (a password reset, an email verification): a random token in the link, only its SHA-256
 * in `platform.account_links`, so a copy of the table opens nothing. A link works once, until it expires, and only
 * for its purpose.
 */

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new link's token for `userId`, valid for `minutes`. */
export async function issueAccountLink(db: PlatformDb, userId: string, purpose: AccountLinkPurpose, minutes: number, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db
    .insertInto("platform.account_links")
    .values({ token_hash: sha256(token), user_id: userId, purpose, expires_at: new Date(now.getTime() + minutes * 60_000) })
    .execute();
  return token;
}

/**
 * Issues a link and mails it. The mail goes out with no transaction open (a slow mail server must not hold a pooled
 * connection or a lock); if it can be neither sent nor queued, the link is taken back before the error goes on, so
 * no working link is left that nobody received. Inside a caller's transaction the same holds through its rollback.
 *
 * @example await mailAccountLink(db, deliver, user.id, "password", 60, (token) => ({ to, subject, text: `…/reset-password/${token}` }));
 */
export async function mailAccountLink(
  db: PlatformDb,
  deliver: DeliverMail,
  userId: string,
  purpose: AccountLinkPurpose,
  minutes: number,
  message: (token: string) => MailMessage,
  now = new Date(),
): Promise<MailDelivery> {
  const token = await issueAccountLink(db, userId, purpose, minutes, now);
  try {
    return await deliver(message(token));
  } catch (error) {
    await db.deleteFrom("platform.account_links").where("token_hash", "=", sha256(token)).execute();
    throw error;
  }
}

/** Whether a link can still be used, without using it (a form's page). */
export async function accountLinkValid(db: PlatformDb, token: string | undefined, purpose: AccountLinkPurpose, now = new Date()): Promise<boolean> {
  if (!token || !TOKEN.test(token)) return false;
  const row = await db
    .selectFrom("platform.account_links")
    .select(["expires_at", "used_at"])
    .where("token_hash", "=", sha256(token))
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  return Boolean(row && !row.used_at && row.expires_at > now);
}

/**
 * Uses a link, once, with every other unused link of the same purpose of its account: the account's id, or null for
 * a link that is malformed, unknown, of another purpose, spent or expired. Call it in the transaction that acts on it.
 */
export async function useAccountLink(db: PlatformDb, token: string, purpose: AccountLinkPurpose, now = new Date()): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  const link = await db
    .updateTable("platform.account_links")
    .set({ used_at: now })
    .where("token_hash", "=", sha256(token))
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("user_id")
    .executeTakeFirst();
  if (!link) return null;
  await spendAccountLinks(db, link.user_id, [purpose], now);
  return link.user_id;
}

/** Ends the account's unused links of these purposes (a change they would undo or no longer match). */
export async function spendAccountLinks(db: PlatformDb, userId: string, purposes: AccountLinkPurpose[], now = new Date()): Promise<void> {
  await db
    .updateTable("platform.account_links")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("purpose", "in", purposes)
    .where("used_at", "is", null)
    .execute();
}
