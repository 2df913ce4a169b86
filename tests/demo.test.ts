import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCredentials } from "../tenants/accounts.server.ts";
import { DEMO_MERCHANT, DEMO_OPERATOR, DEMO_PASSWORD, DEMO_SHOPS, seedDemo } from "../tenants/demo.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

describe("demo data", () => {
  it("creates three distinct shops and two logins, and a second run changes nothing", async () => {
    await seedDemo(t.db);
    await seedDemo(t.db);
    const shops = await t.db.selectFrom("platform.shops").selectAll().orderBy("id").execute();
    expect(shops.map((s) => s.slug)).toEqual(DEMO_SHOPS.map((s) => s.slug));

    const headlines = await Promise.all(
      shops.map(async (shop) => (await tenantDb(t.db, shop.schema_name).selectFrom("settings").select("headline").executeTakeFirstOrThrow()).headline),
    );
    expect(headlines).toEqual(DEMO_SHOPS.map((s) => s.headline));

    expect(await verifyCredentials(t.db, DEMO_MERCHANT, DEMO_PASSWORD)).not.toBeNull();
    // The operator is an operator account, not a merchant one.
    expect(await verifyCredentials(t.db, DEMO_OPERATOR, DEMO_PASSWORD)).toBeNull();
    expect(await t.db.selectFrom("platform.operators").select("email").execute()).toEqual([{ email: DEMO_OPERATOR }]);
    expect(await t.db.selectFrom("platform.users").select("id").execute()).toHaveLength(1);
    // The console's ledger has each paid demo order once, though the seed ran twice.
    let paid = 0;
    for (const shop of shops) {
      const rows = await tenantDb(t.db, shop.schema_name).selectFrom("orders").select("id").where("financial_status", "=", "paid").execute();
      paid += rows.length;
    }
    expect(paid).toBeGreaterThan(0);
    expect(await t.db.selectFrom("platform.fee_ledger").select("id").execute()).toHaveLength(paid);

    // Each shop got its products and orders once (the second run added none); two are launched.
    const sales = await Promise.all(
      shops.map(async (shop) => {
        const db = tenantDb(t.db, shop.schema_name);
        const orders = await db
          .selectFrom("orders")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow();
        const products = await db
          .selectFrom("products")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow();
        const { launched_at } = await db.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow();
        return { orders: Number(orders.n), products: Number(products.n), launched: launched_at !== null };
      }),
    );
    expect(sales).toEqual([
      { orders: 30, products: 4, launched: true },
      { orders: 34, products: 3, launched: true },
      { orders: 38, products: 4, launched: false },
    ]);

    // Each shop has one visible "About us" page of its own (the second run added no other).
    const pages = await Promise.all(
      shops.map((shop) => tenantDb(t.db, shop.schema_name).selectFrom("pages").select(["handle", "title", "published", "body_html"]).execute()),
    );
    expect(pages.map((rows) => rows.map(({ handle, title, published }) => ({ handle, title, published })))).toEqual(
      shops.map(() => [{ handle: "about-us", title: "About us", published: true }]),
    );
    expect(new Set(pages.map((rows) => rows[0].body_html)).size).toBe(3);
  });
});
