import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { formatMoney } from "../shop/money.ts";
import { fulfilOrder } from "../shop/order-actions.server.ts";
import { listOrders, OrderValidationError, parseOrderFilters, recordOrder, type OrderFilters } from "../shop/orders.server.ts";
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

const line = (title: string, unitPrice: number, quantity = 1) => ({ title, unitPrice, quantity });
const filters = (over: Partial<OrderFilters> = {}): OrderFilters => ({
  q: "",
  financialStatus: null,
  fulfillmentStatus: null,
  from: null,
  to: null,
  sort: "newest",
  page: 1,
  ...over,
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
  await northDb.updateTable("settings").set({ currency: "NOK" }).execute();
  await southDb.updateTable("settings").set({ currency: "EUR" }).execute();

  // North: #1001–#1003. South: #1001–#1005 — the same numbers, other orders.
  await recordOrder(northDb, {
    email: "Ada@Example.com",
    currency: "NOK",
    customerName: { firstName: "Ada", lastName: "Lovelace" },
    lines: [line("Cold brew", 12_500, 2), line("Filter papers", 4_900)],
    shippingTotal: 5_000,
    taxTotal: 7_350,
    financialStatus: "paid",
    placedAt: new Date("2025-03-01T10:00:00Z"),
  });
  await recordOrder(northDb, {
    email: "bo@example.com",
    currency: "NOK",
    lines: [line("Grinder", 150_000)],
    financialStatus: "pending",
    placedAt: new Date("2025-03-05T10:00:00Z"),
  });
  await recordOrder(northDb, {
    email: "ada@example.com",
    currency: "NOK",
    lines: [line("Kettle", 60_000)],
    financialStatus: "refunded",
    fulfillmentStatus: "fulfilled",
    placedAt: new Date("2025-03-09T23:30:00Z"),
  });
  for (let i = 1; i <= 5; i++) {
    await recordOrder(southDb, {
      email: `southern${i}@example.com`,
      currency: "EUR",
      lines: [line(`Espresso ${i}`, 900 * i)],
      financialStatus: "paid",
      placedAt: new Date(`2025-03-0${i}T08:00:00Z`),
    });
  }
  app = await startTestApp(t.url);
  owner = merchant(app, await logIn(app, "owner@north.test"));
  staff = merchant(app, await logIn(app, "staff@north.test"));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("recordOrder", () => {
  it("writes the order, its lines, customer and timeline with integer totals", async () => {
    const order = await northDb.selectFrom("orders").selectAll().where("number", "=", "1001").executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      email: "ada@example.com",
      currency: "NOK",
      subtotal: "29900",
      shipping_total: "5000",
      tax_total: "7350",
      total: "42250",
      financial_status: "paid",
    });
    expect(order.paid_at?.toISOString()).toBe("2025-03-01T10:00:00.000Z");
    const lines = await northDb
      .selectFrom("order_lines")
      .select(["title", "quantity", "unit_price", "total"])
      .where("order_id", "=", order.id)
      .orderBy("id")
      .execute();
    expect(lines).toEqual([
      { title: "Cold brew", quantity: 2, unit_price: "12500", total: "25000" },
      { title: "Filter papers", quantity: 1, unit_price: "4900", total: "4900" },
    ]);
    const events = await northDb.selectFrom("order_events").select("kind").where("order_id", "=", order.id).orderBy("id").execute();
    expect(events.map((e) => e.kind)).toEqual(["placed", "paid"]);
    // The same email (any case) is one customer; the name given first is kept.
    const customers = await northDb.selectFrom("customers").select(["id", "email", "first_name"]).where("email", "=", "ada@example.com").execute();
    expect(customers).toHaveLength(1);
    expect(customers[0].first_name).toBe("Ada");
    const third = await northDb.selectFrom("orders").select("customer_id").where("number", "=", "1003").executeTakeFirstOrThrow();
    expect(third.customer_id).toBe(customers[0].id);
  });

  it("leaves tax out of the total when prices include it", async () => {
    const { number } = await recordOrder(southDb, {
      email: "",
      currency: "EUR",
      lines: [line("Tin", 1_200)],
      taxTotal: 200,
      taxIncluded: true,
      placedAt: new Date("2025-02-01T00:00:00Z"),
    });
    const order = await southDb.selectFrom("orders").select(["total", "tax_total", "customer_id"]).where("number", "=", number).executeTakeFirstOrThrow();
    expect(order).toEqual({ total: "1200", tax_total: "200", customer_id: null });
  });

  it("refuses bad input and writes nothing", async () => {
    const before = await northDb
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const attempts = [
      { email: "x@example.com", currency: "NOK", lines: [] },
      { email: "x@example.com", currency: "NOK", lines: [line("A", 100, 0)] },
      { email: "x@example.com", currency: "NOK", lines: [line("A", -1)] },
      { email: "x@example.com", currency: "NOK", lines: [line("A", 10.5)] },
      { email: "x@example.com", currency: "nok", lines: [line("A", 100)] },
      { email: "not an email", currency: "NOK", lines: [line("A", 100)] },
      { email: "x@example.com", currency: "NOK", lines: [line("A", 100)], discount: { id: "1", code: "X", amount: 101 } },
    ];
    for (const input of attempts) await expect(recordOrder(northDb, input)).rejects.toBeInstanceOf(OrderValidationError);
    await expect(recordOrder(northDb, { email: "x@example.com", currency: "NOK", lines: [line("A", 100)], customerId: "999999" })).rejects.toBeInstanceOf(
      OrderValidationError,
    );
    const after = await northDb
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await northDb.selectFrom("customers").select("id").where("email", "=", "x@example.com").execute()).toEqual([]);
  });
});

describe("order queries", () => {
  it("searches by number and email, filters by status and UTC dates, sorts and pages", async () => {
    const numbers = async (f: Partial<OrderFilters>, perPage?: number) => (await listOrders(northDb, filters(f), perPage)).orders.map((o) => o.number);
    expect(await numbers({})).toEqual(["1003", "1002", "1001"]);
    expect(await numbers({ q: "#1002" })).toEqual(["1002"]);
    expect(await numbers({ q: "ADA@" })).toEqual(["1003", "1001"]);
    expect(await numbers({ q: "100%" })).toEqual([]);
    expect(await numbers({ financialStatus: "paid" })).toEqual(["1001"]);
    expect(await numbers({ fulfillmentStatus: "fulfilled" })).toEqual(["1003"]);
    // "to" is inclusive of the whole UTC day: 23:30 on the 9th is in.
    expect(await numbers({ from: "2025-03-05", to: "2025-03-09" })).toEqual(["1003", "1002"]);
    expect(await numbers({ to: "2025-03-08" })).toEqual(["1002", "1001"]);
    expect(await numbers({ sort: "total_desc" })).toEqual(["1002", "1003", "1001"]);
    expect(await numbers({ sort: "oldest" })).toEqual(["1001", "1002", "1003"]);
    const page2 = await listOrders(northDb, filters({ page: 2 }), 2);
    expect(page2).toMatchObject({ total: 3, page: 2, pageCount: 2 });
    expect(page2.orders.map((o) => o.number)).toEqual(["1001"]);
  });

  it("drops unknown filter values instead of failing", () => {
    const parsed = parseOrderFilters(new URLSearchParams("financial=stolen&fulfillment=paid&from=2025-02-30&to=yesterday&sort=evil&page=-3&q=%20x%20"));
    expect(parsed).toEqual(filters({ q: "x" }));
  });
});

describe("orders in the admin", () => {
  it("lists this shop's orders only, with filters from the query string", async () => {
    const res = await owner.get("/admin/north/orders");
    expect(res.status).toBe(200);
    expect(res.body).toContain("#1001");
    expect(res.body).toContain("#1003");
    expect(res.body).not.toContain("#1004");
    expect(res.body).not.toContain("southern");
    const paid = await owner.get("/admin/north/orders?financial=paid");
    expect(paid.body).toContain("#1001");
    expect(paid.body).not.toContain("#1002");
  });

  it("shows an order's lines, totals in its currency, customer and timeline", async () => {
    const res = await owner.get("/admin/north/orders/1001");
    expect(res.status).toBe(200);
    for (const text of ["Cold brew", "Filter papers", "Ada Lovelace", "ada@example.com", "Order placed by ada@example.com."])
      expect(res.body).toContain(html(text));
    for (const amount of [29_900, 5_000, 7_350, 42_250]) expect(res.body).toContain(formatMoney(amount, "NOK"));
    expect(res.body).not.toContain("Espresso");
  });

  it("marks an order fulfilled once, in the timeline and the audit log", async () => {
    const res = await owner.post("/admin/north/orders/1002", { intent: "fulfil", carrier: "DHL", trackingNumber: "JD0123 4567" });
    expect(res.status).toBe(200);
    expect(res.body).toContain("Order marked as fulfilled.");
    const order = await northDb.selectFrom("orders").select(["id", "fulfillment_status"]).where("number", "=", "1002").executeTakeFirstOrThrow();
    expect(order.fulfillment_status).toBe("fulfilled");
    const events = await northDb
      .selectFrom("order_events")
      .select(["kind", "message"])
      .where("order_id", "=", order.id)
      .where("kind", "=", "fulfilled")
      .execute();
    expect(events).toEqual([{ kind: "fulfilled", message: "Marked as fulfilled by owner@north.test (DHL JD0123 4567)." }]);
    const audit = await northDb.selectFrom("audit_events").selectAll().where("action", "=", "order.fulfilled").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_email: "owner@north.test", subject_type: "order", subject_id: order.id });

    const again = await owner.post("/admin/north/orders/1002", { intent: "fulfil" });
    expect(again.status).toBe(400);
    expect(again.body).toContain("already fulfilled");
    expect(await northDb.selectFrom("audit_events").select("id").where("action", "=", "order.fulfilled").execute()).toHaveLength(1);
    expect((await owner.post("/admin/north/orders/1002", { intent: "refund-everything" })).status).toBe(400);
  });

  it("refuses to fulfil a cancelled order", async () => {
    // In south, so north keeps exactly #1001–#1003 for the tampering checks.
    const { number } = await recordOrder(southDb, { email: "c@example.com", currency: "EUR", lines: [line("Cup", 100)] });
    await southDb.updateTable("orders").set({ cancelled_at: new Date() }).where("number", "=", number).execute();
    const deps = {
      db: southDb,
      platform: t.db,
      shop: south,
      origin: "http://south.shops.test",
      adminOrigin: "http://bazaar.test",
      deliverMail: app.services.deliverMail,
    };
    expect(await fulfilOrder(deps, SYSTEM_ACTOR, number, { carrier: "", trackingNumber: "", notify: false })).toEqual({
      ok: false,
      errors: { form: "A cancelled order can't be fulfilled." },
    });
  });

  it("lets staff see and fulfil orders", async () => {
    expect((await staff.get("/admin/north/orders")).status).toBe(200);
    expect((await staff.get("/admin/north/orders/1001")).status).toBe(200);
    expect((await staff.post("/admin/north/orders/1001", { intent: "fulfil" })).status).toBe(200);
  });
});

describe("cross-shop tampering", () => {
  it("never shows another shop's order behind this shop's URL", async () => {
    // South has #1004 and #1005; north doesn't.
    expect((await owner.get("/admin/north/orders/1004")).status).toBe(404);
    expect((await owner.get("/admin/north/orders/abc")).status).toBe(404);
    // #1001 exists in both: north's URL shows north's order.
    const same = await owner.get("/admin/north/orders/1001");
    expect(same.body).toContain("Cold brew");
    expect(same.body).not.toContain("Espresso");
  });

  it("answers 404 for another shop's admin, reading or writing", async () => {
    expect((await owner.get("/admin/south/orders")).status).toBe(404);
    expect((await owner.get("/admin/south/orders/1001")).status).toBe(404);
    expect((await owner.post("/admin/south/orders/1001", { intent: "fulfil" })).status).toBe(404);
    expect((await owner.post("/admin/north/orders/1005", { intent: "fulfil" })).status).toBe(404);
    const southOrders = await southDb.selectFrom("orders").select("fulfillment_status").execute();
    expect(southOrders.every((o) => o.fulfillment_status === "unfulfilled")).toBe(true);
    expect(await southDb.selectFrom("audit_events").select("id").execute()).toEqual([]);
  });
});
