import { createHash } from "node:crypto";
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { PlatformDb } from "../db/database.server.ts";

/** What the table keeps of a session id: its SHA-256, so a copy of the table holds no usable cookie. */
export function storedSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/**
 * Lucia v3 is unmaintained upstream, so the adapter is ours: plain Kysely on platform.sessions/users. Lucia hands
 * it the id from the cookie; only its hash is stored and looked up (0014_hashed_sessions). Sessions listed by user
 * carry the stored hash, which is no cookie.
 */
export class KyselySessionAdapter implements Adapter {
  constructor(private readonly db: PlatformDb) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.db
      .selectFrom("platform.sessions as s")
      .innerJoin("platform.users as u", "u.id", "s.user_id")
      .select(["s.id", "s.user_id", "s.expires_at", "u.email"])
      .where("s.id", "=", storedSessionId(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    return [
      { id: sessionId, userId: row.user_id, expiresAt: row.expires_at, attributes: {} },
      { id: row.user_id, attributes: { email: row.email } },
    ];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db.selectFrom("platform.sessions").selectAll().where("user_id", "=", userId).execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, expiresAt: r.expires_at, attributes: {} }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.db
      .insertInto("platform.sessions")
      .values({ id: storedSessionId(session.id), user_id: session.userId, expires_at: session.expiresAt })
      .execute();
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable("platform.sessions").set({ expires_at: expiresAt }).where("id", "=", storedSessionId(sessionId)).execute();
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("platform.sessions").where("id", "=", storedSessionId(sessionId)).execute();
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom("platform.sessions").where("user_id", "=", userId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.deleteFrom("platform.sessions").where("expires_at", "<=", new Date()).execute();
  }
}
