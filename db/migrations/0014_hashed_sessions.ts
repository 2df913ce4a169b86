import { sql, type Kysely } from "kysely";

/**
 * Merchant sessions are stored as the SHA-256 of the id in the cookie (server/auth-adapter.server.ts), as shopper
 * and operator sessions already are: a copy of the table holds no usable session. Existing sessions are hashed in
 * place, so everyone stays signed in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update platform.sessions set id = encode(sha256(convert_to(id, 'UTF8')), 'hex')`.execute(db);
}
