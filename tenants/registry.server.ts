import { sql, type Kysely } from "kysely";
import pg from "pg";
import type { PlatformDb } from "../db/database.server.ts";
import type { PlatformDatabase, Shop } from "../db/types.ts";
import type { HostTarget } from "./hosts.ts";

const CHANGE_CHANNEL = "bazaar_shop_changed";
// Unknown hosts are cached too; the cap keeps a flood of random subdomains from growing memory.
const MAX_CACHED_HOSTS = 10_000;

export async function findShopBySlug(db: PlatformDb, slug: string): Promise<Shop | null> {
  const shop = await db.selectFrom("platform.shops").selectAll().where("slug", "=", slug).executeTakeFirst();
  return shop ?? null;
}

export async function findShopByDomain(db: PlatformDb, hostname: string): Promise<Shop | null> {
  const shop = await db
    .selectFrom("platform.shop_domains as d")
    .innerJoin("platform.shops as s", "s.id", "d.shop_id")
    .selectAll("s")
    .where("d.hostname", "=", hostname)
    .executeTakeFirst();
  return shop ?? null;
}

/**
 * Tells every process's registry cache that a shop's routing facts changed (in a transaction: on commit). The
 * lifecycle (tenants/lifecycle.server.ts) is the only writer of a shop's status.
 */
export async function announceShopChange(db: Kysely<PlatformDatabase>, shopId: string): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${shopId})`.execute(db);
}

/** The shop's display name lives in the registry; cached copies (storefront headers) must hear about it. */
export async function renameShop(db: PlatformDb, shopId: string, name: string): Promise<void> {
  await db.updateTable("platform.shops").set({ name }).where("id", "=", shopId).execute();
  await announceShopChange(db, shopId);
}

export async function addShopDomain(db: PlatformDb, shopId: string, hostname: string): Promise<void> {
  await db.insertInto("platform.shop_domains").values({ shop_id: shopId, hostname: hostname.toLowerCase(), verified_at: null }).execute();
  await announceShopChange(db, shopId);
}

/**
 * Host → shop lookups with a short-lived in-memory cache, so resolving the
 * tenant costs no query on most requests. Changes made through the functions
 * above reach every process at once via LISTEN/NOTIFY; the TTL bounds
 * staleness if a notification is ever missed.
 */
export class ShopRegistry {
  // Promises, so concurrent requests for a host whose entry expired share one registry query.
  private cache = new Map<string, { shop: Promise<Shop | null>; expires: number }>();
  private listener: pg.Client | null = null;

  constructor(
    readonly db: PlatformDb,
    private readonly ttlMs = 5_000,
  ) {}

  async resolve(target: HostTarget): Promise<Shop | null> {
    if (target.kind === "subdomain") return this.cached(`slug:${target.slug}`, () => findShopBySlug(this.db, target.slug));
    if (target.kind === "custom-domain") {
      return this.cached(`domain:${target.hostname}`, () => findShopByDomain(this.db, target.hostname));
    }
    return null;
  }

  invalidate(): void {
    this.cache.clear();
  }

  /** Subscribes to change notifications on a dedicated connection. */
  async listen(databaseUrl: string): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on("notification", () => this.invalidate());
    // A dropped listener means missed notifications: fall back to the TTL.
    client.on("error", () => this.invalidate());
    await client.connect();
    await client.query(`listen ${CHANGE_CHANNEL}`);
    this.listener = client;
  }

  async close(): Promise<void> {
    await this.listener?.end();
    this.listener = null;
  }

  private cached(key: string, load: () => Promise<Shop | null>): Promise<Shop | null> {
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.shop;
    const shop = load();
    if (this.cache.size >= MAX_CACHED_HOSTS) this.cache.clear();
    this.cache.set(key, { shop, expires: now + this.ttlMs });
    // A failed lookup must not be served from the cache.
    shop.catch(() => {
      if (this.cache.get(key)?.shop === shop) this.cache.delete(key);
    });
    return shop;
  }
}
