import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import type { PlatformDb } from "../db/database.server.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { emailProblem, normalizeEmail, passwordProblem } from "../tenants/accounts.server.ts";
import { tooManyAttempts, type LoginGuard } from "./limits.server.ts";

/**
 * Operator accounts (docs/decisions/018-operator-accounts.md): separate from merchants, with a password and a TOTP
 * second factor, throttled, and sessions of their own in a cookie that only /operator receives. Nothing here shares
 * state with the merchants' Lucia sessions, so a merchant session can never open the console.
 */

export const OPERATOR_COOKIE = "bazaar_operator";
const SESSION_HOURS = 12;

export interface OperatorIdentity {
  id: string;
  email: string;
  sessionHash: string;
}

function totpFor(secret: string, label = "Bazaar operator"): TOTP {
  return new TOTP({ issuer: "Bazaar", label, algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export class OperatorExistsError extends Error {}

/**
 * Creates an operator with a fresh TOTP secret; returns the `otpauth://` URI to add to an authenticator app
 * (shown once: `bazaar create-operator` prints it).
 */
export async function createOperator(
  db: PlatformDb,
  { email, password, secret = new Secret({ size: 20 }).base32 }: { email: string; password: string; secret?: string },
): Promise<{ id: string; secret: string; uri: string }> {
  const address = normalizeEmail(email);
  const problem = emailProblem(address) ?? passwordProblem(password);
  if (problem) throw new Error(problem);
  const id = randomBytes(15).toString("base64url");
  try {
    await db
      .insertInto("platform.operators")
      .values({ id, email: address, password_hash: await hash(password), totp_secret: secret })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error, "operators_email_key")) throw new OperatorExistsError(`an operator ${address} already exists`);
    throw error;
  }
  return { id, secret, uri: totpFor(secret, address).toString() };
}

/** The current code of a secret; for tests and the demo's printout. */
export function currentTotpCode(secret: string, at = Date.now()): string {
  return totpFor(secret).generate({ timestamp: at });
}

let decoyHash: Promise<string> | null = null;

export type OperatorLoginResult = { ok: true; cookie: string; operator: { id: string; email: string } } | { ok: false; status: 400 | 429; error: string };

/**
 * Checks email, password and TOTP code together, so a wrong answer never says which part was wrong. Failures count
 * per account and per address; a code is accepted once (its time step must be newer than the last accepted one).
 */
export async function logInOperator(
  db: PlatformDb,
  input: { email: string; password: string; code: string; address: string },
  { secureCookies, guard, now = Date.now() }: { secureCookies: boolean; guard: LoginGuard; now?: number },
): Promise<OperatorLoginResult> {
  const email = normalizeEmail(input.email);
  const account = `operator:${email}`;
  const gate = await guard.guardLogin(account, input.address);
  if (!gate.ok) return { ok: false, status: 429, error: tooManyAttempts(gate) };
  // The point taken above stays taken: only a full success gives it back.
  const fail = (): OperatorLoginResult => ({ ok: false, status: 400, error: "That email, password and code don't match." });

  const operator = await db.selectFrom("platform.operators").selectAll().where("email", "=", email).executeTakeFirst();
  if (!operator) {
    // The same work as for a real account, so timing doesn't reveal which emails are operators.
    decoyHash ??= hash(randomBytes(16).toString("hex"));
    await verify(await decoyHash, input.password);
    return fail();
  }
  if (!(await verify(operator.password_hash, input.password))) return fail();
  const code = input.code.replace(/\s/g, "");
  const delta = /^\d{6}$/.test(code) ? totpFor(operator.totp_secret).validate({ token: code, timestamp: now, window: 1 }) : null;
  if (delta === null) return fail();
  const step = Math.floor(now / 30_000) + delta;
  // Spent codes stay spent: only a newer step than the last accepted one logs in.
  const claimed = await db
    .updateTable("platform.operators")
    .set({ totp_last_step: step })
    .where("id", "=", operator.id)
    .where("totp_last_step", "<", String(step))
    .executeTakeFirst();
  if (!claimed.numUpdatedRows) return fail();

  await guard.loginSucceeded(account, input.address);
  const token = randomBytes(32).toString("base64url");
  await db
    .insertInto("platform.operator_sessions")
    .values({ id_hash: sha256(token), operator_id: operator.id, expires_at: new Date(now + SESSION_HOURS * 3_600_000) })
    .execute();
  return { ok: true, cookie: sessionCookie(token, SESSION_HOURS * 3600, secureCookies), operator: { id: operator.id, email: operator.email } };
}

function sessionCookie(value: string, maxAge: number, secure: boolean): string {
  // Host-only (no Domain). Path=/ because Remix fetches /operator's data from /operator.data; only /operator
  // requests read it (server/app.server.ts).
  return [`${OPERATOR_COOKIE}=${value}`, "Path=/", `Max-Age=${maxAge}`, "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearOperatorCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

/** The operator whose session cookie came with the request, if it is live. */
export async function readOperatorSession(db: PlatformDb, cookieHeader: string | undefined): Promise<OperatorIdentity | null> {
  const token = /(?:^|;\s*)bazaar_operator=([A-Za-z0-9_-]{43})(?:;|$)/.exec(cookieHeader ?? "")?.[1];
  if (!token) return null;
  const sessionHash = sha256(token);
  const row = await db
    .selectFrom("platform.operator_sessions as s")
    .innerJoin("platform.operators as o", "o.id", "s.operator_id")
    .select(["o.id", "o.email"])
    .where("s.id_hash", "=", sessionHash)
    .where("s.expires_at", ">", new Date())
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, sessionHash } : null;
}

export async function endOperatorSession(db: PlatformDb, sessionHash: string): Promise<void> {
  await db.deleteFrom("platform.operator_sessions").where("id_hash", "=", sessionHash).execute();
}

/**
 * Writes one line of the operator log. Every console action calls it, with the shop it touched.
 *
 * @example
 *   await logOperatorAction(db, operator, { action: "shop.suspend", shopId, detail: "Chargebacks", ip })
 */
export async function logOperatorAction(
  db: PlatformDb,
  operator: { id: string; email: string },
  entry: { action: string; shopId?: string | null; detail?: string; ip?: string },
): Promise<void> {
  await db
    .insertInto("platform.operator_actions")
    .values({
      operator_id: operator.id,
      operator_email: operator.email,
      action: entry.action,
      shop_id: entry.shopId ?? null,
      detail: entry.detail ?? "",
      ip: entry.ip ?? "",
    })
    .execute();
}

/** The operator log, newest first, a page at a time (keyset on the id). */
export function listOperatorActions(db: PlatformDb, { before, limit = 100, shopId }: { before?: string; limit?: number; shopId?: string } = {}) {
  return db
    .selectFrom("platform.operator_actions as a")
    .leftJoin("platform.shops as s", "s.id", "a.shop_id")
    .select(["a.id", "a.operator_email", "a.action", "a.shop_id", "s.name as shop_name", "a.detail", "a.ip", "a.created_at"])
    .$if(Boolean(before), (q) => q.where("a.id", "<", before!))
    .$if(Boolean(shopId), (q) => q.where("a.shop_id", "=", shopId!))
    .orderBy("a.id", "desc")
    .limit(limit)
    .execute();
}

/** Housekeeping for the maintenance job: expired operator sessions. */
export async function purgeExpiredOperatorSessions(db: PlatformDb): Promise<number> {
  const result = await db.deleteFrom("platform.operator_sessions").where("expires_at", "<=", new Date()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
