import type { ShopStatus } from "../db/types.ts";
import { SHOP_STATUSES } from "./lifecycle.ts";

/** The console's shop list: searched, filtered and sorted on registry and usage columns only, a page at a time. */

export const SHOP_SORTS = {
  created: { column: "s.created_at", label: "Created" },
  activity: { column: "u.last_activity_at", label: "Last activity" },
  gmv: { column: "u.gmv", label: "GMV" },
  orders: { column: "u.orders", label: "Orders" },
  name: { column: "s.name", label: "Name" },
} as const;

export type ShopSort = keyof typeof SHOP_SORTS;

export interface ShopListQuery {
  q: string;
  status: ShopStatus | null;
  plan: string | null;
  sort: ShopSort;
  dir: "asc" | "desc";
  /** Keyset cursor from the previous page: the last row's sort value and id. */
  after: string | null;
}

/** The list's query from the URL; anything unknown falls back to the default rather than failing. */
export function readShopListQuery(params: URLSearchParams): ShopListQuery {
  const sort = params.get("sort") ?? "";
  const status = params.get("status") ?? "";
  const plan = params.get("plan") ?? "";
  return {
    q: (params.get("q") ?? "").trim().toLowerCase().slice(0, 100),
    status: (SHOP_STATUSES as readonly string[]).includes(status) ? (status as ShopStatus) : null,
    plan: /^[a-z][a-z0-9-]{0,39}$/.test(plan) ? plan : null,
    sort: sort in SHOP_SORTS ? (sort as ShopSort) : "created",
    dir: params.get("dir") === "asc" ? "asc" : "desc",
    after: params.get("after"),
  };
}
