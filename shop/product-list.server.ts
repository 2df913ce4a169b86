import { sql } from "kysely";
import type { ProductStatus } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { PRODUCT_STATUSES } from "./products.server.ts";

export const PAGE_SIZE = 50;

export const PRODUCT_SORTS = ["updated", "created", "title", "inventory"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
export type SortDirection = "asc" | "desc";

export interface ProductListQuery {
  /** Matches title, handle, vendor or any variant's SKU, ignoring case. */
  q: string;
  status: ProductStatus | null;
  vendor: string;
  productType: string;
  tag: string;
  sort: ProductSort;
  direction: SortDirection;
  /** 1-based. */
  page: number;
}

export interface ProductListRow {
  id: string;
  title: string;
  handle: string;
  status: ProductStatus;
  vendor: string;
  productType: string;
  tags: string[];
  updatedAt: Date;
  variantCount: number;
  /** Sum over variants. */
  inventory: number;
  /** Minor units; null for a product without variants. */
  minPrice: string | null;
  maxPrice: string | null;
}

/** `%text%` for ILIKE, with the user's own % _ and \ matched literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/** "title-asc" → ["title", "asc"]; unknown orders give the default, newest changes first. */
export function readSort<S extends string>(value: string | null, sorts: readonly S[], fallback: S): { sort: S; direction: SortDirection } {
  const [sort, direction] = (value ?? "").split("-");
  if (!(sorts as readonly string[]).includes(sort) || (direction !== "asc" && direction !== "desc")) return { sort: fallback, direction: "desc" };
  return { sort: sort as S, direction };
}

export function readPage(value: string | null): number {
  const page = Number(value ?? "1");
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** Reads a list query from URL search params, falling back to defaults for anything unknown. */
export function readProductListQuery(params: URLSearchParams): ProductListQuery {
  const status = params.get("status");
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    status: (PRODUCT_STATUSES as readonly string[]).includes(status ?? "") ? (status as ProductStatus) : null,
    vendor: params.get("vendor") ?? "",
    productType: params.get("type") ?? "",
    tag: params.get("tag") ?? "",
    ...readSort(params.get("sort"), PRODUCT_SORTS, "updated"),
    page: readPage(params.get("page")),
  };
}

/** One page of the shop's products matching the query, and how many match in all. */
export async function listProducts(db: TenantDb, query: ProductListQuery): Promise<{ products: ProductListRow[]; total: number; pageCount: number }> {
  const filtered = db.selectFrom("products as p").where((eb) => {
    const conditions = [];
    if (query.q) {
      const pattern = containsPattern(query.q);
      conditions.push(
        eb.or([
          eb("p.title", "ilike", pattern),
          eb("p.handle", "ilike", pattern),
          eb("p.vendor", "ilike", pattern),
          eb.exists(eb.selectFrom("variants as sv").select("sv.id").whereRef("sv.product_id", "=", "p.id").where("sv.sku", "ilike", pattern)),
        ]),
      );
    }
    if (query.status) conditions.push(eb("p.status", "=", query.status));
    if (query.vendor) conditions.push(eb("p.vendor", "=", query.vendor));
    if (query.productType) conditions.push(eb("p.product_type", "=", query.productType));
    if (query.tag) conditions.push(eb("p.tags", "@>", sql.val([query.tag])));
    return eb.and(conditions);
  });

  const { total } = await filtered.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow();
  const sortColumn = { updated: "p.updated_at", created: "p.created_at", title: "p.title", inventory: "v.inventory" } as const;
  const rows = await filtered
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("variants")
          .whereRef("variants.product_id", "=", "p.id")
          .select((v) => [
            v.fn.coalesce(v.fn.sum<string>("variants.inventory_quantity"), sql.lit(0)).as("inventory"),
            v.fn.countAll<string>().as("variant_count"),
            v.fn.min("variants.price").as("min_price"),
            v.fn.max("variants.price").as("max_price"),
          ])
          .as("v"),
      (join) => join.onTrue(),
    )
    .select([
      "p.id",
      "p.title",
      "p.handle",
      "p.status",
      "p.vendor",
      "p.product_type",
      "p.tags",
      "p.updated_at",
      "v.inventory",
      "v.variant_count",
      "v.min_price",
      "v.max_price",
    ])
    .orderBy(sortColumn[query.sort], query.direction)
    .orderBy("p.id", query.direction)
    .limit(PAGE_SIZE)
    .offset((query.page - 1) * PAGE_SIZE)
    .execute();

  const count = Number(total);
  return {
    total: count,
    pageCount: Math.max(1, Math.ceil(count / PAGE_SIZE)),
    products: rows.map((r) => ({
      id: r.id,
      title: r.title,
      handle: r.handle,
      status: r.status,
      vendor: r.vendor,
      productType: r.product_type,
      tags: r.tags,
      updatedAt: r.updated_at,
      variantCount: Number(r.variant_count ?? 0),
      inventory: Number(r.inventory ?? 0),
      minPrice: r.min_price ?? null,
      maxPrice: r.max_price ?? null,
    })),
  };
}

/** The vendors, product types and tags in use, for the list's filters. */
export async function productFacets(db: TenantDb): Promise<{ vendors: string[]; productTypes: string[]; tags: string[] }> {
  const [vendors, productTypes, tags] = await Promise.all([
    db.selectFrom("products").select("vendor").distinct().where("vendor", "<>", "").orderBy("vendor").limit(500).execute(),
    db.selectFrom("products").select("product_type").distinct().where("product_type", "<>", "").orderBy("product_type").limit(500).execute(),
    db
      .selectFrom("products")
      .select(sql<string>`unnest(${sql.ref("tags")})`.as("tag"))
      .distinct()
      .orderBy("tag")
      .limit(500)
      .execute(),
  ]);
  return { vendors: vendors.map((r) => r.vendor), productTypes: productTypes.map((r) => r.product_type), tags: tags.map((r) => r.tag) };
}

/** Products for a picker (adding to a collection): title, handle or SKU match, first few only. */
export async function findProducts(db: TenantDb, q: string, limit = 20): Promise<{ id: string; title: string; handle: string; status: ProductStatus }[]> {
  const { products } = await listProducts(db, { q, status: null, vendor: "", productType: "", tag: "", sort: "title", direction: "asc", page: 1 });
  return products.slice(0, limit).map(({ id, title, handle, status }) => ({ id, title, handle, status }));
}
