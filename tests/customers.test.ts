import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { getCustomer, listCustomers, parseCustomerFilters, type CustomerFilters } from "../shop/customers.server.ts";
import { formatMoney } from "../shop/money.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { addMember, html, logIn, merchant, PASSWORD } from "./support/sales.ts";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let owner: ReturnType<typeof merchant>;
let staff: ReturnType<typeof merchant>;
const ids: Record<string, string> = {};

const filters = (over: Partial<CustomerFilters> = {}): CustomerFilters => ({ q: "", sort: "newest", page: 1, ...over });
const order = (
  db: TenantDb,
  email: string,
  total: number,
  financialStatus: "paid" | "pending" | "refunded" | "partially_refunded",
  currency = "GBP",
  name?: [string, string],
) =>
  recordOrder(db, {
    email,
    currency,
    financialStatus,
    lines: [{ title: "Thing", unitPrice: total, quantity: 1 }],
    customerName: name ? { firstName: name[0], lastName: name[1] } : undefined,
  });

beforeAll(async () => {
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.test", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.test", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  await addMember(t.db, "staff@north.test", north, "staff");
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "GBP" }).execute();
  await southDb.updateTable("settings").set({ currency: "GBP" }).execute();

  // North: Ada (2 paid + 1 pending + 1 refunded + 1 in an old currency), Bo (1 paid, large), Cy (no orders), Dee (deleted, 1 paid).
  ids.ada = (await order(northDb, "ada@example.com", 2_000, "paid", "GBP", ["Ada", "Lovelace"])).customerId!;
  await order(northDb, "ada@example.com", 3_000, "partially_refunded");
  await order(northDb, "ada@example.com", 9_000, "pending");
  await order(northDb, "ada@example.com", 7_000, "refunded");
  await order(northDb, "ada@example.com", 50_000, "paid", "EUR");
  ids.bo = (await order(northDb, "bo@example.com", 40_000, "paid", "GBP", ["Bo", "Diddley"])).customerId!;
  ids.cy = (
    await northDb
      .insertInto("customers")
      .values({ email: "cy@example.com", first_name: "Cy", last_name: "Twombly", phone: "+44 20 7946 0000" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.dee = (await order(northDb, "dee@example.com", 1_000, "paid", "GBP", ["Dee", "Dee"])).customerId!;
  // Deletion anonymises the customer; the order stays.
  await northDb
    .updateTable("customers")
    .set({ email: null, first_name: "", last_name: "", phone: "", deleted_at: new Date("2025-05-01T00:00:00Z") })
    .where("id", "=", ids.dee)
    .execute();

  // South: different people, more of them, so ids overlap and go beyond north's.
  for (const [i, name] of ["Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"].entries()) {
    ids[name] = (await order(southDb, `${name.toLowerCase()}@south.example`, 1_000 * (i + 1), "paid", "GBP", [name, "Southern"])).customerId!;
  }
  app = await startTestApp(t.url);
  owner = merchant(app, await logIn(app, "owner@north.test"));
  staff = merchant(app, await logIn(app, "staff@north.test"));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("customer queries", () => {
  it("computes order counts and lifetime spend from paid orders in the shop's currency", async () => {
    const ada = await getCustomer(northDb, ids.ada, "GBP");
    expect(ada).toMatchObject({ orderCount: 5, lifetimeSpend: "5000", customer: { name: "Ada Lovelace", email: "ada@example.com", deleted: false } });
    expect(ada!.orders.map((o) => o.total)).toEqual(["50000", "7000", "9000", "3000", "2000"]);
    expect(await getCustomer(northDb, ids.cy, "GBP")).toMatchObject({ orderCount: 0, lifetimeSpend: "0", customer: { phone: "+44 20 7946 0000" } });
  });

  it("shows a deleted customer as such, keeping their orders but not their details", async () => {
    const dee = await getCustomer(northDb, ids.dee, "GBP");
    expect(dee).toMatchObject({ orderCount: 1, lifetimeSpend: "1000", customer: { name: "Deleted customer", email: null, phone: "", deleted: true } });
    expect(dee!.orders).toHaveLength(1);
  });

  it("searches, sorts by created, orders and spend, and pages", async () => {
    const names = async (f: Partial<CustomerFilters>, perPage?: number) =>
      (await listCustomers(northDb, filters(f), "GBP", perPage)).customers.map((c) => c.name);
    expect(await names({})).toEqual(["Deleted customer", "Cy Twombly", "Bo Diddley", "Ada Lovelace"]);
    expect(await names({ sort: "oldest" })).toEqual(["Ada Lovelace", "Bo Diddley", "Cy Twombly", "Deleted customer"]);
    expect(await names({ sort: "orders" })).toEqual(["Ada Lovelace", "Deleted customer", "Bo Diddley", "Cy Twombly"]);
    expect(await names({ sort: "spend" })).toEqual(["Bo Diddley", "Ada Lovelace", "Deleted customer", "Cy Twombly"]);
    expect(await names({ q: "lovelace" })).toEqual(["Ada Lovelace"]);
    expect(await names({ q: "ada lov" })).toEqual(["Ada Lovelace"]);
    expect(await names({ q: "BO@EX" })).toEqual(["Bo Diddley"]);
    expect(await names({ q: "7946" })).toEqual(["Cy Twombly"]);
    expect(await names({ q: "_" })).toEqual([]);
    // A deleted customer can't be found by what they were.
    expect(await names({ q: "dee" })).toEqual([]);
    const page = await listCustomers(northDb, filters({ page: 2 }), "GBP", 3);
    expect(page).toMatchObject({ total: 4, page: 2, pageCount: 2 });
    expect(page.customers.map((c) => c.name)).toEqual(["Ada Lovelace"]);
    expect(parseCustomerFilters(new URLSearchParams("sort=password&page=x"))).toEqual(filters());
  });
});

describe("customers in the admin", () => {
  it("lists this shop's customers with their figures", async () => {
    const res = await owner.get("/admin/north/customers?sort=spend");
    expect(res.status).toBe(200);
    for (const text of ["Ada Lovelace", "Bo Diddley", "Cy Twombly", "Deleted customer", formatMoney(40_000, "GBP"), formatMoney(5_000, "GBP")])
      expect(res.body).toContain(html(text));
    expect(res.body).not.toContain("Southern");
    expect(res.body).not.toContain("dee@example.com");
  });

  it("shows a customer's orders and lifetime spend, and a deleted one as 'Deleted customer'", async () => {
    const ada = await owner.get(`/admin/north/customers/${ids.ada}`);
    expect(ada.status).toBe(200);
    expect(ada.body).toContain("Ada Lovelace");
    expect(ada.body).toContain(formatMoney(5_000, "GBP"));
    expect(ada.body).toContain(formatMoney(50_000, "EUR"));
    const dee = await owner.get(`/admin/north/customers/${ids.dee}`);
    expect(dee.body).toContain("Deleted customer");
    expect(dee.body).toContain("#1007");
    const deeOrder = await owner.get("/admin/north/orders/1007");
    expect(deeOrder.body).toContain("Deleted customer");
  });

  it("lets staff see customers", async () => {
    expect((await staff.get("/admin/north/customers")).status).toBe(200);
    expect((await staff.get(`/admin/north/customers/${ids.ada}`)).status).toBe(200);
  });
});

describe("cross-shop tampering", () => {
  it("never shows another shop's customer behind this shop's URL", async () => {
    // South's Eve has north Ada's id: north's URL shows Ada.
    expect(ids.Eve).toBe(ids.ada);
    const same = await owner.get(`/admin/north/customers/${ids.Eve}`);
    expect(same.body).toContain("Ada Lovelace");
    expect(same.body).not.toContain("Southern");
    // South's Jo has an id north doesn't have.
    expect(await northDb.selectFrom("customers").select("id").where("id", "=", ids.Jo).execute()).toEqual([]);
    expect((await owner.get(`/admin/north/customers/${ids.Jo}`)).status).toBe(404);
    expect((await owner.get("/admin/north/customers/1;drop")).status).toBe(404);
  });

  it("answers 404 for another shop's customers", async () => {
    expect((await owner.get("/admin/south/customers")).status).toBe(404);
    expect((await owner.get(`/admin/south/customers/${ids.Jo}`)).status).toBe(404);
  });
});
