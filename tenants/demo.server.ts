import type { PlatformDb } from "../db/database.server.ts";
import type { FinancialStatus, Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { launchShop } from "../shop/dashboard.server.ts";
import { applyDiscount, saveDiscount, toRule } from "../shop/discounts.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { savePage } from "../shop/pages.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { createShippingRate, createShippingZone } from "../shop/settings.server.ts";
import { createOperator } from "../server/operator-auth.server.ts";
import { createUser } from "./accounts.server.ts";
import { tenantDb, type TenantDb } from "./handle.server.ts";
import { recordPaymentFee, refreshShopCounts, takePlatformSnapshot } from "./metering.server.ts";
import { lockPeriodPrice, platformFeeFor } from "./plans.server.ts";
import { provisionShop } from "./provision.server.ts";
import { findShopBySlug } from "./registry.server.ts";

export const DEMO_PASSWORD = "bazaar-demo";
export const DEMO_MERCHANT = "merchant@demo.bazaar.test";
export const DEMO_OPERATOR = "operator@demo.bazaar.test";
/** The demo operator's TOTP secret: public, like the demo password; add it to an authenticator app. */
export const DEMO_OPERATOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

export const DEMO_SHOPS = [
  {
    slug: "north-coffee",
    name: "North Coffee Roasters",
    headline: "Small-batch coffee, roasted on Mondays.",
    welcome: "Single origins and house blends, shipped the week they are roasted.",
    about:
      "<p>North Coffee Roasters started with a second-hand five-kilo roaster in a harbour shed. We still roast every Monday, in small batches, and ship each bag within the week.</p><p>We buy green coffee from the same handful of farms every year and pay well above the market price for it.</p>",
  },
  {
    slug: "paper-and-ink",
    name: "Paper & Ink",
    headline: "Notebooks for people who still write by hand.",
    welcome: "Stitched notebooks, fountain-pen-friendly paper and refills.",
    about:
      "<p>Paper &amp; Ink is two bookbinders and a long table. Every notebook is folded, stitched and trimmed by hand, on paper we test with our own fountain pens first.</p><p>If a page feathers or bleeds through, we don't sell it.</p>",
  },
  {
    slug: "fern-and-clay",
    name: "Fern & Clay",
    headline: "House plants and the pots they deserve.",
    welcome: "Hardy plants, hand-thrown planters and advice that keeps them alive.",
    about:
      "<p>Fern &amp; Clay is a plant nursery with a pottery wheel in the back. We grow hardy house plants and throw the planters they go home in.</p><p>Every plant comes with a care card, and we answer watering questions for as long as you have it.</p>",
  },
] as const;

/** Creates the demo logins and shops once; a second run finds them and changes nothing. */
export async function seedDemo(db: PlatformDb): Promise<void> {
  const merchant = await db.selectFrom("platform.users").select("id").where("email", "=", DEMO_MERCHANT).executeTakeFirst();
  const merchantId = merchant?.id ?? (await createUser(db, { email: DEMO_MERCHANT, password: DEMO_PASSWORD })).id;
  const operator = await db.selectFrom("platform.operators").select("id").where("email", "=", DEMO_OPERATOR).executeTakeFirst();
  if (!operator) await createOperator(db, { email: DEMO_OPERATOR, password: DEMO_PASSWORD, secret: DEMO_OPERATOR_TOTP_SECRET });
  for (const [index, demo] of DEMO_SHOPS.entries()) {
    let shop = await findShopBySlug(db, demo.slug);
    if (!shop) {
      shop = await provisionShop(db, { slug: demo.slug, name: demo.name, ownerId: merchantId });
      await tenantDb(db, shop.schema_name).updateTable("settings").set({ headline: demo.headline, welcome_text: demo.welcome }).execute();
    }
    await seedDemoSales(tenantDb(db, shop.schema_name), index);
    await seedAboutPage(tenantDb(db, shop.schema_name), demo.about);
    await seedShipping(tenantDb(db, shop.schema_name));
    await meterDemoSales(db, shop);
  }
  await takePlatformSnapshot(db);
}

/**
 * The demo's orders never went through payments, so the console's ledger and usage hear of them here: a paying
 * shop on its plan, one ledger row per paid order (idempotent, so a second run adds nothing), and the counts.
 */
async function meterDemoSales(db: PlatformDb, shop: Shop): Promise<void> {
  if (shop.billed_price === null) await lockPeriodPrice(db, shop.id);
  const orders = await tenantDb(db, shop.schema_name)
    .selectFrom("orders")
    .select(["id", "total", "currency", "created_at"])
    .where("financial_status", "=", "paid")
    .execute();
  for (const order of orders) {
    const { fee } = await platformFeeFor(db, shop.id, BigInt(order.total));
    await recordPaymentFee(db, {
      shopId: shop.id,
      paymentId: `demo_${shop.id}_${order.id}`,
      amount: BigInt(order.total),
      fee,
      currency: order.currency,
      at: order.created_at,
    });
  }
  await refreshShopCounts(db, shop);
}

/** Shipping rates, so the demo's checkout offers a choice; only for a shop without shipping zones yet. */
async function seedShipping(db: TenantDb): Promise<void> {
  if (await db.selectFrom("shipping_zones").select("id").limit(1).executeTakeFirst()) return;
  const zone = await createShippingZone(db, SYSTEM_ACTOR, { name: "Domestic and Europe", countries: "US, CA, GB, IE, FR, DE, NL, BE, ES, IT, SE, NO, DK, FI" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Standard", price: "5.00", minSubtotal: "" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Express", price: "15.00", minSubtotal: "" });
  await createShippingRate(db, SYSTEM_ACTOR, zone, { name: "Free shipping", price: "0", minSubtotal: "75.00" });
}

/** An "About us" page, linked from the storefront's footer; only for a shop without content pages yet. */
async function seedAboutPage(db: TenantDb, bodyHtml: string): Promise<void> {
  if (await db.selectFrom("pages").select("id").limit(1).executeTakeFirst()) return;
  await savePage(db, SYSTEM_ACTOR, { title: "About us", handle: "about-us", bodyHtml, visibility: "visible", seoTitle: "", seoDescription: "" });
}

const DEMO_CATALOGUES: { title: string; price: number }[][] = [
  [
    { title: "House Espresso Blend", price: 1_600 },
    { title: "Ethiopia Guji", price: 1_950 },
    { title: "Colombia Decaf", price: 1_700 },
    { title: "Paper Filters (100)", price: 650 },
  ],
  [
    { title: "A5 Dotted Notebook", price: 1_800 },
    { title: "Pocket Notebook, Set of 3", price: 1_200 },
    { title: "Fountain Pen Ink, Blue-Black", price: 1_400 },
  ],
  [
    { title: "Monstera Deliciosa", price: 3_400 },
    { title: "Snake Plant", price: 2_200 },
    { title: "Hand-thrown Planter, Small", price: 2_800 },
    { title: "Potting Mix, 5 L", price: 900 },
  ],
];
const DEMO_SHOPPERS = ["ana", "ben", "chloe", "dev", "elif", "finn", "grace", "hugo", "ines", "jonas"];
const DAY_MS = 86_400_000;

/**
 * A few products and a few dozen orders over the last 60 days, so the admin's orders,
 * customers, discounts and dashboard have something to show. Runs once per shop: a shop that
 * has orders is left alone. The first two shops are launched; the third still shows its
 * onboarding checklist.
 */
async function seedDemoSales(db: TenantDb, shopIndex: number): Promise<void> {
  if (await db.selectFrom("orders").select("id").limit(1).executeTakeFirst()) return;
  const now = Date.now();
  const style = await db.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const { currency } = style;
  const products: { title: string; price: number; id: string }[] = [];
  for (const item of DEMO_CATALOGUES[shopIndex]) {
    const saved = await saveProduct(db, SYSTEM_ACTOR, {
      title: item.title,
      handle: "",
      descriptionHtml: "",
      status: "active",
      vendor: "",
      productType: "",
      tags: [],
      seoTitle: "",
      seoDescription: "",
      options: [],
      variants: [{ optionValues: [], sku: "", price: item.price, compareAtPrice: null, inventoryQuantity: 40, continueSelling: false, weightGrams: 250 }],
    });
    products.push({ ...item, id: saved.id });
  }
  const startsAt = new Date(now - 61 * DAY_MS).toISOString().slice(0, 16);
  const saved = await saveDiscount(
    db,
    SYSTEM_ACTOR,
    {
      code: "WELCOME10",
      kind: "percentage",
      value: "10",
      appliesTo: "order",
      collectionIds: [],
      productIds: [],
      minSubtotal: "",
      startsAt,
      endsAt: "",
      usageLimit: "",
      perCustomerLimit: "1",
    },
    style,
  );
  const discount = saved.ok ? await db.selectFrom("discounts").selectAll().where("id", "=", saved.id).executeTakeFirstOrThrow() : null;

  // A fixed pseudo-random sequence per shop: the same demo every time.
  let seed = 7 + shopIndex * 31;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const count = 30 + shopIndex * 4;
  for (let i = 0; i < count; i++) {
    const placedAt = new Date(now - next(60) * DAY_MS - next(10 * 3_600_000));
    const picked = [...new Set([next(products.length), next(products.length)])].map((p) => products[p]);
    const lines = picked.map((p) => ({ productId: p.id, title: p.title, unitPrice: p.price, quantity: 1 + next(3) }));
    const shopper = DEMO_SHOPPERS[next(DEMO_SHOPPERS.length)];
    const email = `${shopper}@example.com`;
    const financialStatus: FinancialStatus = i % 11 === 5 ? "pending" : i % 17 === 8 ? "refunded" : "paid";
    const old = now - placedAt.getTime() > 5 * DAY_MS;
    let applied = null;
    if (discount && i % 5 === 0) {
      const result = applyDiscount(toRule(discount), { lines, shipping: 500 });
      const used = await db.selectFrom("discount_redemptions").select("id").where("customer_email", "=", email).executeTakeFirst();
      if (result.ok && !used) applied = { id: discount.id, code: discount.code, amount: result.application.total };
    }
    await recordOrder(db, {
      email,
      currency,
      lines,
      shippingTotal: 500,
      discount: applied,
      financialStatus,
      placedAt,
      customerName: { firstName: shopper[0].toUpperCase() + shopper.slice(1), lastName: "Example" },
      fulfillmentStatus: old && financialStatus === "paid" ? "fulfilled" : "unfulfilled",
    });
  }
  if (shopIndex < 2) await launchShop(db, SYSTEM_ACTOR, new Date(now - 62 * DAY_MS));
}
