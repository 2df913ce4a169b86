import type { Job } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { runShopJob, type ShopJobData } from "../jobs/shop-jobs.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { recordPaymentFee, recordRefundFee, refreshShopCounts, takePlatformSnapshot } from "../tenants/metering.server.ts";
import { monthlyMetrics } from "../tenants/metrics.server.ts";
import { lockPeriodPrice } from "../tenants/plans.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { listShopPage } from "../tenants/shop-list.server.ts";
import { readShopListQuery } from "../tenants/shop-list.ts";
import { adminGet, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { createProduct, variant } from "./support/storefront.ts";

let t: TestDatabase;
let app: TestApp;
let ownerId: string;
let north: Shop;
let south: Shop;

const usage = (shopId: string) => t.db.selectFrom("platform.shop_usage").selectAll().where("shop_id", "=", shopId).executeTakeFirstOrThrow();
const payment = (shop: Shop, id: string, amount: bigint, at: string) =>
  recordPaymentFee(t.db, { shopId: shop.id, paymentId: id, amount, fee: (amount * 2n) / 100n, currency: "USD", at: new Date(at) });

beforeAll(async () => {
  t = await createTestDatabase();
  ownerId = (await createUser(t.db, { email: "owner@example.com", password: "owner-pass" })).id;
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId });
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("usage metering", () => {
  it("records each payment's fee once, meters the order and GMV, and takes refunds off", async () => {
    expect(await payment(north, "pi_1", 10_000n, "2026-03-10T12:00:00Z")).toBe(true);
    // A second delivery of the same webhook changes nothing.
    expect(await payment(north, "pi_1", 10_000n, "2026-03-10T12:00:00Z")).toBe(false);
    expect(await payment(north, "pi_2", 5_000n, "2026-03-11T12:00:00Z")).toBe(true);
    expect(
      await recordRefundFee(t.db, {
        shopId: north.id,
        refundId: "re_1",
        amount: 5_000n,
        feeRefunded: 100n,
        currency: "USD",
        at: new Date("2026-03-12T00:00:00Z"),
      }),
    ).toBe(true);
    expect(
      await recordRefundFee(t.db, {
        shopId: north.id,
        refundId: "re_1",
        amount: 5_000n,
        feeRefunded: 100n,
        currency: "USD",
        at: new Date("2026-03-12T00:00:00Z"),
      }),
    ).toBe(false);
    expect(await usage(north.id)).toMatchObject({ orders: "2", gmv: "10000", currency: "USD" });
    expect(await usage(south.id)).toMatchObject({ orders: "0", gmv: "0", currency: null });
    const days = await t.db
      .selectFrom("platform.shop_usage_daily")
      .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"), "orders", "gmv", "refunds", "fees"])
      .where("shop_id", "=", north.id)
      .orderBy("day")
      .execute();
    expect(days).toEqual([
      { day: "2026-03-10", orders: 1, gmv: "10000", refunds: "0", fees: "200" },
      { day: "2026-03-11", orders: 1, gmv: "5000", refunds: "0", fees: "100" },
      { day: "2026-03-12", orders: 0, gmv: "0", refunds: "5000", fees: "-100" },
    ]);
  });

  it("meters job time, products and storage per shop", async () => {
    const job = { name: "probe", id: "1", data: { shopId: south.id } } as Job<ShopJobData>;
    await runShopJob(t.db, job, { run: () => new Promise((resolve) => setTimeout(resolve, 30)) });
    expect(Number((await usage(south.id)).job_ms)).toBeGreaterThanOrEqual(25);
    expect(Number((await usage(north.id)).job_ms)).toBe(0);
    await createProduct(tenantDb(t.db, south.schema_name), { title: "Kettle", variants: [variant([], 4500)] });
    await refreshShopCounts(t.db, south);
    await refreshShopCounts(t.db, north);
    expect((await usage(south.id)).products).toBe(1);
    expect((await usage(north.id)).products).toBe(0);
  });
});

describe("metrics", () => {
  it("computes MRR, fees, GMV, live shops, churn and trial conversion per month from platform tables", async () => {
    const t0 = "2026-04-01T00:00:00Z";
    await payment(south, "pi_3", 20_000n, "2026-04-02T00:00:00Z");
    await t.db
      .insertInto("platform.platform_snapshots")
      .values([
        { day: "2026-02-28", mrr: 0, currency: "USD", active_shops: 10, trial_shops: 10, paying_shops: 0 },
        { day: "2026-03-31", mrr: 3800, currency: "USD", active_shops: 8, trial_shops: 6, paying_shops: 2 },
      ])
      .execute();
    await t.db
      .insertInto("platform.shop_status_changes")
      .values([
        {
          shop_id: north.id,
          event: "activate",
          from_status: "trial",
          to_status: "active",
          actor_kind: "billing",
          created_at: new Date("2026-03-05T00:00:00Z"),
        },
        {
          shop_id: south.id,
          event: "activate",
          from_status: "trial",
          to_status: "active",
          actor_kind: "billing",
          created_at: new Date("2026-03-06T00:00:00Z"),
        },
        { shop_id: south.id, event: "freeze", from_status: "trial", to_status: "frozen", actor_kind: "system", created_at: new Date("2026-03-07T00:00:00Z") },
        { shop_id: south.id, event: "close", from_status: "active", to_status: "closed", actor_kind: "merchant", created_at: new Date("2026-03-20T00:00:00Z") },
        { shop_id: north.id, event: "close", from_status: "active", to_status: "closed", actor_kind: "merchant", created_at: new Date(t0) },
      ])
      .execute();
    await t.db.updateTable("platform.shops").set({ status: "active" }).where("id", "=", north.id).execute();
    await lockPeriodPrice(t.db, north.id);

    const { currency, months } = await monthlyMetrics(t.db, { months: 3, now: new Date("2026-04-15T00:00:00Z") });
    expect(currency).toBe("USD");
    expect(months.map((m) => m.month)).toEqual(["2026-02", "2026-03", "2026-04"]);
    const [feb, march, april] = months;
    expect(feb).toMatchObject({ mrr: "0", activeShops: 10, fees: "0", gmv: "0", churnBp: null });
    // March: 15,000 paid less 5,000 refunded; fees 300 less 100 refunded; 1 of 10 live shops closed; 2 of 3 trials converted.
    expect(march).toMatchObject({ mrr: "3800", activeShops: 8, gmv: "10000", fees: "200", closes: 1, churnBp: 1000, conversions: 2, conversionBp: 6667 });
    // April is live: the north shop pays Starter's 19.00 now.
    expect(april).toMatchObject({ mrr: "1900", gmv: "20000", fees: "400", closes: 1, churnBp: 1250, conversionBp: null });
  });

  it("shows the metrics and a CSV to operators only", async () => {
    await takePlatformSnapshot(t.db);
    const operatorCookie = await operatorSession(app, t.db);
    const page = await adminGet(app, operatorCookie, "/operator/metrics");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Monthly recurring revenue");
    expect(page.body).toContain("Fee income");
    const csv = await adminGet(app, operatorCookie, "/operator/metrics.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("month,currency,mrr,fee_income,gmv_net,live_shops,shops_closed,churn_bp,trials_converted,trial_conversion_bp");
    expect(lines).toHaveLength(25);
    const ownerCookie = await logIn(app, "owner@example.com", "owner-pass");
    expect((await adminGet(app, ownerCookie, "/operator/metrics.csv")).status).toBe(302);
  });
});

describe("the console's shop list", () => {
  it("sorts by usage and pages with a keyset cursor that visits every shop once", async () => {
    for (let i = 0; i < 7; i++) {
      const shop = await provisionShop(t.db, { slug: `bulk-${i}`, name: `Bulk ${i}`, ownerId });
      await payment(shop, `pi_bulk_${i}`, BigInt(1000 * (i % 3)), "2026-04-03T00:00:00Z");
    }
    const all = await t.db.selectFrom("platform.shop_usage").select(["shop_id", "gmv"]).execute();
    const expected = [...all].sort((a, b) => Number(b.gmv) - Number(a.gmv) || Number(b.shop_id) - Number(a.shop_id)).map((r) => r.shop_id);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await listShopPage(t.db, { ...readShopListQuery(new URLSearchParams("sort=gmv")), after }, 3);
      seen.push(...page.shops.map((s) => s.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual(expected);

    const ascending = await listShopPage(t.db, readShopListQuery(new URLSearchParams("sort=name&dir=asc&q=bulk")), 100);
    expect(ascending.shops.map((s) => s.name)).toEqual(["Bulk 0", "Bulk 1", "Bulk 2", "Bulk 3", "Bulk 4", "Bulk 5", "Bulk 6"]);
    const closed = await listShopPage(t.db, readShopListQuery(new URLSearchParams("status=closed")), 100);
    expect(closed.shops).toEqual([]);
    // A forged cursor is ignored, not an error.
    const forged = await listShopPage(t.db, readShopListQuery(new URLSearchParams("sort=gmv&after=bm90LWpzb24")), 100);
    expect(forged.shops.length).toBe(all.length);
  });

  it("answers the console page with sort links and a next page", async () => {
    const operatorCookie = await operatorSession(app, t.db, "lister@example.com");
    const page = await adminGet(app, operatorCookie, "/operator?sort=gmv&dir=desc&q=bulk");
    expect(page.status).toBe(200);
    expect(page.body).toContain('aria-sort="descending"');
    expect(page.body).toContain("$20.00");
    const bad = await adminGet(app, operatorCookie, "/operator?sort=drop&dir=sideways&status=nope&after=not-a-cursor");
    expect(bad.status).toBe(200);
    // A NUL in the query never reaches the page: the edge refuses it (decision 025).
    expect((await adminGet(app, operatorCookie, "/operator?after=%00")).status).toBe(400);
  });
});
