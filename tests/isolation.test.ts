import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";

// Two shops whose tables hold the same shape of rows with different contents.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  await tenantDb(t.db, north.schema_name).updateTable("settings").set({ headline: "Cold brew from the north", currency: "NOK" }).execute();
  await tenantDb(t.db, south.schema_name).updateTable("settings").set({ headline: "Espresso from the south", currency: "EUR" }).execute();
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("tenant isolation", () => {
  it("each handle reads and writes only its own shop's rows", async () => {
    const northRows = await tenantDb(t.db, north.schema_name).selectFrom("settings").selectAll().execute();
    const southRows = await tenantDb(t.db, south.schema_name).selectFrom("settings").selectAll().execute();
    expect(northRows).toHaveLength(1);
    expect(southRows).toHaveLength(1);
    expect(northRows[0]).toMatchObject({ headline: "Cold brew from the north", currency: "NOK" });
    expect(southRows[0]).toMatchObject({ headline: "Espresso from the south", currency: "EUR" });

    await tenantDb(t.db, north.schema_name).updateTable("settings").set({ welcome_text: "north only" }).execute();
    const south2 = await tenantDb(t.db, south.schema_name).selectFrom("settings").select("welcome_text").executeTakeFirstOrThrow();
    expect(south2.welcome_text).toBe("");
  });

  it("qualifies every tenant query with the shop's schema", () => {
    const compiled = tenantDb(t.db, north.schema_name).selectFrom("settings").selectAll().compile();
    expect(compiled.sql).toContain(`"${north.schema_name}"."settings"`);
  });

  it("never leaves a search_path on pooled connections", async () => {
    const { rows } = await sql<{ search_path: string }>`show search_path`.execute(t.db);
    expect(rows[0].search_path).toBe('"$user", public');
  });

  it("each storefront shows its own data and none of the other's", async () => {
    const northPage = await app.request("north.shops.test", "/");
    const southPage = await app.request("south.shops.test", "/");
    expect(northPage.body).toContain("Cold brew from the north");
    expect(northPage.body).not.toContain("Espresso from the south");
    expect(southPage.body).toContain("Espresso from the south");
    expect(southPage.body).not.toContain("Cold brew from the north");
  });

  it("has no foreign key from a shop's tables into platform", async () => {
    const { rows } = await sql<{ conname: string }>`
      select c.conname from pg_constraint c
      join pg_namespace n on n.oid = c.connamespace
      join pg_class ref on ref.oid = c.confrelid
      join pg_namespace rn on rn.oid = ref.relnamespace
      where c.contype = 'f' and n.nspname like 'shop\\_%' and rn.nspname <> n.nspname`.execute(t.db);
    expect(rows).toEqual([]);
  });

  it("has no triggers in shop schemas", async () => {
    const { rows } = await sql<{ tgname: string }>`
      select t.tgname from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname like 'shop\\_%'`.execute(t.db);
    expect(rows).toEqual([]);
  });
});
