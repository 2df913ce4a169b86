import { sql } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import { SHOP_SORTS, type ShopListQuery } from "./shop-list.ts";

function decodeCursor(cursor: string | null): { value: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    return typeof value === "string" && typeof id === "string" && /^[1-9]\d{0,17}$/.test(id) && value.length <= 300 ? { value, id } : null;
  } catch {
    return null;
  }
}

const encodeCursor = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString("base64url");

/**
 * One page of shops. Keyset pagination on (sort value, id), so page 200 costs what page 1 does; the sort columns
 * are indexed (0008_metering), and a search uses the trigram index on name and slug.
 *
 * @example
 *   await listShopPage(db, readShopListQuery(new URL(request.url).searchParams))
 */
export async function listShopPage(db: PlatformDb, query: ShopListQuery, pageSize = 50) {
  const { column } = SHOP_SORTS[query.sort];
  const cursor = decodeCursor(query.after);
  const op = query.dir === "asc" ? sql.raw(">") : sql.raw("<");
  const order = query.dir === "asc" ? sql.raw("asc") : sql.raw("desc");
  const sortRef = sql.ref(column);
  const cast = query.sort === "gmv" || query.sort === "orders" ? sql.raw("bigint") : query.sort === "name" ? sql.raw("text") : sql.raw("timestamptz");
  let rows = db
    .selectFrom("platform.shops as s")
    .innerJoin("platform.shop_usage as u", "u.shop_id", "s.id")
    .innerJoin("platform.plans as p", "p.id", "s.plan")
    .select([
      "s.id",
      "s.slug",
      "s.name",
      "s.status",
      "s.plan",
      "p.name as plan_name",
      "s.created_at",
      "u.gmv",
      "u.orders",
      "u.currency",
      "u.last_activity_at",
      sql<string>`${sortRef}::text`.as("sort_value"),
    ])
    .orderBy(sql`${sortRef} ${order}`)
    .orderBy(sql`s.id ${order}`)
    .limit(pageSize + 1);
  if (query.q) {
    const pattern = `%${query.q.replace(/[%_\\]/g, "\\$&")}%`;
    rows = rows.where((eb) => eb.or([eb("s.slug", "like", pattern), eb(eb.fn("lower", ["s.name"]), "like", pattern)]));
  }
  if (query.status) rows = rows.where("s.status", "=", query.status);
  if (query.plan) rows = rows.where("s.plan", "=", query.plan);
  if (cursor) rows = rows.where(sql<boolean>`(${sortRef}, s.id) ${op} (${cursor.value}::${cast}, ${cursor.id}::bigint)`);
  const found = await rows.execute();
  const page = found.slice(0, pageSize);
  const last = page[page.length - 1];
  return { shops: page, next: found.length > pageSize && last ? encodeCursor(last.sort_value, last.id) : null };
}
