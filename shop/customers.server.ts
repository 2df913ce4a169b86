import { sql } from "kysely";
import type { TenantDb } from "../tenants/handle.server.ts";
import { customerDisplayName, likePattern, parsePage, SALE_STATUSES } from "./orders.server.ts";

export const CUSTOMER_SORTS = ["newest", "oldest", "orders", "spend"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export const CUSTOMERS_PER_PAGE = 25;

export interface CustomerFilters {
  q: string;
  sort: CustomerSort;
  page: number;
}

export function parseCustomerFilters(params: URLSearchParams): CustomerFilters {
  const sort = params.get("sort");
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    sort: CUSTOMER_SORTS.find((s) => s === sort) ?? "newest",
    page: parsePage(params.get("page")),
  };
}

/**
 * Per customer: every order placed, and the spend of the orders that count as sales in the
 * shop's currency (orders in a currency the shop used before are counted but not summed).
 */
function orderStats(db: TenantDb, currency: string) {
  return db
    .selectFrom("orders")
    .select((eb) => [
      "customer_id",
      eb.fn.countAll<string>().as("order_count"),
      eb.fn
        .coalesce(
          eb.fn.sum<string>("total").filterWhere((f) => f.and([f("financial_status", "in", SALE_STATUSES), f("currency", "=", currency)])),
          eb.val("0"),
        )
        .as("spend"),
    ])
    .where("customer_id", "is not", null)
    .groupBy("customer_id");
}

export interface CustomerSummary {
  id: string;
  name: string;
  email: string | null;
  deleted: boolean;
  orderCount: number;
  /** Minor units of the shop's currency. */
  spend: string;
  createdAt: Date;
}

export async function listCustomers(
  db: TenantDb,
  filters: CustomerFilters,
  currency: string,
  perPage = CUSTOMERS_PER_PAGE,
): Promise<{ customers: CustomerSummary[]; total: number; page: number; pageCount: number }> {
  let query = db.selectFrom("customers as c").leftJoin(orderStats(db, currency).as("s"), "s.customer_id", "c.id");
  if (filters.q) {
    const pattern = likePattern(filters.q);
    query = query.where((eb) =>
      eb.and([
        eb("c.deleted_at", "is", null),
        eb.or([eb("c.email", "ilike", pattern), eb(sql<string>`c.first_name || ' ' || c.last_name`, "ilike", pattern), eb("c.phone", "ilike", pattern)]),
      ]),
    );
  }
  const { count } = await query.select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow();
  const total = Number(count);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(filters.page, pageCount);
  const orderCount = sql<string>`coalesce(s.order_count, 0)`;
  const spend = sql<string>`coalesce(s.spend, 0)`;
  let sorted = query
    .select(["c.id", "c.email", "c.first_name", "c.last_name", "c.deleted_at", "c.created_at"])
    .select([orderCount.as("order_count"), spend.as("spend")]);
  if (filters.sort === "orders") sorted = sorted.orderBy(orderCount, "desc").orderBy("c.id", "desc");
  else if (filters.sort === "spend") sorted = sorted.orderBy(spend, "desc").orderBy("c.id", "desc");
  else sorted = sorted.orderBy("c.created_at", filters.sort === "oldest" ? "asc" : "desc").orderBy("c.id", filters.sort === "oldest" ? "asc" : "desc");
  const rows = await sorted
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return {
    customers: rows.map((row) => ({
      id: row.id,
      name: customerDisplayName(row),
      email: row.deleted_at ? null : row.email,
      deleted: Boolean(row.deleted_at),
      orderCount: Number(row.order_count),
      spend: String(row.spend),
      createdAt: row.created_at,
    })),
    total,
    page,
    pageCount,
  };
}

/** A customer with their orders and lifetime figures; a deleted customer keeps their orders but not their details. */
export async function getCustomer(db: TenantDb, id: string, currency: string) {
  if (!/^\d{1,18}$/.test(id)) return null;
  const customer = await db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!customer) return null;
  const deleted = Boolean(customer.deleted_at);
  const [stats, orders, addresses] = await Promise.all([
    orderStats(db, currency).where("customer_id", "=", id).executeTakeFirst(),
    db
      .selectFrom("orders")
      .select(["id", "number", "currency", "total", "financial_status", "fulfillment_status", "created_at"])
      .where("customer_id", "=", id)
      .orderBy("id", "desc")
      .limit(100)
      .execute(),
    deleted
      ? Promise.resolve([])
      : db.selectFrom("customer_addresses").selectAll().where("customer_id", "=", id).orderBy("is_default", "desc").orderBy("id").execute(),
  ]);
  return {
    customer: {
      id: customer.id,
      name: customerDisplayName(customer),
      email: deleted ? null : customer.email,
      phone: deleted ? "" : customer.phone,
      acceptsMarketing: !deleted && customer.accepts_marketing,
      deleted,
      createdAt: customer.created_at,
      deletedAt: customer.deleted_at,
    },
    orderCount: Number(stats?.order_count ?? 0),
    lifetimeSpend: String(stats?.spend ?? "0"),
    orders,
    addresses,
  };
}
