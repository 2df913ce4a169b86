import { Lucia, TimeSpan, type Session, type User } from "lucia";
import { sql } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import { KyselySessionAdapter } from "./auth-adapter.server.ts";

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string };
  }
}

export type MerchantUser = User;
export type MerchantSession = Session;

function createLucia(db: PlatformDb, secure: boolean) {
  return new Lucia(new KyselySessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(30, "d"),
    // No `domain`: the cookie stays on the platform host and never reaches shop subdomains.
    sessionCookie: { name: "bazaar_session", attributes: { secure, sameSite: "lax" } },
    getUserAttributes: (attributes) => ({ email: attributes.email }),
  });
}

// Failed logins allowed per window, per account and per client address.
const THROTTLE_WINDOW = "15 minutes";
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_ADDRESS = 20;

/** Our small auth module: the rest of Bazaar never touches Lucia directly. */
export class Auth {
  private readonly lucia: ReturnType<typeof createLucia>;

  constructor(
    private readonly db: PlatformDb,
    { secureCookies }: { secureCookies: boolean },
  ) {
    this.lucia = createLucia(db, secureCookies);
  }

  /** The session from a Cookie header, with a Set-Cookie value when it was extended or is gone. */
  async readSession(cookieHeader: string | undefined): Promise<{ user: MerchantUser | null; session: MerchantSession | null; setCookie: string | null }> {
    const sessionId = this.lucia.readSessionCookie(cookieHeader ?? "");
    if (!sessionId) return { user: null, session: null, setCookie: null };
    const { user, session } = await this.lucia.validateSession(sessionId);
    if (!session) return { user: null, session: null, setCookie: this.lucia.createBlankSessionCookie().serialize() };
    const setCookie = session.fresh ? this.lucia.createSessionCookie(session.id).serialize() : null;
    return { user, session, setCookie };
  }

  /** Starts a session; returns the Set-Cookie header value. */
  async logIn(userId: string): Promise<string> {
    const session = await this.lucia.createSession(userId, {});
    return this.lucia.createSessionCookie(session.id).serialize();
  }

  /** Ends a session; returns the Set-Cookie header value that clears it. */
  async logOut(sessionId: string): Promise<string> {
    await this.lucia.invalidateSession(sessionId);
    return this.lucia.createBlankSessionCookie().serialize();
  }

  /** True when either the account or the address has too many recent failures. */
  async loginThrottled(email: string, address: string): Promise<boolean> {
    const rows = await this.db
      .selectFrom("platform.login_attempts")
      .select(["throttle_key", (eb) => eb.fn.countAll<string>().as("failures")])
      .where("throttle_key", "in", [`account:${email}`, `address:${address}`])
      .where("attempted_at", ">", sql<Date>`now() - ${THROTTLE_WINDOW}::interval`)
      .groupBy("throttle_key")
      .execute();
    return rows.some((r) => Number(r.failures) >= (r.throttle_key.startsWith("account:") ? MAX_FAILURES_PER_ACCOUNT : MAX_FAILURES_PER_ADDRESS));
  }

  async recordLoginFailure(email: string, address: string): Promise<void> {
    await this.db
      .insertInto("platform.login_attempts")
      .values([{ throttle_key: `account:${email}` }, { throttle_key: `address:${address}` }])
      .execute();
  }

  /** A successful login forgives the account's earlier failures (not the address's). */
  async clearLoginFailures(email: string): Promise<void> {
    await this.db.deleteFrom("platform.login_attempts").where("throttle_key", "=", `account:${email}`).execute();
  }
}

/** Housekeeping, run by the maintenance job: expired sessions and login failures outside the window. */
export async function purgeExpiredAuthRecords(db: PlatformDb): Promise<{ sessions: number; loginAttempts: number }> {
  const sessions = await db.deleteFrom("platform.sessions").where("expires_at", "<=", new Date()).executeTakeFirst();
  const attempts = await db
    .deleteFrom("platform.login_attempts")
    .where("attempted_at", "<=", sql<Date>`now() - ${THROTTLE_WINDOW}::interval`)
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), loginAttempts: Number(attempts.numDeletedRows) };
}
