import type { TenantDb } from "../tenants/handle.server.ts";

/** Who is acting, for the audit log: a merchant in the admin, or a system process. */
export interface Actor {
  userId: string | null;
  email: string;
  ip: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, email: "system", ip: "" };

/** Records an admin action. Call it with the same handle (transaction) as the change it describes. */
export async function recordAudit(
  db: TenantDb,
  actor: Actor,
  event: { action: string; subjectType: string; subjectId?: string | null; summary?: string },
): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      actor_user_id: actor.userId,
      actor_email: actor.email,
      action: event.action,
      subject_type: event.subjectType,
      subject_id: event.subjectId ?? null,
      summary: event.summary ?? "",
      ip: actor.ip,
    })
    .execute();
}
