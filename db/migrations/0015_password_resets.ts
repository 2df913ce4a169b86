import { sql, type Kysely } from "kysely";

/** Merchants' password reset links: only the SHA-256 of each token is kept; a link works once, for an hour. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.password_resets (
      token_hash text primary key,
      user_id text not null references platform.users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index password_resets_user_idx on platform.password_resets (user_id)`.execute(db);
}
