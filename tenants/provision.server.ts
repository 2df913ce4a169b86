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
 * Creates the registry row, the shop's schema with every tenant migration, and
 * the owner's membership inside the caller's transaction: if anything fails,
 * none of it exists.
 */
export async function provisionShopInTransaction(
  trx: Transaction<PlatformDatabase>,
  { slug, name, ownerId }: NewShop,
  migrations: readonly TenantMigration[] = tenantMigrations,
): Promise<Shop> {
  const problem = slugProblem(slug);
  if (problem) throw new SlugUnavailableError(problem);
  let shop: Shop;
  try {
    shop = await trx.insertInto("platform.shops").values({ slug, name }).returningAll().executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, "shops_slug_key")) throw new SlugUnavailableError("taken");
    throw error;
  }
  await sql`create schema ${sql.id(shop.schema_name)}`.execute(trx);
  await migrateSchemaInTransaction(trx, shop.schema_name, migrations);
  await tenantDb(trx, shop.schema_name).insertInto("settings").values({ headline: name }).execute();
  await trx.insertInto("platform.memberships").values({ user_id: ownerId, shop_id: shop.id, role: "owner" }).execute();
  return shop;
}

export function provisionShop(
  db: PlatformDb,
  input: NewShop,
  migrations: readonly TenantMigration[] = tenantMigrations,
): Promise<Shop> {
  return db.transaction().execute((trx) => provisionShopInTransaction(trx, input, migrations));
}
