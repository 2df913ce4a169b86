import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table platform.memberships drop constraint memberships_role_check`.execute(db);
  await sql`alter table platform.memberships add constraint memberships_role_check check (role in ('owner', 'admin', 'staff'))`.execute(db);
  await sql`
    create table platform.invitations (
      id bigint generated always as identity primary key,
      shop_id bigint not null references platform.shops (id) on delete cascade,
      email text not null check (email = lower(email)),
      role text not null check (role in ('admin', 'staff')),
      token_hash text not null unique,
      invited_by text not null references platform.users (id) on delete cascade,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index invitations_shop_id_idx on platform.invitations (shop_id)`.execute(db);
}
