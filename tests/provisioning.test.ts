import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { migrateAll } from "../db/migrate.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import type { TenantMigration } from "../tenants/migrator.server.ts";
import { countSpareShops, provisionShop, replenishSpareShops, SlugUnavailableError } from "../tenants/provision.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let t: TestDatabase;
let ownerId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ownerId = (await createUser(t.db, { email: "owner@example.com", password: "correct horse" })).id;
});
afterAll(() => t?.drop());

async function schemaNames(): Promise<string[]> {
  const { rows } = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname like 'shop\\_%' order by nspname`.execute(t.db);
  return rows.map((r) => r.nspname);
}

describe("provisionShop", () => {
  it("creates the registry row, a schema named from the id, every tenant migration and the owner's membership", async () => {
    const shop = await provisionShop(t.db, { slug: "first-shop", name: "First Shop", ownerId });
    expect(shop.schema_name).toBe(`shop_${shop.id}`);
    expect(shop.status).toBe("active");
    expect(await schemaNames()).toContain(shop.schema_name);

    const { rows } = await sql<{ name: string }>`select name from ${sql.id(shop.schema_name, "_migrations")} order by name`.execute(t.db);
    expect(rows.map((r) => r.name)).toEqual(tenantMigrations.map((m) => m.name));
    const settings = await tenantDb(t.db, shop.schema_name).selectFrom("settings").selectAll().executeTakeFirstOrThrow();
    expect(settings.headline).toBe("First Shop");

    const membership = await t.db.selectFrom("platform.memberships").selectAll().where("shop_id", "=", shop.id).executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ user_id: ownerId, role: "owner" });
  });

  it("is all-or-nothing: a failing migration leaves no row, no schema and no membership", async () => {
    const before = await schemaNames();
    const failing: TenantMigration = {
      name: "9999_fails",
      async up(db, schema) {
        await sql`create table ${sql.id(schema, "half_made")} (id int)`.execute(db);
        throw new Error("injected failure");
      },
    };
    await expect(provisionShop(t.db, { slug: "doomed-shop", name: "Doomed", ownerId }, [...tenantMigrations, failing])).rejects.toThrow("injected failure");

    expect(await findShopBySlug(t.db, "doomed-shop")).toBeNull();
    expect(await schemaNames()).toEqual(before);
    const memberships = await t.db.selectFrom("platform.memberships").select("shop_id").where("user_id", "=", ownerId).execute();
    expect(memberships).toHaveLength(before.length);
  });

  it("refuses reserved, malformed and taken slugs", async () => {
    for (const [slug, problem] of [
      ["www", "reserved"],
      ["ab", "length"],
      ["Has Spaces", "characters"],
      ["first-shop", "taken"],
    ] as const) {
      const attempt = provisionShop(t.db, { slug, name: "X", ownerId });
      await expect(attempt).rejects.toBeInstanceOf(SlugUnavailableError);
      await expect(attempt).rejects.toMatchObject({ problem });
    }
  });
});

describe("spare shops", () => {
  const spareSchemas = async () => (await t.db.selectFrom("platform.spare_shops").select("schema_name").orderBy("id").execute()).map((s) => s.schema_name);
  const ledger = async (schema: string) =>
    (await sql<{ name: string }>`select name from ${sql.id(schema, "_migrations")} order by name`.execute(t.db)).rows.map((r) => r.name);

  it("tops the pool up to its target and no further, even when two refills race", async () => {
    expect(await countSpareShops(t.db)).toBe(0);
    const added = await Promise.all([replenishSpareShops(t.db, 3), replenishSpareShops(t.db, 3)]);
    expect(added[0] + added[1]).toBe(3);
    expect(await replenishSpareShops(t.db, 3)).toBe(0);
    const spares = await spareSchemas();
    expect(spares).toHaveLength(3);
    for (const schema of spares) {
      expect(schema).toMatch(/^shop_\d+$/);
      expect(await schemaNames()).toContain(schema);
      expect(await ledger(schema)).toEqual(tenantMigrations.map((m) => m.name));
    }
  });

  it("a signup claims the oldest spare: same schema, its own name, settings and owner", async () => {
    const [oldest] = await spareSchemas();
    const shop = await provisionShop(t.db, { slug: "from-spare", name: "From Spare", ownerId });
    expect(shop.schema_name).toBe(oldest);
    expect(shop.slug).toBe("from-spare");
    expect(await spareSchemas()).not.toContain(oldest);
    expect(await findShopBySlug(t.db, "from-spare")).toMatchObject({ id: shop.id, schema_name: oldest, status: "active" });
    const settings = await tenantDb(t.db, shop.schema_name).selectFrom("settings").selectAll().executeTakeFirstOrThrow();
    expect(settings.headline).toBe("From Spare");
    const membership = await t.db.selectFrom("platform.memberships").selectAll().where("shop_id", "=", shop.id).executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ user_id: ownerId, role: "owner" });
  });

  it("a failed signup puts its spare back untouched", async () => {
    const before = await spareSchemas();
    await expect(provisionShop(t.db, { slug: "from-spare", name: "Taken", ownerId })).rejects.toMatchObject({ problem: "taken" });
    const failing: TenantMigration = { name: "9999_fails", up: () => Promise.reject(new Error("injected failure")) };
    await expect(provisionShop(t.db, { slug: "spare-doomed", name: "Doomed", ownerId }, [...tenantMigrations, failing])).rejects.toThrow("injected failure");
    expect(await spareSchemas()).toEqual(before);
    expect(await findShopBySlug(t.db, "spare-doomed")).toBeNull();
    for (const schema of before) expect(await ledger(schema)).toEqual(tenantMigrations.map((m) => m.name));
  });

  it("concurrent signups claim different spares, and two claimed shops keep their data apart", async () => {
    const before = await spareSchemas();
    expect(before).toHaveLength(2);
    const [north, south] = await Promise.all([
      provisionShop(t.db, { slug: "spare-north", name: "North", ownerId }),
      provisionShop(t.db, { slug: "spare-south", name: "South", ownerId }),
    ]);
    expect([north.schema_name, south.schema_name].sort()).toEqual(before);
    expect(await countSpareShops(t.db)).toBe(0);

    for (const [shop, handle] of [
      [north, "north-lamp"],
      [south, "south-mug"],
    ] as const) {
      await tenantDb(t.db, shop.schema_name).insertInto("products").values({ handle, title: handle }).execute();
    }
    const titles = async (schema: string) => (await tenantDb(t.db, schema).selectFrom("products").select("handle").execute()).map((p) => p.handle);
    expect(await titles(north.schema_name)).toEqual(["north-lamp"]);
    expect(await titles(south.schema_name)).toEqual(["south-mug"]);
    const headlines = await Promise.all(
      [north, south].map((s) => tenantDb(t.db, s.schema_name).selectFrom("settings").select("headline").executeTakeFirstOrThrow()),
    );
    expect(headlines.map((h) => h.headline)).toEqual(["North", "South"]);
  });

  it("with the pool empty a signup provisions from scratch", async () => {
    expect(await countSpareShops(t.db)).toBe(0);
    const shop = await provisionShop(t.db, { slug: "cold-start", name: "Cold", ownerId });
    expect(await ledger(shop.schema_name)).toEqual(tenantMigrations.map((m) => m.name));
  });

  it("a spare made before a deploy is brought up to date by db:migrate or, failing that, by its claim", async () => {
    const older = tenantMigrations.slice(0, 3);
    expect(await replenishSpareShops(t.db, 2, older)).toBe(2);
    const [first, second] = await spareSchemas();
    expect(await ledger(first)).toEqual(older.map((m) => m.name));

    // The claim migrates what the spare lacks, in the signup's transaction.
    const claimed = await provisionShop(t.db, { slug: "late-spare", name: "Late", ownerId });
    expect(claimed.schema_name).toBe(first);
    expect(await ledger(first)).toEqual(tenantMigrations.map((m) => m.name));

    // db:migrate reaches spares as well as shops.
    const report = await migrateAll(t.db);
    expect(report.failed).toEqual([]);
    expect(report.migrated).toEqual([{ schema: second, applied: tenantMigrations.slice(3).map((m) => m.name) }]);
    expect(await ledger(second)).toEqual(tenantMigrations.map((m) => m.name));
  });
});
