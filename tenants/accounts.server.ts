import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { MemberRole, PlatformDatabase, Shop, User } from "../db/types.ts";
import { isUniqueViolation } from "../db/errors.ts";

export class EmailTakenError extends Error {
  constructor() {
    super("email already registered");
  }
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): string | null {
  return EMAIL_PATTERN.test(email) && email.length <= 254 ? null : "Enter a valid email address.";
}

export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/**
 * A new account. Its email counts as verified unless `emailVerified` is false: only a self-service signup types an
 * address nobody has shown to be theirs; an invitation was mailed to it, and operators, the demo and tests choose it.
 */
export async function createUser(
  db: Kysely<PlatformDatabase>,
  { email, password, emailVerified = true }: { email: string; password: string; emailVerified?: boolean },
): Promise<User> {
  const id = randomBytes(15).toString("base64url");
  try {
    return await db
      .insertInto("platform.users")
      .values({ id, email: normalizeEmail(email), password_hash: await hash(password), email_verified_at: emailVerified ? new Date() : null })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) throw new EmailTakenError();
    throw error;
  }
}

// Verifying against a fixed hash for unknown emails keeps response time from revealing which emails exist.
let decoyHash: Promise<string> | null = null;

export async function verifyCredentials(db: PlatformDb, email: string, password: string): Promise<User | null> {
  const user = await db.selectFrom("platform.users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
  if (!user) {
    decoyHash ??= hash(randomBytes(16).toString("hex"));
    await verify(await decoyHash, password);
    return null;
  }
  return (await verify(user.password_hash, password)) ? user : null;
}

export interface Membership {
  shop: Shop;
  role: MemberRole;
}

export async function listMemberships(db: PlatformDb, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.shops as s", "s.id", "m.shop_id")
    .selectAll("s")
    .select("m.role")
    .where("m.user_id", "=", userId)
    .orderBy("s.name")
    .execute();
  return rows.map(({ role, ...shop }) => ({ shop, role }));
}

export async function findMembership(db: PlatformDb, userId: string, slug: string): Promise<Membership | null> {
  const row = await db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.shops as s", "s.id", "m.shop_id")
    .selectAll("s")
    .select("m.role")
    .where("m.user_id", "=", userId)
    .where("s.slug", "=", slug)
    .executeTakeFirst();
  if (!row) return null;
  const { role, ...shop } = row;
  return { shop, role };
}
