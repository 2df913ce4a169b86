import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { refreshProductSummary } from "../shop/product-summary.server.ts";
import {
  boughtTogether,
  recommendedFor,
  recommendationPerformance,
  runRecommendations,
  setRecommendationRule,
} from "../shop/recommendations/recommendations.server.ts";
import { buildModel, type Signal } from "../shop/recommendations/compute.ts";
import { computeModel } from "../shop/recommendations/model.server.ts";
import { purgeOldSignals } from "../shop/recommendations/signals.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, variant } from "./support/storefront.ts";

// Two shops whose shoppers buy different things: each shop's lists come from its own orders and views only.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
const ids: Record<string, string> = {};

async function product(db: TenantDb, key: string, title: string, stock = 10) {
  const saved = await createProduct(db, { title, variants: [variant([], 1500, { inventoryQuantity: stock })] });
  ids[key] = saved.id;
  const row = await db.selectFrom("variants").select("id").where("product_id", "=", saved.id).executeTakeFirstOrThrow();
  ids[`${key}:variant`] = row.id;
}

async function order(db: TenantDb, email: string, keys: string[], daysAgo = 1) {
  await recordOrder(db, {
    email,
    currency: "USD",
    financialStatus: "paid",
    placedAt: new Date(Date.now() - daysAgo * 86_400_000),
    lines: keys.map((key) => ({ productId: ids[key], variantId: ids[`${key}:variant`], title: key, quantity: 1, unitPrice: 1500 })),
  });
}

const NORTH = ["mug", "saucer", "spoon", "poster", "kettle"];
const SOUTH = ["tent", "stove", "lamp"];
/** Product ids are per shop (each schema has its own sequences): names are looked up among one shop's products. */
const titles = (picks: { productId: string }[], keys = NORTH) => picks.map((p) => keys.find((key) => ids[key] === p.productId));

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestApp(t.url);
  const owner = await createUser(t.db, { email: "owner@recs.example", password: "recs-password-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  for (const db of [northDb, southDb]) await db.updateTable("settings").set({ launched_at: new Date() }).execute();
  await product(northDb, "mug", "Mug");
  await product(northDb, "saucer", "Saucer");
  await product(northDb, "spoon", "Spoon");
  await product(northDb, "poster", "Poster");
  await product(northDb, "kettle", "Kettle");
  await product(southDb, "tent", "Tent");
  await product(southDb, "stove", "Stove");
  await product(southDb, "lamp", "Lamp");
  // North: mugs go with saucers, then spoons; posters sell on their own. South: tents go with stoves.
  for (let i = 0; i < 5; i++) await order(northDb, `n${i}@example.com`, ["mug", "saucer"]);
  for (let i = 0; i < 2; i++) await order(northDb, `s${i}@example.com`, ["mug", "spoon"]);
  for (let i = 0; i < 6; i++) await order(northDb, `p${i}@example.com`, ["poster"]);
  await order(northDb, "kettle@example.com", ["kettle", "mug"]);
  for (let i = 0; i < 4; i++) await order(southDb, `t${i}@example.com`, ["tent", "stove"]);
  await order(southDb, "lamp@example.com", ["lamp"]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("the recommendations job", () => {
  it("computes each shop's lists from its own orders only, in one generation", async () => {
    const first = await runRecommendations(northDb);
    expect(first.generation).toBe("1");
    await runRecommendations(southDb);
    expect(titles(await boughtTogether(northDb, ids.mug, { limit: 3 }))).toEqual(["saucer", "spoon", "kettle"]);
    expect(titles(await boughtTogether(southDb, ids.tent, { limit: 1 }), SOUTH)).toEqual(["stove"]);
    // Each shop's rows name its own products only (the ids overlap between schemas, the pairs don't).
    const southPairs = await southDb
      .selectFrom("recommendations")
      .select(["subject", "product_id"])
      .where("list", "=", "bought_together")
      .orderBy("subject")
      .execute();
    expect(southPairs).toEqual(
      [
        { subject: ids.stove, product_id: ids.tent },
        { subject: ids.tent, product_id: ids.stove },
      ].sort((a, b) => a.subject.localeCompare(b.subject)),
    );
    // The signal behind each pick is kept for the admin.
    const reason = await northDb
      .selectFrom("recommendations")
      .select("reason")
      .where("subject", "=", ids.mug)
      .where("product_id", "=", ids.saucer)
      .executeTakeFirstOrThrow();
    expect(reason.reason).toBe("Bought together in 5 orders");
  });

  it("gives the same lists when run twice, and a customer's own picks", async () => {
    const before = await northDb
      .selectFrom("recommendations")
      .select(["list", "subject", "product_id"])
      .orderBy("list")
      .orderBy("subject")
      .orderBy("product_id")
      .execute();
    const second = await runRecommendations(northDb);
    expect(second.generation).toBe("2");
    const after = await northDb
      .selectFrom("recommendations")
      .select(["list", "subject", "product_id"])
      .orderBy("list")
      .orderBy("subject")
      .orderBy("product_id")
      .execute();
    expect(after).toEqual(before);
    // The kettle buyer bought a mug too: saucers are what mug buyers take, and new to them.
    const kettleBuyer = await northDb.selectFrom("customers").select("id").where("email", "=", "kettle@example.com").executeTakeFirstOrThrow();
    const picks = await recommendedFor(northDb, { customerId: kettleBuyer.id }, { limit: 3 });
    expect(picks[0]).toMatchObject({ productId: ids.saucer, list: "for_you" });
    // A new visitor gets trending, led by the best seller of the last weeks.
    expect(titles(await recommendedFor(northDb, {}, { limit: 1 }))).toEqual(["mug"]);
  });

  it("never shows a product that is sold out, archived or in the cart", async () => {
    await northDb.updateTable("variants").set({ inventory_quantity: 0 }).where("product_id", "=", ids.saucer).execute();
    await refreshProductSummary(northDb, ids.saucer);
    await northDb.updateTable("products").set({ status: "archived" }).where("id", "=", ids.spoon).execute();
    try {
      expect(titles(await boughtTogether(northDb, ids.mug, { limit: 2, exclude: [ids.kettle] }))).not.toContain("saucer");
      const shown = titles(await boughtTogether(northDb, ids.mug, { limit: 4, exclude: [ids.kettle] }));
      expect(shown).not.toContain("saucer");
      expect(shown).not.toContain("spoon");
      expect(shown).not.toContain("kettle");
      expect(shown).not.toContain("mug");
    } finally {
      await northDb.updateTable("variants").set({ inventory_quantity: 10 }).where("product_id", "=", ids.saucer).execute();
      await refreshProductSummary(northDb, ids.saucer);
      await northDb.updateTable("products").set({ status: "active" }).where("id", "=", ids.spoon).execute();
    }
  });

  it("puts the merchant's pins first and leaves exclusions out, at once and after the next run", async () => {
    expect(await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "poster", "pin")).toMatchObject({ ok: true });
    expect(await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "saucer", "exclude")).toMatchObject({ ok: true });
    expect(await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "mug", "pin")).toEqual({
      ok: false,
      error: "A product can't be recommended with itself.",
    });
    expect(await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "tent", "pin")).toEqual({ ok: false, error: "No product has that handle." });
    // A product id from the address that isn't one is refused, not sent to the database.
    for (const id of ["abc", "99999999999999999999"]) {
      expect(await setRecommendationRule(northDb, SYSTEM_ACTOR, id, "poster", "pin")).toEqual({ ok: false, error: "That product no longer exists." });
    }
    expect(titles(await boughtTogether(northDb, ids.mug, { limit: 2 }))).toEqual(["poster", "spoon"]);
    await runRecommendations(northDb);
    expect(titles(await boughtTogether(northDb, ids.mug, { limit: 2 }))).toEqual(["poster", "spoon"]);
    // Lifted, both come back to their computed places.
    await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "poster", null);
    await setRecommendationRule(northDb, SYSTEM_ACTOR, ids.mug, "saucer", null);
    await runRecommendations(northDb);
    expect(titles(await boughtTogether(northDb, ids.mug, { limit: 1 }))).toEqual(["saucer"]);
  });
});

describe("signals from the storefront", () => {
  it("records a view with a host-only visitor cookie, attributes the add-to-cart and the sale to the block", async () => {
    const shopper = new ShopperClient(app, "north.shops.test");
    const view = await shopper.post("/recommendations/views", { productId: ids.saucer, ref: "bought_together" });
    expect(view.status).toBe(204);
    const cookie = view.headers["set-cookie"]!.find((c) => c.startsWith("bazaar_visitor="))!;
    expect(cookie).toMatch(/; Path=\/; Max-Age=31536000; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Domain=/i);
    const visitorId = shopper.cookie("bazaar_visitor")!;
    expect((await shopper.post("/cart", { variantId: ids["saucer:variant"], quantity: "1" })).status).toBe(303);
    const signals = await northDb
      .selectFrom("shopper_signals")
      .select(["kind", "source", "product_id"])
      .where("visitor_id", "=", visitorId)
      .orderBy("id")
      .execute();
    expect(signals).toEqual([
      { kind: "view", source: "bought_together", product_id: ids.saucer },
      { kind: "cart", source: "bought_together", product_id: ids.saucer },
    ]);
    // The other shop has nothing of this visitor.
    expect(await southDb.selectFrom("shopper_signals").selectAll().execute()).toEqual([]);

    // Paid through the test gateway: the sale is the block's.
    const checkout = await shopper.post("/cart", { intent: "checkout" });
    const path = checkout.headers.location!;
    const address = {
      email: "viewer@example.com",
      name: "Vi Ewer",
      line1: "1 Road",
      line2: "",
      city: "Leeds",
      region: "",
      postalCode: "LS1 1AA",
      country: "GB",
      phone: "",
      discountCode: "",
    };
    await northDb
      .insertInto("shipping_zones")
      .values({ name: "UK", countries: ["GB"] })
      .execute();
    const zone = await northDb.selectFrom("shipping_zones").select("id").executeTakeFirstOrThrow();
    await northDb.insertInto("shipping_rates").values({ zone_id: zone.id, name: "Post", price: 0 }).execute();
    const rate = await northDb.selectFrom("shipping_rates").select("id").executeTakeFirstOrThrow();
    expect((await shopper.post(path, { intent: "update", ...address, shippingRateId: rate.id })).status).toBe(303);
    const paid = await shopper.post(path, { intent: "pay", ...address, shippingRateId: rate.id, card: "4242424242424241", expectedTotal: "1500" });
    expect(paid.status).toBe(303);
    const performance = await recommendationPerformance(northDb, new Date(Date.now() - 86_400_000));
    expect(performance).toEqual({ views: 1, addToCarts: 1, orders: 1, revenue: "1500" });
  });

  it("counts a view from a browser without JavaScript through the page's image, never through another site's", async () => {
    const page = await new ShopperClient(app, "south.shops.test").get("/products/lamp?ref=trending");
    expect(page.body).toContain(`<noscript><img src="/recommendations/views?productId=${ids.lamp}&amp;ref=trending"`);
    const image = { "sec-fetch-dest": "image" };
    const elsewhere = new ShopperClient(app, "south.shops.test");
    const refused = await elsewhere.get(`/recommendations/views?productId=${ids.lamp}&ref=trending`, { ...image, "sec-fetch-site": "cross-site" });
    expect([refused.status, refused.headers["content-type"], refused.headers["set-cookie"]]).toEqual([200, "image/gif", undefined]);
    const shopper = new ShopperClient(app, "south.shops.test");
    const counted = await shopper.get(`/recommendations/views?productId=${ids.lamp}&ref=trending`, { ...image, "sec-fetch-site": "same-origin" });
    expect(counted.status).toBe(200);
    const signals = await southDb.selectFrom("shopper_signals").select(["visitor_id", "kind", "source", "product_id"]).execute();
    expect(signals).toEqual([{ visitor_id: shopper.cookie("bazaar_visitor"), kind: "view", source: "trending", product_id: ids.lamp }]);
    await southDb.deleteFrom("shopper_signals").execute();
  });

  it("records nothing and sets no cookie for a browser that asks not to be tracked", async () => {
    for (const header of [{ dnt: "1" }, { "sec-gpc": "1" }] as Record<string, string>[]) {
      const shopper = new ShopperClient(app, "north.shops.test");
      const res = await shopper.post("/recommendations/views", { productId: ids.mug, ref: "" }, header);
      expect(res.status).toBe(204);
      expect(res.headers["set-cookie"] ?? []).toEqual([]);
    }
    const count = await northDb
      .selectFrom("shopper_signals")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("product_id", "=", ids.mug)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe("0");
  });

  it("ignores a view of a product that doesn't exist or of nonsense, without a cookie", async () => {
    const shopper = new ShopperClient(app, "north.shops.test");
    for (const productId of ["999", "abc", "99999999999999999999", ""]) {
      expect((await shopper.post("/recommendations/views", { productId, ref: "<script>" })).status).toBe(204);
    }
    // A control character is refused at the edge, as everywhere.
    expect((await shopper.post("/recommendations/views", { productId: "\u0000", ref: "" })).status).toBe(400);
    expect(shopper.cookie("bazaar_visitor")).toBeUndefined();
  });

  it("drops signals past the shop's retention period", async () => {
    const old = new Date(Date.now() - 200 * 86_400_000);
    await southDb
      .insertInto("shopper_signals")
      .values({ visitor_id: "00000000-0000-4000-8000-000000000001", product_id: ids.lamp, kind: "view", at: old })
      .execute();
    await southDb.insertInto("shopper_signals").values({ visitor_id: "00000000-0000-4000-8000-000000000001", product_id: ids.lamp, kind: "view" }).execute();
    expect(await purgeOldSignals(southDb)).toBe(1);
    expect(await purgeOldSignals(northDb)).toBe(0);
  });
});

describe("blocks on the storefront", () => {
  it("shows bought-together picks on a product page, linking back with the block's name", async () => {
    await runRecommendations(northDb);
    const res = await app.request("north.shops.test", "/products/mug");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Frequently bought together");
    expect(res.body).toContain('href="/products/saucer?ref=bought_together"');
  });

  it("a shop with no results yet still serves its pages, with related products or no block", async () => {
    await runRecommendations(southDb);
    await southDb.deleteFrom("recommendations").execute();
    const productPage = await app.request("south.shops.test", "/products/tent");
    expect(productPage.status).toBe(200);
    expect(productPage.body).not.toContain("Frequently bought together");
    const home = await app.request("south.shops.test", "/");
    expect(home.status).toBe(200);
    expect(home.body).not.toContain("Trending now");
  });

  it("shows a new visitor trending on the home page and a shopper their own picks in the cart, never the cart's items", async () => {
    const home = await app.request("north.shops.test", "/");
    expect(home.body).toContain("Trending now");
    const shopper = new ShopperClient(app, "north.shops.test");
    await shopper.post("/recommendations/views", { productId: ids.mug, ref: "" });
    await shopper.post("/cart", { variantId: ids["mug:variant"], quantity: "1" });
    await runRecommendations(northDb);
    const cart = await shopper.get("/cart");
    expect(cart.body).toContain("Recommended for you");
    const block = cart.body.slice(cart.body.indexOf("Recommended for you"));
    expect(block).toContain("/products/saucer?ref=for_you");
    expect(block).not.toContain("/products/mug?ref=");
  });
});

describe("the model of a large shop", () => {
  it("is computed on a worker thread with exactly the lists computed inline", async () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const kinds = ["view", "cart", "purchase"] as const;
    // A deterministic shop: 300 shoppers, 80 products, baskets of related products over the last months.
    const signals: Signal[] = [];
    for (let n = 0; n < 6000; n++) {
      const user = n % 7 === 0 ? null : `c${n % 300}`;
      const product = String(1 + ((n * 31 + Math.floor(n / 3)) % 80));
      signals.push({ basket: String(Math.floor(n / 3)), user, productId: product, kind: kinds[n % 3], at: new Date(now.getTime() - (n % 90) * 86_400_000) });
    }
    const options = { now, recommendable: Array.from({ length: 80 }, (_, i) => String(80 - i)) };
    const inline = buildModel(signals, options);
    const threaded = await computeModel(signals, options, 0);
    expect(threaded.boughtTogether.size).toBeGreaterThan(40);
    expect(threaded).toEqual(inline);
  });
});
