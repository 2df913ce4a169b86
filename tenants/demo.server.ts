import type { PlatformDb } from "../db/database.server.ts";
import type { FinancialStatus, Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { addProductsToCollection, saveCollection } from "../shop/collections.server.ts";
import { launchShop } from "../shop/dashboard.server.ts";
import { applyDiscount, saveDiscount, toRule } from "../shop/discounts.server.ts";
import { prepareImage, saveProductImages } from "../shop/media.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { savePage } from "../shop/pages.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { createShippingRate, createShippingZone } from "../shop/settings.server.ts";
import type { MediaStorage } from "../shop/storage.server.ts";
import { createOperator } from "../server/operator-auth.server.ts";
import { createUser } from "./accounts.server.ts";
import { productPhoto, type PhotoObject } from "./demo-photos.server.ts";
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

/** Creates the demo logins and shops once; a second run finds them and changes nothing. Photos go to `storage`. */
export async function seedDemo(db: PlatformDb, storage: MediaStorage): Promise<void> {
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
    await seedDemoSales(tenantDb(db, shop.schema_name), storage, shop.id, index);
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

/** A demo product: options as [value, price difference] pairs; photos per colour (the first option, if it's Colour). */
interface DemoProduct {
  title: string;
  price: number;
  compareAt?: number;
  vendor: string;
  type: string;
  tags: string[];
  description: string;
  options?: { name: string; values: [string, number][] }[];
  photos: [PhotoObject, string, string][];
  collections: string[];
  /** Units per variant; 0 shows "Sold out". */
  stock?: number;
}

interface DemoCatalogue {
  collections: { handle: string; title: string; description: string }[];
  products: DemoProduct[];
}

const SIZES_COFFEE: [string, number][] = [
  ["250 g", 0],
  ["1 kg", 3_800],
];
const GRINDS: [string, number][] = [
  ["Whole bean", 0],
  ["Espresso", 0],
  ["Filter", 0],
];

const DEMO_CATALOGUES: DemoCatalogue[] = [
  {
    collections: [
      { handle: "single-origins", title: "Single origins", description: "<p>One farm, one harvest, roasted to show where it grew.</p>" },
      { handle: "blends", title: "Blends", description: "<p>Our house coffees, balanced for espresso and milk.</p>" },
      { handle: "brewing", title: "Brewing gear", description: "<p>What we use on the bar, for home.</p>" },
    ],
    products: [
      {
        title: "House Espresso Blend",
        price: 1_600,
        vendor: "North Coffee Roasters",
        type: "Coffee",
        tags: ["espresso", "blend"],
        description:
          "<p>Chocolate, hazelnut and a little dried cherry. Made for espresso, friendly to milk.</p><ul><li>Brazil and Guatemala</li><li>Roasted on Mondays</li></ul>",
        options: [
          { name: "Size", values: SIZES_COFFEE },
          { name: "Grind", values: GRINDS },
        ],
        photos: [["coffee-bag", "#3b2a20", "#efe6da"]],
        collections: ["blends"],
      },
      {
        title: "Ethiopia Guji",
        price: 1_950,
        vendor: "North Coffee Roasters",
        type: "Coffee",
        tags: ["filter", "single origin"],
        description: "<p>Washed heirloom varieties from Guji: jasmine, peach and bergamot. Best as pour-over.</p>",
        options: [
          { name: "Size", values: SIZES_COFFEE },
          { name: "Grind", values: GRINDS },
        ],
        photos: [["coffee-bag", "#c46a2b", "#f6ead9"]],
        collections: ["single-origins"],
      },
      {
        title: "Kenya Kirinyaga",
        price: 2_100,
        compareAt: 2_400,
        vendor: "North Coffee Roasters",
        type: "Coffee",
        tags: ["filter", "single origin"],
        description: "<p>Blackcurrant and grapefruit, with a syrupy body. The last bags of this harvest.</p>",
        options: [{ name: "Size", values: SIZES_COFFEE }],
        photos: [["coffee-bag", "#8e2f3c", "#f3e4e4"]],
        collections: ["single-origins"],
      },
      {
        title: "Colombia Decaf",
        price: 1_700,
        vendor: "North Coffee Roasters",
        type: "Coffee",
        tags: ["decaf"],
        description: "<p>Sugarcane-processed decaf that still tastes of caramel and red apple.</p>",
        options: [{ name: "Size", values: SIZES_COFFEE }],
        photos: [["coffee-bag", "#7a8b5a", "#eef1e6"]],
        collections: ["single-origins", "blends"],
      },
      {
        title: "Ceramic Dripper",
        price: 3_200,
        vendor: "Fern & Clay",
        type: "Brewing",
        tags: ["pour-over"],
        description: "<p>A hand-thrown cone dripper that holds heat. Takes size 02 filters.</p>",
        options: [
          {
            name: "Colour",
            values: [
              ["Sand", 0],
              ["Slate", 0],
            ],
          },
        ],
        photos: [
          ["mug", "#d9b48f", "#efe6da"],
          ["mug", "#4f5d6b", "#e3e7ea"],
        ],
        collections: ["brewing"],
      },
      {
        title: "Paper Filters (100)",
        price: 650,
        vendor: "North Coffee Roasters",
        type: "Brewing",
        tags: ["pour-over"],
        description: "<p>Unbleached paper, rinsed clean in a second. One hundred to a box.</p>",
        photos: [["filters", "#f1ead9", "#e9e2d3"]],
        collections: ["brewing"],
        stock: 0,
      },
    ],
  },
  {
    collections: [
      { handle: "notebooks", title: "Notebooks", description: "<p>Stitched by hand, on paper that takes a fountain pen.</p>" },
      { handle: "ink", title: "Ink", description: "<p>Bottled inks we write with ourselves.</p>" },
      { handle: "gifts", title: "Gifts", description: "<p>For people who still send letters.</p>" },
    ],
    products: [
      {
        title: "A5 Notebook",
        price: 1_800,
        vendor: "Paper & Ink",
        type: "Notebook",
        tags: ["a5", "stitched"],
        description: "<p>96 pages of 90 g/m² cream paper, thread-stitched so it lies flat. No feathering, no bleed-through.</p>",
        options: [
          {
            name: "Colour",
            values: [
              ["Forest", 0],
              ["Navy", 0],
              ["Rust", 0],
            ],
          },
          {
            name: "Ruling",
            values: [
              ["Dotted", 0],
              ["Lined", 0],
              ["Plain", 0],
            ],
          },
        ],
        photos: [
          ["notebook", "#2f5d46", "#e6efe9"],
          ["notebook", "#22345c", "#e4e8f1"],
          ["notebook", "#a4502b", "#f4e7de"],
        ],
        collections: ["notebooks", "gifts"],
      },
      {
        title: "Pocket Notebooks, Set of 3",
        price: 1_200,
        vendor: "Paper & Ink",
        type: "Notebook",
        tags: ["pocket"],
        description: "<p>Three slim notebooks for a back pocket, 48 pages each.</p>",
        options: [
          {
            name: "Ruling",
            values: [
              ["Dotted", 0],
              ["Lined", 0],
            ],
          },
        ],
        photos: [["notebook", "#c9a66b", "#f5eddf"]],
        collections: ["notebooks"],
      },
      {
        title: "Fountain Pen Ink, Blue-Black",
        price: 1_400,
        vendor: "Paper & Ink",
        type: "Ink",
        tags: ["ink"],
        description: "<p>A calm blue-black that dries in seconds and stays put on the page.</p>",
        options: [
          {
            name: "Size",
            values: [
              ["30 ml", 0],
              ["50 ml", 500],
            ],
          },
        ],
        photos: [["ink", "#1f2a44", "#e6e9f0"]],
        collections: ["ink"],
      },
      {
        title: "Fountain Pen Ink, Sepia",
        price: 1_400,
        vendor: "Paper & Ink",
        type: "Ink",
        tags: ["ink"],
        description: "<p>Warm brown ink with a little shading, for letters and journals.</p>",
        photos: [["ink", "#704214", "#f3e9df"]],
        collections: ["ink", "gifts"],
      },
      {
        title: "Linen Pen Roll",
        price: 3_400,
        compareAt: 3_900,
        vendor: "Paper & Ink",
        type: "Accessory",
        tags: ["gift"],
        description: "<p>Holds six pens, rolls up and ties with a cotton tape.</p>",
        photos: [["cloth", "#5b6c8f", "#e6e9f0"]],
        collections: ["gifts"],
      },
    ],
  },
  {
    collections: [
      { handle: "plants", title: "Plants", description: "<p>Hardy house plants, grown in our own greenhouse.</p>" },
      { handle: "planters", title: "Planters", description: "<p>Thrown on the wheel in the back of the shop.</p>" },
      { handle: "plant-care", title: "Plant care", description: "<p>What keeps them growing.</p>" },
    ],
    products: [
      {
        title: "Monstera Deliciosa",
        price: 3_400,
        vendor: "Fern & Clay",
        type: "Plant",
        tags: ["bright light"],
        description: "<p>The Swiss cheese plant: big split leaves, forgiving about water. Bright, indirect light.</p>",
        options: [
          {
            name: "Size",
            values: [
              ["Small", 0],
              ["Medium", 1_600],
              ["Large", 3_600],
            ],
          },
        ],
        photos: [["plant", "#2f7d4a", "#e6f0e8"]],
        collections: ["plants"],
      },
      {
        title: "Snake Plant",
        price: 2_200,
        vendor: "Fern & Clay",
        type: "Plant",
        tags: ["low light", "easy"],
        description: "<p>Upright and nearly unkillable. Water once a month; happy in a dim corner.</p>",
        options: [
          {
            name: "Size",
            values: [
              ["Small", 0],
              ["Large", 1_800],
            ],
          },
        ],
        photos: [["tall-plant", "#4f7942", "#eaf0e4"]],
        collections: ["plants"],
      },
      {
        title: "Hand-thrown Planter",
        price: 2_800,
        vendor: "Fern & Clay",
        type: "Planter",
        tags: ["stoneware"],
        description: "<p>Stoneware with a drainage hole and a saucer, glazed inside.</p>",
        options: [
          {
            name: "Colour",
            values: [
              ["Terracotta", 0],
              ["Sage", 0],
              ["Chalk", 0],
            ],
          },
          {
            name: "Size",
            values: [
              ["Small", 0],
              ["Large", 1_800],
            ],
          },
        ],
        photos: [
          ["planter", "#c0693f", "#f4e6dc"],
          ["planter", "#9bb59a", "#e8efe6"],
          ["planter", "#ece7de", "#d9d0c3"],
        ],
        collections: ["planters"],
      },
      {
        title: "Potting Mix, 5 L",
        price: 900,
        vendor: "Fern & Clay",
        type: "Care",
        tags: ["soil"],
        description: "<p>Peat-free mix with bark and perlite, for roots that like air.</p>",
        photos: [["soil", "#5a3d2b", "#efe8dd"]],
        collections: ["plant-care"],
      },
      {
        title: "Golden Pothos",
        price: 1_600,
        vendor: "Fern & Clay",
        type: "Plant",
        tags: ["trailing", "easy"],
        description: "<p>Trailing vines with gold-splashed leaves. Back in stock in spring.</p>",
        photos: [["plant", "#8bbf4a", "#f1f5e6"]],
        collections: ["plants"],
        stock: 0,
      },
    ],
  },
];
const DEMO_SHOPPERS = ["ana", "ben", "chloe", "dev", "elif", "finn", "grace", "hugo", "ines", "jonas"];
const DAY_MS = 86_400_000;
const DEMO_PHOTO_SIZE = 480;

/** Every combination of the options' values, with its price: the base plus each value's difference. */
function demoVariants(item: DemoProduct): { optionValues: string[]; price: number }[] {
  return (item.options ?? []).reduce<{ optionValues: string[]; price: number }[]>(
    (rows, option) => rows.flatMap((row) => option.values.map(([value, extra]) => ({ optionValues: [...row.optionValues, value], price: row.price + extra }))),
    [{ optionValues: [], price: item.price }],
  );
}

/** Saves a demo product with its photos (drawn now, nothing downloaded); a Colour option's variants show their colour's photo. */
async function saveDemoProduct(db: TenantDb, storage: MediaStorage, shopId: string, item: DemoProduct) {
  const variants = demoVariants(item);
  const saved = await saveProduct(db, SYSTEM_ACTOR, {
    title: item.title,
    handle: "",
    descriptionHtml: item.description,
    status: "active",
    vendor: item.vendor,
    productType: item.type,
    tags: item.tags,
    seoTitle: "",
    seoDescription: "",
    options: (item.options ?? []).map((o) => ({ name: o.name, values: o.values.map(([value]) => value) })),
    variants: variants.map((v) => ({
      ...v,
      sku: "",
      compareAtPrice: item.compareAt ? item.compareAt + v.price - item.price : null,
      inventoryQuantity: item.stock ?? 40,
      continueSelling: false,
      weightGrams: 250,
    })),
  });
  const colourOption = item.options?.[0]?.name === "Colour" ? item.options[0] : null;
  const images = await saveProductImages(
    db,
    storage,
    SYSTEM_ACTOR,
    saved.id,
    shopId,
    await Promise.all(
      item.photos.map(async ([object, colour, backdrop], n) => ({
        // 480 px: sharp enough for product pages, and two renditions each instead of four keep `npm run demo` quick.
        image: await prepareImage(await productPhoto(object, colour, backdrop, DEMO_PHOTO_SIZE)),
        alt: colourOption ? `${item.title}, ${colourOption.values[n][0]}` : item.title,
      })),
    ),
  );
  if (colourOption) {
    const rows = await db.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", saved.id).execute();
    for (const [n, [value]] of colourOption.values.entries()) {
      const ids = rows.filter((row) => row.option_values[0] === value).map((row) => row.id);
      if (ids.length) await db.updateTable("variants").set({ image_id: images[n].id }).where("id", "in", ids).execute();
    }
  }
  return db.selectFrom("variants").select(["id", "option_values", "price"]).where("product_id", "=", saved.id).orderBy("position").orderBy("id").execute();
}

/**
 * A catalogue with photos, options and collections, and a few dozen orders from ten customers over the last 60
 * days, so the storefront's menus, variant choice and filters and the admin's orders, customers, discounts and
 * dashboard have something to show. Runs once per shop: a shop that has orders is left alone. The first two shops
 * are launched; the third still shows its onboarding checklist.
 */
async function seedDemoSales(db: TenantDb, storage: MediaStorage, shopId: string, shopIndex: number): Promise<void> {
  if (await db.selectFrom("orders").select("id").limit(1).executeTakeFirst()) return;
  const now = Date.now();
  const style = await db.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const { currency } = style;
  const catalogue = DEMO_CATALOGUES[shopIndex];
  const collectionIds = new Map<string, string>();
  for (const collection of catalogue.collections) {
    const saved = await saveCollection(db, SYSTEM_ACTOR, {
      title: collection.title,
      handle: collection.handle,
      descriptionHtml: collection.description,
      kind: "manual",
      rules: [],
      rulesMatch: "all",
      parentId: null,
      seoTitle: "",
      seoDescription: "",
    });
    collectionIds.set(collection.handle, saved.id);
  }
  // What orders can be placed for: every variant in stock, with its product.
  const sellable: { productId: string; variantId: string; title: string; variantTitle: string; price: number }[] = [];
  for (const item of catalogue.products) {
    const variants = await saveDemoProduct(db, storage, shopId, item);
    const productId = (await db.selectFrom("variants").select("product_id").where("id", "=", variants[0].id).executeTakeFirstOrThrow()).product_id;
    for (const handle of item.collections) await addProductsToCollection(db, SYSTEM_ACTOR, collectionIds.get(handle)!, [productId]);
    if ((item.stock ?? 40) > 0)
      for (const v of variants)
        sellable.push({ productId, variantId: v.id, title: item.title, variantTitle: v.option_values.join(" / "), price: Number(v.price) });
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
    const picked = [...new Set([next(sellable.length), next(sellable.length)])].map((p) => sellable[p]);
    const lines = picked.map((p) => ({
      productId: p.productId,
      variantId: p.variantId,
      title: p.title,
      variantTitle: p.variantTitle,
      unitPrice: p.price,
      quantity: 1 + next(3),
    }));
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
