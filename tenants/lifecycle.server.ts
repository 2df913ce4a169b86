import { sql, type Kysely } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { PlatformDatabase, Shop, StatusActorKind } from "../db/types.ts";
import type { DeliverMail } from "../shop/mail.server.ts";
import { nextStatus, STATUS_LABELS, statusExplanation, TRANSITIONS, type LifecycleEvent } from "./lifecycle.ts";
import { announceShopChange } from "./registry.server.ts";
import { forEachShop } from "./sweep.server.ts";

export interface StatusActor {
  kind: StatusActorKind;
  /** The operator's or merchant's email; empty for the system and billing. */
  email?: string;
}

export class LifecycleError extends Error {
  constructor(
    message: string,
    readonly field: "event" | "reason" = "event",
  ) {
    super(message);
  }
}

export interface ChangeOptions {
  actor: StatusActor;
  reason?: string;
  /** extend-trial: the new end of the trial. */
  trialEndsAt?: Date;
  /** e.g. https://bazaar.example, for the link in the owner's email. */
  platformOrigin: string;
  /** The mailer (services.deliverMail, or the worker's): sends the owners' notice now, or queues it for retries. */
  send: DeliverMail;
  now?: Date;
  /** This process's registry cache, dropped at once (others hear the change through NOTIFY). */
  registry?: { invalidate(): void };
}

export const REASON_MAX_LENGTH = 500;

/** The operator's lifecycle settings (trial length, grace period, retention of closed shops). */
export async function readOperatorSettings(db: Kysely<PlatformDatabase>) {
  return db.selectFrom("platform.operator_settings").select(["trial_days", "grace_days", "retention_days"]).executeTakeFirstOrThrow();
}

export type OperatorSettings = Awaited<ReturnType<typeof readOperatorSettings>>;

export async function updateOperatorSettings(db: PlatformDb, settings: OperatorSettings): Promise<void> {
  await db
    .updateTable("platform.operator_settings")
    .set({ ...settings, updated_at: new Date() })
    .execute();
}

const DAY = 86_400_000;

/** A new shop's free trial, as long as the operator's setting says; called in the signup's transaction. */
export async function startTrial(trx: Kysely<PlatformDatabase>, shopId: string, now = new Date()): Promise<Shop> {
  const { trial_days } = await readOperatorSettings(trx);
  return trx
    .updateTable("platform.shops")
    .set({ status: "trial", trial_ends_at: new Date(now.getTime() + trial_days * DAY), status_changed_at: now })
    .where("id", "=", shopId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Moves a shop through one lifecycle event: checks that the event applies to the shop's current state and that
 * this kind of actor may start it, writes the new state and the history row in one transaction (the shop row
 * locked, so concurrent changes take turns), tells every process's registry cache, then emails the owners.
 *
 * @example
 *   await changeShopStatus(db, shop.id, "suspend", { actor: { kind: "operator", email }, reason: "Counterfeit goods", platformOrigin })
 */
export async function changeShopStatus(db: PlatformDb, shopId: string, event: LifecycleEvent, options: ChangeOptions): Promise<Shop> {
  const transition = TRANSITIONS[event];
  const reason = (options.reason ?? "").trim();
  const now = options.now ?? new Date();
  if (!transition.by.includes(options.actor.kind)) throw new LifecycleError("You can't do this to a shop.");
  if (transition.reasonRequired && !reason) throw new LifecycleError("Give a reason: the merchant sees it.", "reason");
  if (reason.length > REASON_MAX_LENGTH) throw new LifecycleError(`Keep the reason under ${REASON_MAX_LENGTH} characters.`, "reason");
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(reason)) throw new LifecycleError("The reason has characters that can't be shown.", "reason");

  const shop = await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("platform.shops").selectAll().where("id", "=", shopId).forUpdate().executeTakeFirst();
    if (!current) throw new LifecycleError("There is no such shop.");
    if (current.purged_at) throw new LifecycleError("This shop's data has been deleted.");
    const to = nextStatus(event, current);
    if (!to) throw new LifecycleError(`A shop that is ${STATUS_LABELS[current.status].toLowerCase()} can't be ${pastTense(event)}.`);
    const settings = await readOperatorSettings(trx);
    const updated = await trx
      .updateTable("platform.shops")
      .set({
        status: to,
        status_reason: reason,
        status_changed_at: now,
        resume_status: transition.remember ? current.status : null,
        ...(event === "extend-trial" ? { trial_ends_at: options.trialEndsAt ?? new Date(now.getTime() + settings.trial_days * DAY) } : {}),
        ...(to === "active" ? { payment_overdue_since: null } : {}),
        purge_after: to === "closed" ? new Date(now.getTime() + settings.retention_days * DAY) : null,
      })
      .where("id", "=", shopId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("platform.shop_status_changes")
      .values({
        shop_id: shopId,
        event,
        from_status: current.status,
        to_status: to,
        reason,
        actor_kind: options.actor.kind,
        actor_email: options.actor.email ?? "",
      })
      .execute();
    // Delivered on commit: every process drops its cached copy of the shop.
    await announceShopChange(trx, shopId);
    return updated;
  });
  options.registry?.invalidate();
  await notifyOwners(db, shop, options).catch((error) => console.error(`could not email the owners of shop ${shop.id} about its ${event}:`, error));
  return shop;
}

function pastTense(event: LifecycleEvent): string {
  const words: Record<LifecycleEvent, string> = {
    activate: "activated",
    pause: "paused",
    resume: "resumed",
    freeze: "frozen",
    unfreeze: "unfrozen",
    suspend: "suspended",
    reactivate: "reactivated",
    "extend-trial": "given a longer trial",
    close: "closed",
    reopen: "reopened",
  };
  return words[event];
}

async function notifyOwners(db: PlatformDb, shop: Shop, { platformOrigin, send }: ChangeOptions): Promise<void> {
  const owners = await db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select("u.email")
    .where("m.shop_id", "=", shop.id)
    .where("m.role", "=", "owner")
    .execute();
  const link = `${platformOrigin}/admin/${encodeURIComponent(shop.slug)}/billing`;
  for (const { email } of owners) {
    await send({
      to: email,
      subject: `${shop.name}: ${STATUS_LABELS[shop.status].toLowerCase()}`,
      text: `${statusExplanation(shop)}\n\nYour shop's status and history: ${link}\n\nBazaar`,
    });
  }
}

/** A shop's lifecycle history, newest first. */
export function shopStatusHistory(db: PlatformDb, shopId: string, limit = 50) {
  return db
    .selectFrom("platform.shop_status_changes")
    .select(["id", "event", "from_status", "to_status", "reason", "actor_kind", "actor_email", "created_at"])
    .where("shop_id", "=", shopId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Freezes every shop whose trial ended, or whose unpaid invoice is older than the grace period. Run by the
 * maintenance job; returns how many shops it froze.
 */
export async function freezeLapsedShops(db: PlatformDb, { platformOrigin, now = new Date(), send }: Omit<ChangeOptions, "actor" | "reason">): Promise<number> {
  const { grace_days } = await readOperatorSettings(db);
  const overdueBefore = new Date(now.getTime() - grace_days * DAY);
  const lapsed = await db
    .selectFrom("platform.shops")
    .select(["id", "status", "trial_ends_at"])
    .where("status", "in", ["trial", "active", "paused"])
    .where((eb) => eb.or([eb.and([eb("status", "=", "trial"), eb("trial_ends_at", "<=", now)]), eb("payment_overdue_since", "<=", overdueBefore)]))
    .execute();
  let frozen = 0;
  await forEachShop("freeze-lapsed-shops", lapsed, async (shop) => {
    const trialEnded = shop.status === "trial" && shop.trial_ends_at && shop.trial_ends_at <= now;
    const reason = trialEnded ? "Your free trial ended without a plan." : `An invoice is unpaid ${grace_days} days after it was due.`;
    try {
      await changeShopStatus(db, shop.id, "freeze", { actor: { kind: "system" }, reason, platformOrigin, now, send });
      frozen++;
    } catch (error) {
      // Changed meanwhile (paid, suspended): the next run looks again.
      if (!(error instanceof LifecycleError)) throw error;
    }
  });
  return frozen;
}

/**
 * Drops the schema of every closed shop whose retention period is over; the registry row and its history stay,
 * marked purged, so the console still shows what happened. Returns how many shops were purged.
 */
export async function purgeClosedShops(db: PlatformDb, now = new Date()): Promise<number> {
  const due = await db
    .selectFrom("platform.shops")
    .select(["id"])
    .where("status", "=", "closed")
    .where("purged_at", "is", null)
    .where("purge_after", "<=", now)
    .execute();
  let purged = 0;
  await forEachShop("purge-closed-shops", due, async ({ id }) => {
    const done = await db.transaction().execute(async (trx) => {
      // Locked and checked again: an operator may have reopened it meanwhile.
      const shop = await trx.selectFrom("platform.shops").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
      if (!shop || shop.status !== "closed" || shop.purged_at || !shop.purge_after || shop.purge_after > now) return false;
      await sql`drop schema if exists ${sql.id(shop.schema_name)} cascade`.execute(trx);
      await trx.updateTable("platform.shops").set({ purged_at: now }).where("id", "=", id).execute();
      await trx
        .insertInto("platform.shop_status_changes")
        .values({
          shop_id: id,
          event: "purge",
          from_status: "closed",
          to_status: "closed",
          reason: "Retention period over: data deleted.",
          actor_kind: "system",
        })
        .execute();
      return true;
    });
    if (done) purged++;
  });
  return purged;
}
