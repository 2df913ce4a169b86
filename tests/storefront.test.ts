import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { createStorefrontAccess, PREVIEW_TOKEN_SECONDS } from "../shop/storefront-access.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, policyDirective, startTestApp, type TestApp } from "./support/http.ts";
import {
  createCollection,
  createPage,
  createProduct,
  jsonLdBlocks,
  launch,
  linkedStylesheets,
  productInput,
  setPolicy,
  variant,
} from "./support/storefront.ts";

// Two shops with the same handles everywhere (products, collections, pages, policies) and different data.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
const ids: Record<string, Record<string, string>> = { north: {}, south: {} };

async function seedShop(db: TenantDb, shop: Shop, label: string, currency: string, idShift: number) {
  await db
    .updateTable("settings")
    .set({ currency, contact_email: `${label.toLowerCase()}@example.com` })
    .execute();
  // Shift this shop's ids so the two shops' variant ids differ.
  for (let i = 0; i < idShift; i++)
    await db
      .deleteFrom("products")
      .where("id", "=", (await createProduct(db, { title: "Filler", status: "draft" })).id)
      .execute();
  const mug = await createProduct(db, {
    title: `${label} Mug`,
    handle: "mug",
    vendor: `${label} Pottery`,
    descriptionHtml: `<p>A ${label.toLowerCase()} mug.</p>`,
    options: [
      { name: "Colour", values: ["Red", "Blue"] },
      { name: "Size", values: ["Small", "Large"] },
    ],
    variants: [
      variant(["Red", "Small"], 1250, { compareAtPrice: 1500, sku: `${label}-RS` }),
      variant(["Red", "Large"], 1350, { inventoryQuantity: 0 }),
      variant(["Blue", "Small"], 1250, { inventoryQuantity: 0, continueSelling: true }),
      variant(["Blue", "Large"], 1450),
    ],
  });
  const poster = await createProduct(db, { title: `${label} Poster`, handle: "poster", variants: [variant([], 900)] });
  await createProduct(db, { title: `${label} Draft Lamp`, handle: "lamp", status: "draft" });
  await createProduct(db, { title: `${label} Archived Vase`, handle: "vase", status: "archived" });
  const variants = await db.selectFrom("variants").select(["id", "option_values"]).where("product_id", "=", mug.id).execute();
  const variantId = (values: string[]) => variants.find((v) => v.option_values.join("/") === values.join("/"))!.id;
  // Two images; the blue variants show the second one.
  const [front, back] = await Promise.all(
    ["front", "back"].map((name, position) =>
      db
        .insertInto("product_media")
        .values({
          product_id: mug.id,
          position,
          storage_key: `shops/${shop.id}/products/${mug.id}/${name.padEnd(32, "0").replace(/[^0-9a-f]/g, "a")}`,
          alt: `${label} mug ${name}`,
          width: 1200,
          height: 1200,
          content_type: "image/webp",
          byte_size: 1000,
        })
        .returning("id")
        .executeTakeFirstOrThrow(),
    ),
  );
  void front;
  await db
    .updateTable("variants")
    .set({ image_id: back.id })
    .where("id", "in", [variantId(["Blue", "Small"]), variantId(["Blue", "Large"])])
    .execute();
  await createCollection(db, "featured", `${label} Favourites`, [poster.id, mug.id], `<p>${label} picks.</p>`);
  await createPage(db, "about", `About ${label}`, `<p>${label} story.</p>`);
  await createPage(db, "secret", `${label} Secret`, "<p>Not yet.</p>", false);
  await setPolicy(db, "refund-policy", `<p>${label} refunds within 30 days.</p>`);
  await setPolicy(db, "privacy-policy", "");
  return {
    mug: mug.id,
    poster: poster.id,
    redSmall: variantId(["Red", "Small"]),
    redLarge: variantId(["Red", "Large"]),
    blueSmall: variantId(["Blue", "Small"]),
    blueLarge: variantId(["Blue", "Large"]),
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  ids.north = await seedShop(northDb, north, "North", "EUR", 0);
  ids.south = await seedShop(southDb, south, "South", "JPY", 20);
  await northDb.updateTable("settings").set({ headline: "North's own headline" }).execute();
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (shop: string, path: string, headers: Record<string, string> = {}) => app.request(`${shop}.shops.test`, path, { headers });

describe("storefront pages, per shop", () => {
  it("home page shows the shop's own products, with the theme's sections and Organization JSON-LD", async () => {
    const home = await get("north", "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("North Mug");
    expect(home.body).not.toContain("South");
    // The theme's hero says the shop's own headline, not sample copy.
    expect(home.body).toContain("North&#x27;s own headline");
    expect(home.body).toMatch(/<a [^>]*href="#main"[^>]*>Skip to content<\/a>/);
    expect(home.body.match(/<h1[\s>]/g)).toHaveLength(1);
    const org = jsonLdBlocks(home.body).find((b) => (b as { "@type": string })["@type"] === "Organization");
    expect(org).toMatchObject({ name: "North", url: "http://north.shops.test/" });
    expect(home.body).toContain('<link rel="canonical" href="http://north.shops.test/"/>');
  });

  it("/collections/all lists only active products; collections and their handles are per shop", async () => {
    const all = await get("south", "/collections/all");
    expect(all.status).toBe(200);
    expect(all.body).toContain("South Mug");
    expect(all.body).toContain("South Poster");
    expect(all.body).not.toContain("Draft Lamp");
    expect(all.body).not.toContain("Archived Vase");
    expect(all.body).not.toContain("North");

    const featured = await get("north", "/collections/featured");
    expect(featured.status).toBe(200);
    expect(featured.body).toContain("North Favourites");
    expect(featured.body).toContain("North picks.");
    expect(featured.body).not.toContain("South");
    // Manual order: the poster first.
    expect(featured.body.indexOf("North Poster")).toBeLessThan(featured.body.indexOf("North Mug"));
    expect((await get("north", "/collections/nope")).status).toBe(404);
  });

  it("prices: sale with strikethrough and badge, in each shop's currency", async () => {
    const north = await get("north", "/collections/all");
    expect(north.body).toContain("€12.50");
    expect(north.body).toMatch(/<s class="price-compare">€15.00<\/s>/);
    expect(north.body).toContain("Sale");
    const south = await get("south", "/collections/all");
    expect(south.body).toContain("¥1,250");
    expect(south.body).not.toContain("€");
  });

  it("draft and archived products are 404 on the storefront", async () => {
    for (const handle of ["lamp", "vase", "does-not-exist"]) {
      const res = await get("north", `/products/${handle}`);
      expect(res.status, handle).toBe(404);
      expect(res.body).not.toContain("Draft Lamp");
    }
  });

  it("product page shows its own shop's product with variant images, stock and the add-to-cart form", async () => {
    const res = await get("north", "/products/mug");
    expect(res.status).toBe(200);
    expect(res.body).toContain("North Mug");
    expect(res.body).not.toContain("South Mug");
    expect(res.body).toContain("In stock");
    expect(res.body).toMatch(/<form method="post" action="\/cart"/);
    expect(res.body).toContain(`name="variantId" value="${ids.north.redSmall}"`);
    expect(res.body).toMatch(/<label for="quantity">Quantity<\/label>/);
    expect(res.body).toContain('srcSet="/media/products/');
    expect(res.body).toContain('loading="eager"');
    expect(res.body).toContain('width="1200" height="1200"');
    expect(res.body).toContain('<meta property="og:type" content="product"/>');
    expect(res.body).toContain('<link rel="canonical" href="http://north.shops.test/products/mug"/>');
  });

  it("deferred related products arrive in the same response", async () => {
    const res = await get("north", "/products/mug");
    // Streamed after the critical HTML: the poster (same collection) is recommended.
    expect(res.body).toContain("North Poster");
    expect(res.body).toContain("You may also like");
  });

  it("pages and policies: published ones only, per shop", async () => {
    const about = await get("south", "/pages/about");
    expect(about.status).toBe(200);
    expect(about.body).toContain("About South");
    expect(about.body).not.toContain("North");
    expect((await get("south", "/pages/secret")).status).toBe(404);
    const refund = await get("north", "/policies/refund-policy");
    expect(refund.status).toBe(200);
    expect(refund.body).toContain("North refunds within 30 days.");
    expect(refund.body).not.toContain("South");
    // An empty policy and an unknown handle don't exist for shoppers.
    expect((await get("north", "/policies/privacy-policy")).status).toBe(404);
    expect((await get("north", "/policies/cookie-policy")).status).toBe(404);
  });

  it("storefront routes exist only on shop hosts", async () => {
    expect((await app.request("bazaar.test", "/products/mug")).status).toBe(404);
    expect((await app.request("bazaar.test", "/collections/all")).status).toBe(404);
  });
});

describe("variants", () => {
  it("?variant=<id> selects that variant: its price, stock state and image", async () => {
    const soldOut = await get("north", `/products/mug?variant=${ids.north.redLarge}`);
    expect(soldOut.body).toContain("€13.50");
    expect(soldOut.body).toMatch(/<p class="stock stock-sold_out">Sold out<\/p>/);
    expect(soldOut.body).toMatch(/<button type="submit" class="button add-to-cart-button" disabled="">Sold out<\/button>/);
    expect(soldOut.body).toContain('<input type="radio" id="option-1-1" name="option2" checked="" value="Large"/>');
    expect(soldOut.body).toContain('<input type="radio" id="option-1-0" name="option2" value="Small"/>');

    const backorder = await get("north", `/products/mug?variant=${ids.north.blueSmall}`);
    expect(backorder.body).toContain("Available to order");
    expect(backorder.body).toContain(">Pre-order</button>");
    // The blue variants show the "back" image first.
    const gallery = backorder.body.slice(backorder.body.indexOf('class="product-gallery"'));
    expect(gallery.indexOf("North mug back")).toBeLessThan(gallery.indexOf("North mug front"));
  });

  it("option values (the picker without JavaScript) redirect to the matching variant", async () => {
    const res = await get("north", "/products/mug?option1=Blue&option2=Large");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/products/mug?variant=${ids.north.blueLarge}`);
    // A combination that doesn't exist falls back to the first available variant.
    const none = await get("north", "/products/mug?option1=Green&option2=Large");
    expect(none.status).toBe(200);
    expect(none.body).toContain(`name="variantId" value="${ids.north.redSmall}"`);
  });

  it("another shop's variant id selects nothing of it", async () => {
    const res = await get("north", `/products/mug?variant=${ids.south.blueLarge}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain(`value="${ids.south.blueLarge}"`);
    expect(res.body).toContain(`name="variantId" value="${ids.north.redSmall}"`);
  });

  it("a renamed product's old handle answers 301 to the current one, keeping the query", async () => {
    await createProduct(southDb, { title: "South Teapot", handle: "teapot", variants: [variant([], 3000)] });
    const teapot = await southDb.selectFrom("products").select("id").where("handle", "=", "teapot").executeTakeFirstOrThrow();
    await saveProduct(southDb, SYSTEM_ACTOR, productInput({ title: "South Teapot", handle: "big-teapot", variants: [variant([], 3000)] }), teapot.id);
    const res = await get("south", "/products/teapot?variant=1");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/products/big-teapot?variant=1");
    // The other shop has no such redirect.
    expect((await get("north", "/products/teapot")).status).toBe(404);
  });
});

describe("SEO and JSON-LD", () => {
  it("Product JSON-LD has one Offer per variant with a decimal price, currency and availability", async () => {
    const res = await get("south", "/products/mug");
    const blocks = jsonLdBlocks(res.body) as Record<string, unknown>[];
    const product = blocks.find((b) => b["@type"] === "Product") as { name: string; offers: Record<string, string>[]; image: string[] };
    expect(product.name).toBe("South Mug");
    expect(product.offers).toHaveLength(4);
    expect(product.offers[0]).toMatchObject({ "@type": "Offer", price: "1250", priceCurrency: "JPY", availability: "https://schema.org/InStock" });
    expect(product.offers.map((o) => o.availability)).toEqual([
      "https://schema.org/InStock",
      "https://schema.org/OutOfStock",
      "https://schema.org/BackOrder",
      "https://schema.org/InStock",
    ]);
    expect(product.image[0]).toMatch(/^http:\/\/south\.shops\.test\/media\/products\//);
    const north = jsonLdBlocks((await get("north", "/products/mug")).body) as Record<string, unknown>[];
    const northOffers = (north.find((b) => b["@type"] === "Product") as { offers: Record<string, string>[] }).offers;
    expect(northOffers[0]).toMatchObject({ price: "12.50", priceCurrency: "EUR" });
    const crumbs = blocks.find((b) => b["@type"] === "BreadcrumbList") as { itemListElement: { item: string }[] };
    expect(crumbs.itemListElement.map((i) => i.item)).toEqual([
      "http://south.shops.test/",
      "http://south.shops.test/collections/all",
      "http://south.shops.test/products/mug",
    ]);
  });

  it("a product title containing </script> can't break out of the JSON-LD", async () => {
    const evil = 'Evil </script><script>alert("x")</script> Mug';
    await createProduct(northDb, { title: evil, handle: "evil", descriptionHtml: "<p>ok</p>" });
    const res = await get("north", "/products/evil");
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('<script>alert("x")</script>');
    const product = (jsonLdBlocks(res.body) as Record<string, string>[]).find((b) => b["@type"] === "Product")!;
    expect(product.name).toBe(evil);
    expect(res.body).toContain("\\u003c/script>");
  });

  it("titles, descriptions and Open Graph tags per page", async () => {
    const res = await get("north", "/collections/featured");
    expect(res.body).toContain("<title>North Favourites · North</title>");
    expect(res.body).toContain('<meta name="description" content="North picks."/>');
    expect(res.body).toContain('<meta property="og:title" content="North Favourites"/>');
    expect(res.body).toContain('<meta property="og:url" content="http://north.shops.test/collections/featured"/>');
    expect(res.body).toContain('<meta property="og:type" content="website"/>');
  });
});

describe("the password page before launch", () => {
  let locked: Shop;
  let lockedDb: TenantDb;
  beforeAll(async () => {
    const owner = await createUser(t.db, { email: "soon@example.com", password: "correct horse" });
    locked = await provisionShop(t.db, { slug: "soon", name: "Soon Shop", ownerId: owner.id });
    lockedDb = tenantDb(t.db, locked.schema_name);
    await lockedDb.updateTable("settings").set({ storefront_password: "open-sesame", headline: "Candles, soon." }).execute();
    await createProduct(lockedDb, { title: "Soon Candle", handle: "candle" });
  });

  const soon = (path: string, headers: Record<string, string> = {}) => get("soon", path, headers);
  const enter = (password: string) =>
    app.request("soon.shops.test", "/password", { method: "POST", form: { password }, headers: { origin: "http://soon.shops.test" } });

  it("shows 'Opening soon' on / and sends every other page to /password", async () => {
    const home = await soon("/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Opening soon");
    expect(home.body).toContain("Candles, soon.");
    expect(home.body).not.toContain("Soon Candle");
    for (const path of ["/products/candle", "/collections/all", "/pages/about", "/policies/refund-policy"]) {
      const res = await soon(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toBe("/password");
    }
    const page = await soon("/password");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<label for="password">Enter the shop password<\/label>/);
  });

  it("refuses a wrong password and lets the right one in with a host-only, HttpOnly, SameSite=Lax cookie", async () => {
    const wrong = await enter("guess");
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("That password isn&#x27;t right.");
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const right = await enter("open-sesame");
    expect(right.status).toBe(302);
    expect(right.headers.location).toBe("/");
    const setCookie = String(right.headers["set-cookie"]);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const cookie = cookiePair(right.headers["set-cookie"], "bazaar_storefront");
    const product = await soon("/products/candle", { cookie });
    expect(product.status).toBe(200);
    expect(product.body).toContain("Soon Candle");

    // The cookie is for this shop only, and stops working when the password changes.
    expect((await get("north", "/", { cookie })).status).toBe(200);
    await lockedDb.updateTable("settings").set({ storefront_password: "new-secret" }).execute();
    expect((await soon("/products/candle", { cookie })).status).toBe(302);
    await lockedDb.updateTable("settings").set({ storefront_password: "open-sesame" }).execute();
  });

  it("without a password nobody gets in by guessing", async () => {
    await lockedDb.updateTable("settings").set({ storefront_password: null }).execute();
    const page = await soon("/password");
    expect(page.body).toContain("This shop isn&#x27;t open to visitors yet.");
    expect(page.body).not.toContain('name="password"');
    expect((await enter("")).status).toBe(400);
    expect((await enter("null")).status).toBe(400);
    await lockedDb.updateTable("settings").set({ storefront_password: "open-sesame" }).execute();
  });

  it("a valid preview token from the admin becomes a preview cookie; expired, forged and other shops' tokens don't", async () => {
    const access = app.services.storefrontAccess;
    const token = await access.createPreviewToken(locked.id);
    const res = await soon(`/products/candle?preview_token=${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/products/candle");
    const cookie = cookiePair(res.headers["set-cookie"], "bazaar_storefront");
    expect(String(res.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Lax/);
    const product = await soon("/products/candle", { cookie });
    expect(product.status).toBe(200);
    expect(product.body).toContain("Only you can see this.");

    const expired = await access.createPreviewToken(locked.id, null, Math.floor(Date.now() / 1000) - PREVIEW_TOKEN_SECONDS - 5);
    const forged = await createStorefrontAccess(["not-the-secret"], { secure: false }).createPreviewToken(locked.id);
    const otherShop = await access.createPreviewToken(north.id);
    const tampered = token.replace(/^./, (c) => (c === "e" ? "f" : "e"));
    for (const bad of [expired, forged, otherShop, tampered, "garbage"]) {
      const attempt = await soon(`/products/candle?preview_token=${encodeURIComponent(bad)}`);
      expect(attempt.status, bad).toBe(302);
      expect(attempt.headers.location).toBe("/password");
      expect(attempt.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("inside the editor's frame the token stays in the URL, and only the platform may frame the page", async () => {
    const token = await app.services.storefrontAccess.createPreviewToken(locked.id);
    const framed = await soon(`/?preview_token=${token}`, { "sec-fetch-dest": "iframe" });
    expect(framed.status).toBe(200);
    expect(policyDirective(framed, "frame-ancestors")).toBe("frame-ancestors http://bazaar.test");
    expect(framed.body).toContain("Soon Candle");

    const plain = await get("north", "/products/mug");
    expect(policyDirective(plain, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(policyDirective(await soon("/password"), "frame-ancestors")).toBe("frame-ancestors 'none'");
  });

  it("opens to everyone once launched", async () => {
    await launch(lockedDb);
    const product = await soon("/products/candle");
    expect(product.status).toBe(200);
    const password = await soon("/password");
    expect(password.status).toBe(302);
    expect(password.headers.location).toBe("/");
  });
});

describe("stylesheets", () => {
  let soonDb: TenantDb;
  let soon: Shop;
  beforeAll(async () => {
    await publishTheme(northDb, SYSTEM_ACTOR, "classic");
    await publishTheme(southDb, SYSTEM_ACTOR, "editorial");
    const owner = await createUser(t.db, { email: "later@example.com", password: "correct horse" });
    soon = await provisionShop(t.db, { slug: "later", name: "Later", ownerId: owner.id });
    soonDb = tenantDb(t.db, soon.schema_name);
    await publishTheme(soonDb, SYSTEM_ACTOR, "classic");
  });
  afterAll(async () => {
    await publishTheme(northDb, SYSTEM_ACTOR, "minimal");
    await publishTheme(southDb, SYSTEM_ACTOR, "minimal");
  });

  const STORE_PAGES = [
    "/",
    "/products/mug",
    "/collections/featured",
    "/pages/about",
    "/policies/refund-policy",
    "/search?q=mug",
    "/cart",
    "/account/login",
    "/products/missing",
    "/no-such-page",
  ];

  it("a storefront page links its shop's live theme and the storefront base, never another theme or the admin's", async () => {
    for (const [shop, theme] of [
      ["north", "classic"],
      ["south", "editorial"],
    ]) {
      for (const pathname of STORE_PAGES) {
        const sheets = linkedStylesheets((await get(shop, pathname)).body);
        const extra =
          pathname.startsWith("/search") || pathname.startsWith("/collections/")
            ? ["search"]
            : pathname === "/cart" || pathname.startsWith("/account")
              ? ["shopper"]
              : [];
        expect(sheets.sort(), `${shop}${pathname}`).toEqual(["storefront", `theme:${theme}`, ...extra].sort());
      }
    }
  });

  it("the classic theme's welcome promises nothing the merchant didn't write: a secure checkout and their own policies", async () => {
    const home = (await get("north", "/")).body;
    const perks = home.slice(home.indexOf('class="section-hero-perks"'), home.indexOf("</ul>", home.indexOf('class="section-hero-perks"')));
    expect(perks).toContain("Secure checkout");
    expect(perks).toContain('href="/policies/refund-policy"');
    expect(perks).not.toMatch(/dispatch|returns/i);
  });

  it("a preview of a theme's draft links that theme instead; the password page links the live one", async () => {
    const token = await app.services.storefrontAccess.createPreviewToken(north.id, "editorial");
    const framed = await get("north", `/products/mug?preview_token=${token}&preview=draft`, { "sec-fetch-dest": "iframe" });
    expect(framed.body).toContain("Previewing a theme draft.");
    expect(linkedStylesheets(framed.body).sort()).toEqual(["storefront", "theme:editorial"]);
    for (const pathname of ["/", "/password"]) {
      expect(linkedStylesheets((await get("later", pathname)).body).sort(), pathname).toEqual(["storefront", "theme:classic"]);
    }
  });

  it("platform pages keep the admin's stylesheet and link no theme", async () => {
    for (const pathname of ["/", "/login", "/signup", "/no-such-page"]) {
      expect(linkedStylesheets((await app.request("bazaar.test", pathname)).body), pathname).toEqual(["platform"]);
    }
    const login = await app.request("bazaar.test", "/login", {
      method: "POST",
      form: { email: "owner@example.com", password: "correct horse" },
      headers: { origin: "http://bazaar.test" },
    });
    const cookie = cookiePair(login.headers["set-cookie"], "bazaar_session");
    expect(linkedStylesheets((await app.request("bazaar.test", "/admin/north/products", { headers: { cookie } })).body)).toEqual(["platform", "catalogue"]);
  });
});
