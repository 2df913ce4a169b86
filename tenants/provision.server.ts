import { sql, type Transaction } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { PlatformDatabase, Shop } from "../db/types.ts";
import { tenantDb } from "./handle.server.ts";
import { tenantMigrations } from "./migrations/index.ts";
import { migrateSchemaInTransaction, type TenantMigration } from "./migrator.server.ts";
import { slugProblem, type SlugProblem } from "./slugs.ts";

export class SlugUnavailableError extends Error {
  constructor(readonly problem: SlugProblem | "taken") {
    super(`slug unavailable: ${problem}`);
  }
}

export interface NewShop {
  slug: string;
  name: string;
  ownerId: string;
}

/**
 * Takes the oldest spare shop nobody else is claiming. Its row stays locked
 * until the caller's transaction ends, and a rollback puts it back.
 */
async function claimSpareShop(trx: Transaction<PlatformDatabase>): Promise<string | null> {
  const spare = await trx
    .deleteFrom("platform.spare_shops")
    .where("id", "=", (eb) => eb.selectFrom("platform.spare_shops").select("id").orderBy("id").limit(1).forUpdate().skipLocked())
    .returning("id")
    .executeTakeFirst();
  return spare?.id ?? null;
}

/**
 * Creates the registry row, the shop's schema with every tenant migration, and
 * the owner's membership inside the caller's transaction: if anything fails,
 * none of it exists. A spare shop, when one is ready, supplies the schema; it
 * is brought up to date in the same transaction (a spare made before a deploy
 * may lack the newest migrations), so either way the shop is complete.
 * `spare: false` makes a new schema with exactly `migrations` (a restore loads
 * an older bundle at its own level, where a spare would already be newer).
 */
export async function provisionShopInTransaction(
  trx: Transaction<PlatformDatabase>,
  { slug, name, ownerId }: NewShop,
  migrations: readonly TenantMigration[] = tenantMigrations,
  { spare = true }: { spare?: boolean } = {},
): Promise<Shop> {
  const problem = slugProblem(slug);
  if (problem) throw new SlugUnavailableError(problem);
  const spareId = spare ? await claimSpareShop(trx) : null;
  let shop: Shop;
  try {
    shop = spareId
      ? // Kysely has no builder for OVERRIDING SYSTEM VALUE; the spare's id came from this column's own sequence.
        (await sql<Shop>`insert into platform.shops (id, slug, name) overriding system value values (${spareId}, ${slug}, ${name}) returning *`.execute(trx))
          .rows[0]
      : await trx.insertInto("platform.shops").values({ slug, name }).returningAll().executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, "shops_slug_key")) throw new SlugUnavailableError("taken");
    throw error;
  }
  if (!spareId) await sql`create schema ${sql.id(shop.schema_name)}`.execute(trx);
  await migrateSchemaInTransaction(trx, shop.schema_name, migrations);
  await tenantDb(trx, shop.schema_name).insertInto("settings").values({ headline: name }).execute();
  await trx.insertInto("platform.memberships").values({ user_id: ownerId, shop_id: shop.id, role: "owner" }).execute();
  // Its usage row (tenants/metering.server.ts), so the console's lists sort every shop by usage.
  await trx.insertInto("platform.shop_usage").values({ shop_id: shop.id }).execute();
  return shop;
}

export function provisionShop(db: PlatformDb, input: NewShop, migrations: readonly TenantMigration[] = tenantMigrations): Promise<Shop> {
  return db.transaction().execute((trx) => provisionShopInTransaction(trx, input, migrations));
}

// First key of the two-int advisory lock that serialises refills; its own class, apart from the
// migrator's ("bazr", keyed by schema) and from BullMQ's single-key locks in the same database.
const SPARE_POOL_LOCK_NAMESPACE = 0x6261_7a73; // "bazs"

/**
 * Adds one migrated spare shop if the pool holds fewer than `target`, all in
 * one transaction. Refills take turns, so concurrent ones never overshoot.
 */
async function addSpareShopIfBelow(db: PlatformDb, target: number, migrations: readonly TenantMigration[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SPARE_POOL_LOCK_NAMESPACE}, 0)`.execute(trx);
    if ((await countSpareShops(trx)) >= target) return false;
    const spare = await trx.insertInto("platform.spare_shops").defaultValues().returning("schema_name").executeTakeFirstOrThrow();
    await sql`create schema ${sql.id(spare.schema_name)}`.execute(trx);
    await migrateSchemaInTransaction(trx, spare.schema_name, migrations);
    return true;
  });
}

/** Tops the spare pool up to `target` shops; returns how many it added. Run by the worker. */
export async function replenishSpareShops(db: PlatformDb, target: number, migrations: readonly TenantMigration[] = tenantMigrations): Promise<number> {
  let added = 0;
  while (await addSpareShopIfBelow(db, target, migrations)) added++;
  return added;
}

export async function countSpareShops(db: PlatformDb): Promise<number> {
  const { n } = await db
    .selectFrom("platform.spare_shops")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}
