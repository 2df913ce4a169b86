// `npx tsx bench/checkout.ts`: checkout speed, through the same functions the checkout page and the gateways call.
//
// 1. Checkout creation with Stripe: opening the checkout from a cart, saving the shopper's details, then starting
//    the payment (prices frozen, stock reserved, platform fee, a PaymentIntent created through the real `stripe`
//    SDK on a local fake Stripe server). One at a time; goal: p95 under 100 ms.
// 2. Orders per second with 50 shoppers checking out at once through the test gateway, in one shop and spread over
//    10 shops, alternated in rounds so machine noise hits both alike; prints the ratio and the load average.
//
// DATABASE_URL set: a new database on that server, dropped at the end. Unset: the embedded PostgreSQL in
// .data/bench-postgres on port 5435. BENCH_CHECKOUTS (200) and BENCH_ROUNDS (4) shrink a run.
import os from "node:os";
import path from "node:path";
import { createDatabase, type PlatformDb } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import type { Shop } from "../db/types.ts";
import { createMailer } from "../jobs/processors/mail.server.ts";
import { jobStore } from "../jobs/queues.server.ts";
import { stripeFromEnv } from "../server/stripe.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { addToCart } from "../shop/cart.server.ts";
import { findCheckout, startCheckout, updateCheckout, type CheckoutDeps } from "../shop/checkout.server.ts";
import { createShippingRate, createShippingZone } from "../shop/settings.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { startStripePayment } from "../shop/stripe-gateway.server.ts";
import { payWithTestCard } from "../shop/test-gateway.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { FakeStripe } from "../tests/support/fake-stripe.ts";
import { envInt, openBenchServer, runAdminQuery, heading, ms, printFigures, printTable, summarize, type Figure } from "./support.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";

const english = storefrontIntl("en");

const CHECKOUTS = envInt("BENCH_CHECKOUTS", 200);
const ROUNDS = envInt("BENCH_ROUNDS", 4);
const SHOPPERS = 50;
const ADDRESS = { name: "Bench Shopper", line1: "1 Main St", line2: "", city: "Springfield", region: "", postalCode: "12345", country: "US", phone: "" };

/** A launched shop with one product in plenty of stock and one shipping rate. */
async function benchShop(db: PlatformDb, ownerId: string, slug: string): Promise<{ shop: Shop; variantId: string; rateId: string }> {
  const shop = await provisionShop(db, { slug, name: slug, ownerId });
  const shopDb = tenantDb(db, shop.schema_name);
  const product = await saveProduct(shopDb, SYSTEM_ACTOR, {
    title: "Bench Mug",
    handle: "bench-mug",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: [],
    variants: [{ optionValues: [], sku: "", price: 1500, compareAtPrice: null, inventoryQuantity: 1_000_000, continueSelling: false, weightGrams: 0 }],
  });
  const variant = await shopDb.selectFrom("variants").select("id").where("product_id", "=", product.id).executeTakeFirstOrThrow();
  const zone = await createShippingZone(shopDb, SYSTEM_ACTOR, { name: "US", countries: "US" });
  const rateId = await createShippingRate(shopDb, SYSTEM_ACTOR, zone, { name: "Ground", price: "5.00", minSubtotal: "" });
  await shopDb.updateTable("settings").set({ launched_at: new Date() }).execute();
  return { shop, variantId: variant.id, rateId };
}

/** A cart with one mug and a checkout with the shopper's details saved: what the checkout page does before paying. */
async function openCheckout(db: PlatformDb, target: { shop: Shop; variantId: string; rateId: string }, n: number): Promise<string> {
  const shopDb = tenantDb(db, target.shop.schema_name);
  const added = await addToCart(shopDb, { customerId: null, token: null }, { variantId: target.variantId, quantity: "1" }, english);
  if (!added.ok) throw new Error("add to cart failed");
  const started = await startCheckout(shopDb, { customerId: null, token: added.newToken }, english);
  if (!started.ok) throw new Error(started.error);
  const checkout = await findCheckout(shopDb, started.token);
  await updateCheckout(shopDb, checkout!, { email: `shopper${n}@example.com`, address: ADDRESS, shippingRateId: target.rateId });
  return started.token;
}

function deps(db: PlatformDb, shop: Shop): CheckoutDeps {
  return {
    db: tenantDb(db, shop.schema_name),
    platform: db,
    shop,
    origin: `http://${shop.slug}.localhost`,
    adminOrigin: "http://localhost",
    deliverMail: mailer.deliver,
  };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const server = await openBenchServer();
const name = `bazaar_bench_checkout_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
const databaseUrl = new URL(server.adminUrl);
databaseUrl.pathname = `/${name}`;
const fake = await new FakeStripe().start();
// Mail would go to .data/mail once per order; keep it out of the project.
process.env.MAIL_DIR = path.join(os.tmpdir(), `${name}-mail`);
// Mail that can't be filed would wait in the bench database's job tables.
const mailer = createMailer(jobStore({ databaseUrl: databaseUrl.href }));

try {
  heading(`checkout: Node ${process.version}, ${os.cpus().length} cores`);
  await runAdminQuery(server.adminUrl, `create database ${name}`);
  const db = createDatabase({ url: databaseUrl.href, max: 20 });
  await migratePlatform(db);
  const owner = await createUser(db, { email: "bench@example.com", password: "bench-password" });
  const shops: Awaited<ReturnType<typeof benchShop>>[] = [];
  for (let i = 0; i < 10; i++) shops.push(await benchShop(db, owner.id, `bench-shop-${i}`));
  const figures: Figure[] = [];

  // 1. Checkout creation through Stripe (fake server, real SDK).
  const stripe = stripeFromEnv(fake.env())!;
  const accountId = "acct_bench";
  const creation: number[] = [];
  for (let i = 0; i < CHECKOUTS; i++) {
    const started = performance.now();
    const token = await openCheckout(db, shops[0], i);
    const result = await startStripePayment(deps(db, shops[0].shop), { client: stripe.client, accountId }, token);
    creation.push(performance.now() - started);
    if (result.kind !== "client") throw new Error(`checkout ${i}: ${result.kind}`);
  }
  const stats = summarize(creation);
  heading(`checkout creation with Stripe: ${CHECKOUTS} checkouts, one at a time`);
  printTable(["", "p50", "p95", "max"], [["cart → details → PaymentIntent", ms(stats.p50), ms(stats.p95), ms(stats.max)]]);
  console.log(`load average: ${load()}`);
  figures.push({ benchmark: "checkout creation (Stripe, fake server), p95", measured: ms(stats.p95), goal: "< 100 ms", met: stats.p95 < 100 });

  // 2. Orders per second, 50 shoppers at once: one shop against ten, alternated.
  const rates: Record<"one shop" | "ten shops", number[]> = { "one shop": [], "ten shops": [] };
  let shopper = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const layout of ["one shop", "ten shops"] as const) {
      const targets = Array.from({ length: SHOPPERS }, (_, i) => (layout === "one shop" ? shops[0] : shops[i % shops.length]));
      const tokens = await Promise.all(targets.map((target) => openCheckout(db, target, shopper++)));
      const started = performance.now();
      const results = await Promise.all(tokens.map((token, i) => payWithTestCard(deps(db, targets[i].shop), token, "4242424242424241")));
      const seconds = (performance.now() - started) / 1000;
      if (results.some((r) => r.kind !== "paid")) throw new Error(`${layout}: not every checkout was paid`);
      rates[layout].push(SHOPPERS / seconds);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  heading(`orders per second, ${SHOPPERS} shoppers paying at once, ${ROUNDS} rounds alternated`);
  printTable(
    ["layout", "median orders/s", "rounds"],
    (["one shop", "ten shops"] as const).map((layout) => [layout, median(rates[layout]).toFixed(1), rates[layout].map((r) => r.toFixed(1)).join(" ")]),
  );
  const ratio = median(rates["ten shops"]) / median(rates["one shop"]);
  console.log(`ten shops / one shop: ${ratio.toFixed(2)}×   load average: ${load()}`);
  figures.push({ benchmark: "orders/s, 50 shoppers, one shop (median)", measured: median(rates["one shop"]).toFixed(1) });
  figures.push({ benchmark: "orders/s, 50 shoppers, ten shops (median)", measured: median(rates["ten shops"]).toFixed(1) });
  heading("summary");
  printFigures(figures);
  await mailer.close();
  await db.destroy();
} catch (error) {
  process.exitCode = 1;
  console.error(error);
} finally {
  await fake.stop();
  await runAdminQuery(server.adminUrl, `drop database if exists ${name} with (force)`);
  await server.stop();
}
