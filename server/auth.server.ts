import { Lucia, TimeSpan, type Session, type User } from "lucia";
import type { PlatformDb } from "../db/database.server.ts";
import { KyselySessionAdapter } from "./auth-adapter.server.ts";
import { purgeExpiredRateLimits } from "./limits.server.ts";

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
}

/** Housekeeping, run by the maintenance job: expired sessions and throttle counters whose window is over. */
export async function purgeExpiredAuthRecords(db: PlatformDb): Promise<{ sessions: number; rateLimits: number }> {
  const sessions = await db.deleteFrom("platform.sessions").where("expires_at", "<=", new Date()).executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), rateLimits: await purgeExpiredRateLimits(db) };
}
