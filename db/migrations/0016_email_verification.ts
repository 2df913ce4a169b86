import { sql, type Kysely } from "kysely";

/**
 * Merchants verify their email before their shop can launch (docs/decisions/037-email-verification.md). The reset
 * links' table becomes every mailed account link's table, told apart by `purpose`, so both kinds are stored hashed,
 * expire and work once in one way. Accounts made before this migration count as verified from their creation: they
 * were made before anyone was asked, many already have launched shops, and mail has reached them since.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table platform.users add column email_verified_at timestamptz`.execute(db);
  await sql`update platform.users set email_verified_at = created_at`.execute(db);
  await sql`alter table platform.password_resets rename to account_links`.execute(db);
  await sql`alter index platform.password_resets_user_idx rename to account_links_user_idx`.execute(db);
  await sql`alter table platform.account_links rename constraint password_resets_pkey to account_links_pkey`.execute(db);
  await sql`alter table platform.account_links rename constraint password_resets_user_id_fkey to account_links_user_id_fkey`.execute(db);
  await sql`
    alter table platform.account_links
      add column purpose text not null default 'password' check (purpose in ('password', 'email'))`.execute(db);
  await sql`alter table platform.account_links alter column purpose drop default`.execute(db);
}
