import type { Shop, ShopStatus, StatusActorKind } from "../db/types.ts";

/**
 * The shop lifecycle as a state machine (docs/decisions/016-shop-lifecycle.md), modelled on Shopify's store states.
 * Plain data, shared by the server (which enforces it) and the pages (which explain it).
 *
 * @example
 *   accessFor("paused").checkout   // false: the storefront is up, checkout is closed
 *   nextStatus("suspend", { status: "active", resume_status: null })   // "suspended"
 */

export const SHOP_STATUSES = ["trial", "active", "paused", "frozen", "suspended", "closed"] as const satisfies readonly ShopStatus[];

/** What a shop in a state may do. Enforced in one place each: the server entry, the admin guard, the shop-job worker. */
export interface StateAccess {
  /** "unavailable" and "closed" answer every storefront address with a plain 503 / 410 page. */
  storefront: "open" | "unavailable" | "closed";
  checkout: boolean;
  /** "billing": only the billing page; "notice": only the billing page's notice, no billing actions. */
  admin: "full" | "billing" | "notice";
  /** Background jobs for the shop (imports, recommendations, …) run; otherwise the worker skips them. */
  jobs: boolean;
}

const ACCESS: Record<ShopStatus, StateAccess> = {
  trial: { storefront: "open", checkout: true, admin: "full", jobs: true },
  active: { storefront: "open", checkout: true, admin: "full", jobs: true },
  paused: { storefront: "open", checkout: false, admin: "full", jobs: true },
  frozen: { storefront: "unavailable", checkout: false, admin: "billing", jobs: false },
  suspended: { storefront: "unavailable", checkout: false, admin: "notice", jobs: false },
  closed: { storefront: "closed", checkout: false, admin: "notice", jobs: false },
};

export function accessFor(status: ShopStatus): StateAccess {
  return ACCESS[status];
}

const ADMIN_LEVELS: StateAccess["admin"][] = ["notice", "billing", "full"];

/** Does a shop in this state open an admin page that needs `needed`? */
export function adminAllows(status: ShopStatus, needed: StateAccess["admin"]): boolean {
  return ADMIN_LEVELS.indexOf(ACCESS[status].admin) >= ADMIN_LEVELS.indexOf(needed);
}

export type LifecycleEvent = "activate" | "pause" | "resume" | "freeze" | "unfreeze" | "suspend" | "reactivate" | "extend-trial" | "close" | "reopen";

interface Transition {
  from: readonly ShopStatus[];
  /** A fixed target, or "resume": back to the state the shop was in before (kept in `resume_status`). */
  to: ShopStatus | "resume";
  by: readonly StatusActorKind[];
  /** The reason is shown to the merchant and kept in the history. */
  reasonRequired: boolean;
  /** Remember the state left, to go back to it later. */
  remember?: boolean;
}

const LIVE: readonly ShopStatus[] = ["trial", "active", "paused"];

export const TRANSITIONS: Record<LifecycleEvent, Transition> = {
  // A subscription started: the trial (or a frozen shop's debt) is over.
  activate: { from: ["trial"], to: "active", by: ["billing", "operator"], reasonRequired: false },
  pause: { from: ["active"], to: "paused", by: ["merchant", "operator"], reasonRequired: false },
  resume: { from: ["paused"], to: "active", by: ["merchant", "operator"], reasonRequired: false },
  // The trial ended without a plan, or an invoice stayed unpaid past the grace period.
  freeze: { from: LIVE, to: "frozen", by: ["system", "billing"], reasonRequired: true, remember: true },
  unfreeze: { from: ["frozen"], to: "active", by: ["billing", "operator"], reasonRequired: false },
  suspend: { from: [...LIVE, "frozen"], to: "suspended", by: ["operator"], reasonRequired: true, remember: true },
  reactivate: { from: ["suspended"], to: "resume", by: ["operator"], reasonRequired: true },
  "extend-trial": { from: ["trial", "frozen"], to: "trial", by: ["operator"], reasonRequired: false },
  close: { from: [...LIVE, "frozen", "suspended"], to: "closed", by: ["merchant", "operator"], reasonRequired: false, remember: true },
  reopen: { from: ["closed"], to: "resume", by: ["operator"], reasonRequired: true },
};

/** The state an event leads to from `shop`'s, or null when the event doesn't apply there. */
export function nextStatus(event: LifecycleEvent, shop: { status: ShopStatus; resume_status: ShopStatus | null }): ShopStatus | null {
  const transition = TRANSITIONS[event];
  if (!transition.from.includes(shop.status)) return null;
  if (transition.to !== "resume") return transition.to;
  // A suspension of a closed-then-reopened shop never resumes into "suspended" or "closed".
  const back = shop.resume_status ?? "active";
  return back === "suspended" || back === "closed" ? "active" : back;
}

/** The events an actor may start from a state: the console's and the admin's buttons. */
export function availableEvents(status: ShopStatus, actor: StatusActorKind): LifecycleEvent[] {
  return (Object.keys(TRANSITIONS) as LifecycleEvent[]).filter((e) => TRANSITIONS[e].from.includes(status) && TRANSITIONS[e].by.includes(actor));
}

export const STATUS_LABELS: Record<ShopStatus, string> = {
  trial: "Free trial",
  active: "Active",
  paused: "Paused",
  frozen: "Frozen",
  suspended: "Suspended",
  closed: "Closed",
};

export const EVENT_LABELS: Record<LifecycleEvent, string> = {
  activate: "Activate",
  pause: "Pause",
  resume: "Resume",
  freeze: "Freeze",
  unfreeze: "Unfreeze",
  suspend: "Suspend",
  reactivate: "Reactivate",
  "extend-trial": "Extend trial",
  close: "Close",
  reopen: "Reopen",
};

/** What the owner reads, in the email and on the admin's billing page: what happened, and what to do. */
export function statusExplanation(shop: Pick<Shop, "status" | "status_reason" | "trial_ends_at" | "purge_after">): string {
  const reason = shop.status_reason ? ` Reason: ${shop.status_reason}` : "";
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : "");
  switch (shop.status) {
    case "trial":
      return `Your free trial runs until ${day(shop.trial_ends_at)}. Choose a plan on the billing page to keep selling after that.`;
    case "active":
      return "Your shop is open: the storefront is up and checkout takes orders.";
    case "paused":
      return "Your shop is paused: shoppers can browse the storefront, but checkout is closed. Resume the shop to take orders again.";
    case "frozen":
      return `Your shop is frozen: shoppers see "Shop unavailable" and the admin is limited to the billing page. Nothing has been deleted.${reason} Pay or choose a plan on the billing page to get your shop back at once.`;
    case "suspended":
      return `Bazaar has suspended your shop: shoppers see "Shop unavailable" and the admin is closed. Nothing has been deleted.${reason} To resolve it, reply to Bazaar's email about the suspension.`;
    case "closed":
      return `Your shop is closed: the storefront is gone and the admin is closed.${reason} Its data is kept until ${day(shop.purge_after)} and then deleted for good; write to support before then to reopen it.`;
  }
}

/** A history row in words: "Active → Suspended", or what happened when the state stayed ("Plan changed"). */
export function describeStatusChange(change: { event: string; from_status: ShopStatus; to_status: ShopStatus }): string {
  if (change.from_status !== change.to_status) return `${STATUS_LABELS[change.from_status]} → ${STATUS_LABELS[change.to_status]}`;
  if (change.event === "change-plan") return "Plan changed";
  if (change.event === "purge") return "Data deleted";
  return change.event in EVENT_LABELS ? EVENT_LABELS[change.event as LifecycleEvent] : change.event;
}
