import { hash, verify } from "@node-rs/argon2";
import type { PlatformDb } from "../db/database.server.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { DeliverMail, MailDelivery } from "../shop/mail.server.ts";
import { spendAccountLinks } from "../tenants/account-links.server.ts";
import { emailProblem, normalizeEmail, passwordProblem } from "../tenants/accounts.server.ts";
import { sendVerificationEmail } from "../tenants/email-verification.server.ts";
import { storedSessionId } from "./auth-adapter.server.ts";

/**
 * A merchant changes their password or email from their account page. Either change asks for the current password
 * again (a session left open on a shared computer isn't enough) and ends every other session of the account, so
 * whoever else was signed in is signed out; the session that made the change stays. An email change tells the old
 * address, so its owner hears of it even if someone else made it, and the new address must be verified again
 * (decision 037): a link already sent to the old one no longer verifies anything. Both mails go out (or into the
 * mail queue) before the change commits: if neither can, MailUnavailableError undoes the change.
 */

export type AccountChangeResult = { ok: true; mail?: MailDelivery[] } | { ok: false; field: "currentPassword" | "password" | "email"; message: string };

const WRONG_PASSWORD = { ok: false, field: "currentPassword", message: "That isn't your current password." } as const;

async function currentPasswordMatches(db: PlatformDb, userId: string, currentPassword: string): Promise<boolean> {
  const user = await db.selectFrom("platform.users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  return currentPassword.length > 0 && currentPassword.length <= 256 && (await verify(user.password_hash, currentPassword));
}

export async function changePassword(
  db: PlatformDb,
  { userId, sessionId }: { userId: string; sessionId: string },
  { currentPassword, password }: { currentPassword: string; password: string },
): Promise<AccountChangeResult> {
  const problem = passwordProblem(password);
  if (problem) return { ok: false, field: "password", message: problem };
  if (!(await currentPasswordMatches(db, userId, currentPassword))) return WRONG_PASSWORD;
  const passwordHash = await hash(password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("platform.users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
    await trx.deleteFrom("platform.sessions").where("user_id", "=", userId).where("id", "<>", storedSessionId(sessionId)).execute();
    // A reset link asked for before the change would undo it.
    await spendAccountLinks(trx, userId, ["password"]);
  });
  return { ok: true };
}

export async function changeEmail(
  db: PlatformDb,
  deliver: DeliverMail,
  { userId, sessionId }: { userId: string; sessionId: string },
  { currentPassword, email }: { currentPassword: string; email: string },
  platformOrigin: string,
): Promise<AccountChangeResult> {
  const next = normalizeEmail(email);
  if (emailProblem(next)) return { ok: false, field: "email", message: "Enter a valid email address." };
  if (!(await currentPasswordMatches(db, userId, currentPassword))) return WRONG_PASSWORD;
  try {
    const mail = await db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom("platform.users").select("email").where("id", "=", userId).forUpdate().executeTakeFirstOrThrow();
      const previous = user.email;
      const changed = previous !== next;
      await trx
        .updateTable("platform.users")
        .set(changed ? { email: next, email_verified_at: null } : { email: next })
        .where("id", "=", userId)
        .execute();
      await trx.deleteFrom("platform.sessions").where("user_id", "=", userId).where("id", "<>", storedSessionId(sessionId)).execute();
      await spendAccountLinks(trx, userId, changed ? ["password", "email"] : ["password"]);
      if (!changed) return [];
      return [
        await sendVerificationEmail(trx, deliver, userId, platformOrigin),
        await deliver({
          to: previous,
          subject: "Your Bazaar email was changed",
          text: [
            `The email of your Bazaar account was changed from ${previous} to ${next}, and every other session was signed out.`,
            "",
            "If you didn't do this, someone knows your password: write to your platform's support at once.",
          ].join("\n"),
        }),
      ];
    });
    return { ok: true, mail };
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) return { ok: false, field: "email", message: "Another account uses this email." };
    throw error;
  }
}
