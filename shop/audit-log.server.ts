import type { TenantDb } from "../tenants/handle.server.ts";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditQuery {
  /** Exact action, e.g. "member.removed". */
  action?: string;
  /** Exact actor email. */
  actor?: string;
  /** Events older than this id (the next page). */
  before?: string;
  /** Events newer than this id (the previous page). */
  after?: string;
  limit?: number;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actorEmail: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  summary: string;
  ip: string;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Cursor for newer events, or null on the first page. */
  newer: string | null;
  /** Cursor for older events, or null on the last page. */
  older: string | null;
}

const ID = /^\d{1,18}$/;

/**
 * One page of the shop's audit log, newest first, optionally filtered by
 * action and actor. Pages are cut by id (keyset), so a deep page costs the
 * same as the first and new events don't shift what a page shows.
 */
export async function listAuditEvents(db: TenantDb, query: AuditQuery = {}): Promise<AuditPage> {
  const limit = query.limit ?? AUDIT_PAGE_SIZE;
  const before = query.before && ID.test(query.before) ? query.before : undefined;
  const after = !before && query.after && ID.test(query.after) ? query.after : undefined;

  let select = db
    .selectFrom("audit_events")
    .select(["id", "at", "actor_email as actorEmail", "action", "subject_type as subjectType", "subject_id as subjectId", "summary", "ip"]);
  if (query.action) select = select.where("action", "=", query.action);
  if (query.actor) select = select.where("actor_email", "=", query.actor);
  if (before) select = select.where("id", "<", before);
  if (after) select = select.where("id", ">", after);
  // Going back a page reads upwards from the cursor, then flips the rows into newest-first order.
  const rows = await select
    .orderBy("id", after ? "asc" : "desc")
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const events = rows.slice(0, limit);
  if (after) events.reverse();

  const first = events[0]?.id ?? null;
  const last = events.at(-1)?.id ?? null;
  return {
    events,
    newer: after ? (more ? first : null) : before ? first : null,
    older: after ? last : more ? last : null,
  };
}

/**
 * The distinct values of an indexed column, found by skipping through its
 * index (one probe per value) instead of reading every event: the log can
 * hold millions of rows but only dozens of actions and actors.
 */
async function distinctValues(db: TenantDb, column: "action" | "actor_email"): Promise<string[]> {
  const rows = await db
    .withRecursive("found(value)", (qb) =>
      qb
        .selectFrom("audit_events")
        .select((eb) => eb.fn.min<string | null>(column).as("value"))
        .unionAll((qb) =>
          qb
            .selectFrom("found")
            .select((eb) =>
              eb
                .selectFrom("audit_events")
                .select((eb) => eb.fn.min(column).as("next"))
                .whereRef(column, ">", "found.value")
                .as("value"),
            )
            .where("found.value", "is not", null),
        ),
    )
    .selectFrom("found")
    .select("value")
    .where("value", "is not", null)
    .orderBy("value")
    .execute();
  return rows.flatMap((r) => (r.value === null ? [] : [r.value]));
}

/** The actions and actors that appear in the log, for the filter menus. */
export async function auditFilterOptions(db: TenantDb): Promise<{ actions: string[]; actors: string[] }> {
  const [actions, actors] = await Promise.all([distinctValues(db, "action"), distinctValues(db, "actor_email")]);
  return { actions, actors };
}
