import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/** Who did what in the admin, and catalogue imports/exports with their progress and report. */
export const auditAndTransfers: TenantMigration = {
  name: "0005_audit_and_transfers",
  async up(db, schema) {
    const t = (table: string) => sql.id(schema, table);
    await sql`
      create table ${t("audit_events")} (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor_user_id text,
        actor_email text not null,
        action text not null,
        subject_type text not null,
        subject_id text,
        summary text not null default '',
        ip text not null default ''
      )`.execute(db);
    await sql`create index on ${t("audit_events")} (at desc)`.execute(db);
    await sql`
      create table ${t("catalogue_transfers")} (
        id bigint generated always as identity primary key,
        kind text not null check (kind in ('import', 'export')),
        status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
        file_name text not null,
        total_rows int not null default 0,
        processed_rows int not null default 0,
        report jsonb,
        created_by text not null,
        created_at timestamptz not null default now(),
        finished_at timestamptz
      )`.execute(db);
  },
};
