import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { storeNavigation } from "../shop/storefront.server.ts";
import { verifyCredentials } from "../tenants/accounts.server.ts";
import { DEMO_MERCHANT, DEMO_OPERATOR, DEMO_PASSWORD, DEMO_SHOPS, seedDemo } from "../tenants/demo.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { addToCart } from "../shop/cart.server.ts";
import { findCheckout, priceCheckout, startCheckout, updateCheckout } from "../shop/checkout.server.ts";
import { payWithTestCard } from "../shop/test-gateway.server.ts";
import { createMailer } from "../jobs/processors/mail.server.ts";
import { jobStore } from "../jobs/queues.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";

const english = storefrontIntl("en");

let t: TestDatabase;
let mediaDir: string;
let storage: LocalDiskStorage;
beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-demo-media-"));
  storage = new LocalDiskStorage(mediaDir);
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("demo data", () => {
  it("creates three distinct shops and two logins, and a second run changes nothing", async () => {
    await seedDemo(t.db, storage);
    await seedDemo(t.db, storage);
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
      { orders: 30, products: 6, launched: true },
      { orders: 34, products: 5, launched: true },
      { orders: 38, products: 5, launched: false },
    ]);

    // Each shop looks like a real one, and like itself: photos on every product (stored, not downloaded), products
    // with options and variants, three collections in its menu, descriptions, and orders from several customers.
    const looks = await Promise.all(
      shops.map(async (shop) => {
        const db = tenantDb(t.db, shop.schema_name);
        const products = await db.selectFrom("products").select(["id", "title", "description_html"]).execute();
        const images = await db.selectFrom("product_media").select(["product_id", "storage_key"]).execute();
        const variants = await db.selectFrom("variants").select(["product_id", "image_id"]).execute();
        const customers = await db.selectFrom("orders").select("email").distinct().execute();
        const files: string[] = [];
        for await (const key of storage.list(`shops/${shop.id}/`)) files.push(key);
        return {
          everyProductHasAPhoto: products.every((p) => images.some((i) => i.product_id === p.id)),
          everyProductDescribed: products.every((p) => p.description_html.length > 20),
          withVariants: products.filter((p) => variants.filter((v) => v.product_id === p.id).length > 1).length,
          variantsWithOwnPhoto: variants.filter((v) => v.image_id !== null).length,
          storedFiles: files.length,
          menu: (await storeNavigation(db, storefrontIntl("en"))).nav.map((link) => link.title),
          customers: customers.length,
          titles: products.map((p) => p.title),
        };
      }),
    );
    for (const shop of looks) {
      expect(shop).toMatchObject({ everyProductHasAPhoto: true, everyProductDescribed: true });
      expect(shop.withVariants).toBeGreaterThanOrEqual(3);
      expect(shop.storedFiles).toBeGreaterThan(0);
      expect(shop.menu).toHaveLength(4);
      expect(shop.customers).toBeGreaterThanOrEqual(5);
    }
    expect(looks[0].menu).toEqual(["Shop all", "Blends", "Brewing gear", "Single origins"]);
    expect(looks[1].menu).toEqual(["Shop all", "Gifts", "Ink", "Notebooks"]);
    expect(looks.map((shop) => shop.variantsWithOwnPhoto > 0)).toEqual([true, true, true]);
    expect(looks[0].titles).not.toEqual(expect.arrayContaining([looks[1].titles[0]]));

    // Each shop has one visible "About us" page of its own (the second run added no other).
    const pages = await Promise.all(
      shops.map((shop) => tenantDb(t.db, shop.schema_name).selectFrom("pages").select(["handle", "title", "published", "body_html"]).execute()),
    );
    expect(pages.map((rows) => rows.map(({ handle, title, published }) => ({ handle, title, published })))).toEqual(
      shops.map(() => [{ handle: "about-us", title: "About us", published: true }]),
    );
    expect(new Set(pages.map((rows) => rows[0].body_html)).size).toBe(3);
  });

  it("takes a test order out of the box: stock, shipping rates and the test gateway", async () => {
    await seedDemo(t.db, storage);
    const shop = (await t.db.selectFrom("platform.shops").selectAll().where("slug", "=", DEMO_SHOPS[0].slug).executeTakeFirstOrThrow())!;
    const db = tenantDb(t.db, shop.schema_name);
    const variant = await db.selectFrom("variants").select("id").orderBy("id").executeTakeFirstOrThrow();
    const added = await addToCart(db, { customerId: null, token: null }, { variantId: variant.id, quantity: "1" }, english);
    if (!added.ok) throw new Error("not added");
    const started = await startCheckout(db, { customerId: null, token: added.newToken }, english);
    if (!started.ok) throw new Error(started.error);
    const address = { name: "Demo Shopper", line1: "1 Main St", line2: "", city: "Portland", region: "OR", postalCode: "97201", country: "US", phone: "" };
    await updateCheckout(db, (await findCheckout(db, started.token))!, { email: "demo-shopper@example.com", address });
    const pricing = await priceCheckout(db, (await findCheckout(db, started.token))!);
    expect(pricing.shippingOptions.map((o) => o.name)).toEqual(["Standard", "Express"]);
    await updateCheckout(db, (await findCheckout(db, started.token))!, { shippingRateId: pricing.shippingOptions[0].id });
    const mailer = createMailer(jobStore({ databaseUrl: t.url }));
    const deps = { db, platform: t.db, shop, origin: "http://north-coffee.localhost:3000", adminOrigin: "http://localhost:3000", deliverMail: mailer.deliver };
    try {
      expect((await payWithTestCard(deps, started.token, "4242424242424241")).kind).toBe("paid");
    } finally {
      await mailer.close();
    }
  });
});
