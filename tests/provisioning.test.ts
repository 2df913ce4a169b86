import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { tenantMigrations } from "../tenants/migrations/index.ts";
import type { TenantMigration } from "../tenants/migrator.server.ts";
import { provisionShop, SlugUnavailableError } from "../tenants/provision.server.ts";
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
    for (const [slug, problem] of [["www", "reserved"], ["ab", "length"], ["Has Spaces", "characters"], ["first-shop", "taken"]] as const) {
      const attempt = provisionShop(t.db, { slug, name: "X", ownerId });
      await expect(attempt).rejects.toBeInstanceOf(SlugUnavailableError);
      await expect(attempt).rejects.toMatchObject({ problem });
    }
  });
});
