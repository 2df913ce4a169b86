import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { addToCart, cartItemCount, loadCart } from "../shop/cart.server.ts";
import { registerShopper } from "../shop/shopper-accounts.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { setCookieHeader, ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";

const english = storefrontIntl("en");

// Two shops with the same product handles and titles but different prices, stock and ids.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
type Catalogue = Awaited<ReturnType<typeof seed>>;
let ids: { north: Catalogue; south: Catalogue };

async function seed(db: TenantDb, currency: string, price: number, idShift: number) {
  await db.updateTable("settings").set({ currency }).execute();
  // Shift this shop's ids so the two shops' variant ids never coincide.
  for (let i = 0; i < idShift; i++)
    await db
      .deleteFrom("products")
      .where("id", "=", (await createProduct(db, { title: "Filler", status: "draft" })).id)
      .execute();
  const variantOf = async (productId: string) =>
    (await db.selectFrom("variants").select("id").where("product_id", "=", productId).orderBy("position").execute()).map((v) => v.id);
  const mug = await createProduct(db, {
    title: "Mug",
    handle: "mug",
    options: [{ name: "Size", values: ["Small", "Large"] }],
    variants: [variant(["Small"], price, { inventoryQuantity: 100 }), variant(["Large"], price + 200, { inventoryQuantity: 3 })],
  });
  const [mugSmall, mugLarge] = await variantOf(mug.id);
  const preorder = await createProduct(db, {
    title: "Preorder Lamp",
    handle: "lamp",
    variants: [variant([], 5000, { inventoryQuantity: 0, continueSelling: true })],
  });
  const soldOut = await createProduct(db, { title: "Sold Out Vase", handle: "vase", variants: [variant([], 3000, { inventoryQuantity: 0 })] });
  const draft = await createProduct(db, { title: "Draft Poster", handle: "poster", status: "draft" });
  const archived = await createProduct(db, { title: "Archived Bowl", handle: "bowl", status: "archived" });
  const tote = await createProduct(db, { title: "Tote Bag", handle: "tote", variants: [variant([], 900, { inventoryQuantity: 10 })] });
  return {
    mug: mug.id,
    mugSmall,
    mugLarge,
    preorder: (await variantOf(preorder.id))[0],
    soldOut: (await variantOf(soldOut.id))[0],
    draft: (await variantOf(draft.id))[0],
    archived: (await variantOf(archived.id))[0],
    toteProduct: tote.id,
    tote: (await variantOf(tote.id))[0],
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  ids = { north: await seed(northDb, "EUR", 1250, 0), south: await seed(southDb, "JPY", 1800, 20) };
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

// Each test starts with no carts and the stock as seeded.
beforeEach(async () => {
  for (const [db, catalogue] of [
    [northDb, ids.north],
    [southDb, ids.south],
  ] as const) {
    await db.deleteFrom("carts").execute();
    const stock = async (variantId: string, quantity: number) =>
      db.updateTable("variants").set({ inventory_quantity: quantity }).where("id", "=", variantId).execute();
    await stock(catalogue.mugSmall, 100);
    await stock(catalogue.mugLarge, 3);
    await stock(catalogue.tote, 10);
  }
});

const shopper = (slug: string) => new ShopperClient(app, `${slug}.shops.test`);
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");
const linesOf = (db: TenantDb) => db.selectFrom("cart_lines").select(["id", "cart_id", "variant_id", "quantity"]).orderBy("id").execute();

async function lineQuantity(db: TenantDb, variantId: string): Promise<number | undefined> {
  const line = await db.selectFrom("cart_lines").select("quantity").where("variant_id", "=", variantId).executeTakeFirst();
  return line?.quantity;
}

describe("adding to the cart", () => {
  it("creates a cart behind a random, host-only, HttpOnly cookie whose hash alone is stored", async () => {
    const browser = shopper("north");
    const res = await browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "2" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/cart");
    const cookie = setCookieHeader(res, "bazaar_cart")!;
    expect(cookie).toMatch(/^bazaar_cart=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/domain=/i);
    const token = browser.cookie("bazaar_cart")!;
    const cart = await northDb.selectFrom("carts").selectAll().executeTakeFirstOrThrow();
    expect(cart.token_hash).toBe(sha256(token));
    expect(cart.customer_id).toBeNull();
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(2);

    // A second add of the same variant sums; the cookie is not reissued.
    const again = await browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "3" });
    expect(again.status).toBe(303);
    expect(setCookieHeader(again, "bazaar_cart")).toBeUndefined();
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(5);
    expect(await northDb.selectFrom("carts").select("id").execute()).toHaveLength(1);
    // The layout's header counts the items.
    expect((await browser.get("/collections/all")).body).toContain('aria-label="Cart, 5 items"');
  });

  it("is Secure in production", async () => {
    const production = await startTestApp(t.url, { NODE_ENV: "production" });
    try {
      const res = await production.request("north.shops.test", "/cart", {
        method: "POST",
        form: { variantId: ids.north.tote, quantity: "1" },
        headers: { origin: "http://north.shops.test" },
      });
      expect(res.status).toBe(303);
      expect(setCookieHeader(res, "bazaar_cart")).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await production.close();
    }
  });

  it("shows today's price from the catalogue, never one sent with the form", async () => {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "2", price: "1", unitPrice: "1" });
    let page = await browser.get("/cart");
    expect(page.status).toBe(200);
    expect(page.headers["cache-control"]).toBe("private, no-store");
    expect(page.body).toContain("Mug");
    expect(page.body).toContain("€12.50");
    expect(page.body).toContain("€25.00");
    expect(page.body).toMatch(/<meta name="robots" content="noindex"\/>/);

    await northDb.updateTable("variants").set({ price: 1499 }).where("id", "=", ids.north.mugSmall).execute();
    page = await browser.get("/cart");
    expect(page.body).toContain("€14.99");
    expect(page.body).toContain("€29.98");
    expect(page.body).not.toContain("€12.50");
    await northDb.updateTable("variants").set({ price: 1250 }).where("id", "=", ids.north.mugSmall).execute();
  });

  it("refuses bad input with a 400 and a message, and changes nothing", async () => {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    const before = await linesOf(northDb);
    const cases: [Record<string, string>, string][] = [
      [{ variantId: ids.north.mugSmall, quantity: "0" }, "Enter a quantity of 1 or more."],
      [{ variantId: ids.north.mugSmall, quantity: "-2" }, "Enter a quantity of 1 or more."],
      [{ variantId: ids.north.mugSmall, quantity: "abc" }, "Enter a whole number."],
      [{ variantId: ids.north.mugSmall, quantity: "1.5" }, "Enter a whole number."],
      [{ variantId: ids.north.mugSmall, quantity: "" }, "Enter a whole number."],
      [{ variantId: ids.north.mugSmall, quantity: "1000" }, "Enter a quantity of at most 999."],
      [{ variantId: "abc", quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: "", quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: "987654", quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: ids.south.mugSmall, quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: ids.north.draft, quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: ids.north.archived, quantity: "1" }, "This product isn&#x27;t available."],
      [{ variantId: ids.north.soldOut, quantity: "1" }, "This item is sold out."],
    ];
    for (const [form, message] of cases) {
      const res = await browser.post("/cart", form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(res.body, JSON.stringify(form)).toContain(message);
      expect(res.body).toContain('role="alert"');
    }
    expect(await linesOf(northDb)).toEqual(before);

    // A visitor without a cart who sends bad input gets no cart and no cookie.
    const stranger = shopper("north");
    const refused = await stranger.post("/cart", { variantId: ids.south.mugSmall, quantity: "1" });
    expect(refused.status).toBe(400);
    expect(setCookieHeader(refused, "bazaar_cart")).toBeUndefined();
    expect(await northDb.selectFrom("carts").select("id").execute()).toHaveLength(1);
    expect((await browser.post("/cart", { intent: "empty-it" })).status).toBe(400);
  });

  it("caps a line at the stock, except for variants that keep selling", async () => {
    const browser = shopper("north");
    const res = await browser.post("/cart", { variantId: ids.north.mugLarge, quantity: "5" });
    const line = await northDb.selectFrom("cart_lines").select(["id", "quantity"]).where("variant_id", "=", ids.north.mugLarge).executeTakeFirstOrThrow();
    expect(line.quantity).toBe(3);
    expect(res.headers.location).toBe(`/cart?limit=${line.id}`);
    const page = await browser.get(res.headers.location!);
    expect(page.body).toContain("Only 3 available, and they are all in your cart.");
    await browser.post("/cart", { variantId: ids.north.mugLarge, quantity: "1" });
    expect(await lineQuantity(northDb, ids.north.mugLarge)).toBe(3);

    await browser.post("/cart", { variantId: ids.north.preorder, quantity: "40" });
    await browser.post("/cart", { variantId: ids.north.preorder, quantity: "40" });
    expect(await lineQuantity(northDb, ids.north.preorder)).toBe(80);
  });
});

describe("changing the cart", () => {
  async function cartWithTote() {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "2" });
    const line = await northDb.selectFrom("cart_lines").select("id").where("variant_id", "=", ids.north.tote).executeTakeFirstOrThrow();
    return { browser, lineId: line.id };
  }

  it("changes a quantity, capped at the stock, and refuses bad quantities next to the line", async () => {
    const { browser, lineId } = await cartWithTote();
    const res = await browser.post("/cart", { intent: "update", lineId, quantity: "4" });
    expect(res.status).toBe(303);
    expect(await lineQuantity(northDb, ids.north.tote)).toBe(4);

    for (const quantity of ["0", "-1", "x", "2.5"]) {
      const bad = await browser.post("/cart", { intent: "update", lineId, quantity });
      expect(bad.status).toBe(400);
      // The message sits under the line's quantity field and is tied to it.
      expect(bad.body).toMatch(new RegExp(`id="quantity-${lineId}"[^>]*aria-invalid="true"[^>]*aria-describedby="line-${lineId}-message"`));
      expect(bad.body).toMatch(new RegExp(`<p class="field-error" id="line-${lineId}-message">Enter`));
    }
    expect(await lineQuantity(northDb, ids.north.tote)).toBe(4);

    const capped = await browser.post("/cart", { intent: "update", lineId, quantity: "50" });
    expect(capped.headers.location).toBe(`/cart?limit=${lineId}`);
    expect(await lineQuantity(northDb, ids.north.tote)).toBe(10);
  });

  it("removes a line; another visitor's line id or a second removal is refused", async () => {
    const { browser, lineId } = await cartWithTote();
    const other = shopper("north");
    await other.post("/cart", { variantId: ids.north.mugSmall, quantity: "1" });
    const othersLine = await northDb.selectFrom("cart_lines").select("id").where("variant_id", "=", ids.north.mugSmall).executeTakeFirstOrThrow();

    expect((await browser.post("/cart", { intent: "remove", lineId: othersLine.id })).status).toBe(400);
    expect((await browser.post("/cart", { intent: "update", lineId: othersLine.id, quantity: "9" })).status).toBe(400);
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(1);

    const removed = await browser.post("/cart", { intent: "remove", lineId });
    expect(removed.status).toBe(303);
    expect(await lineQuantity(northDb, ids.north.tote)).toBeUndefined();
    const again = await browser.post("/cart", { intent: "remove", lineId });
    expect(again.status).toBe(400);
    expect(again.body).toContain("That item isn&#x27;t in your cart any more.");
    expect((await browser.get("/cart")).body).toContain("Your cart is empty");
  });

  it("flags lines whose stock fell or whose product went away, and lets them be removed", async () => {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "5" });
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    await browser.post("/cart", { variantId: ids.north.mugLarge, quantity: "1" });

    await northDb.updateTable("variants").set({ inventory_quantity: 2 }).where("id", "=", ids.north.mugSmall).execute();
    await northDb.updateTable("variants").set({ inventory_quantity: 0 }).where("id", "=", ids.north.mugLarge).execute();
    let view = await loadCart(northDb, { customerId: null, token: browser.cookie("bazaar_cart")! });
    expect(view.lines.map((l) => [l.title, l.state, l.lineTotal])).toEqual([
      ["Mug", "limited", "2500"],
      ["Tote Bag", "ok", "900"],
      ["Mug", "sold_out", null],
    ]);
    expect(view.subtotal).toBe("3400");
    expect(view.ready).toBe(false);
    let page = await browser.get("/cart");
    expect(page.body).toContain("Only 2 left in stock; the total counts 2.");
    expect(page.body).toContain("Sold out. Remove it to continue.");
    expect(page.body).toContain("€34.00");

    // Archived: shown as unavailable, can't be changed, can be removed.
    await northDb.updateTable("products").set({ status: "archived" }).where("id", "=", ids.north.toteProduct).execute();
    page = await browser.get("/cart");
    expect(page.body).toContain("No longer available. Remove it to continue.");
    const toteLine = await northDb.selectFrom("cart_lines").select("id").where("variant_id", "=", ids.north.tote).executeTakeFirstOrThrow();
    const change = await browser.post("/cart", { intent: "update", lineId: toteLine.id, quantity: "2" });
    expect(change.status).toBe(400);
    expect(change.body).toContain("This item is no longer available. Remove it from your cart.");
    expect((await browser.post("/cart", { intent: "remove", lineId: toteLine.id })).status).toBe(303);
    await northDb.updateTable("products").set({ status: "active" }).where("id", "=", ids.north.toteProduct).execute();

    // Deleted: the line keeps its title, shows as unavailable and can be removed.
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    const gone = await createProduct(northDb, { title: "Short-lived Scarf", handle: "scarf", variants: [variant([], 700)] });
    const scarf = await northDb.selectFrom("variants").select("id").where("product_id", "=", gone.id).executeTakeFirstOrThrow();
    await browser.post("/cart", { variantId: scarf.id, quantity: "1" });
    await northDb.deleteFrom("products").where("id", "=", gone.id).execute();
    view = await loadCart(northDb, { customerId: null, token: browser.cookie("bazaar_cart")! });
    const orphan = view.lines.find((l) => l.title === "Short-lived Scarf")!;
    expect(orphan).toMatchObject({ state: "unavailable", variantId: null, unitPrice: null });
    page = await browser.get("/cart");
    expect(page.body).toContain("Short-lived Scarf");
    expect((await browser.post("/cart", { intent: "remove", lineId: orphan.id })).status).toBe(303);
    expect((await loadCart(northDb, { customerId: null, token: browser.cookie("bazaar_cart")! })).lines.map((l) => l.title)).not.toContain("Short-lived Scarf");
  });
});

describe("concurrency", () => {
  it("twenty simultaneous adds of one item all count", async () => {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    const responses = await Promise.all(Array.from({ length: 20 }, () => browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "1" })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(303));
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(20);
  });

  it("twenty simultaneous adds stop at the stock", async () => {
    await northDb.updateTable("variants").set({ inventory_quantity: 7 }).where("id", "=", ids.north.mugSmall).execute();
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    await Promise.all(Array.from({ length: 20 }, () => browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "1" })));
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(7);
  });

  it("a signed-in shopper's first adds, all at once, make one cart", async () => {
    const account = await registerShopper(northDb, { email: "rush@example.com", password: "rush-rush-rush", firstName: "Rush", lastName: "" });
    if (!account.ok) throw new Error("registration failed");
    const owner = { customerId: account.customerId, token: null };
    const results = await Promise.all(Array.from({ length: 20 }, () => addToCart(northDb, owner, { variantId: ids.north.mugSmall, quantity: "1" }, english)));
    expect(results.every((r) => r.ok && r.newToken === null)).toBe(true);
    expect(await northDb.selectFrom("carts").select("id").where("customer_id", "=", account.customerId).execute()).toHaveLength(1);
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(20);
  });
});

describe("shops never share carts", () => {
  it("a cart cookie of one shop means nothing at another, and each shop counts only its own", async () => {
    const northBrowser = shopper("north");
    await northBrowser.post("/cart", { variantId: ids.north.mugSmall, quantity: "4" });
    const northCookie = northBrowser.cookieHeader();
    const request = (cookie: string) => new Request("http://x.test/", { headers: { cookie } });
    expect(await cartItemCount(northDb, request(northCookie))).toBe(4);
    expect(await cartItemCount(southDb, request(northCookie))).toBe(0);

    // The same cookie sent to the other shop's host: an empty cart there.
    const page = await app.request("south.shops.test", "/cart", { headers: { cookie: northCookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Your cart is empty");
    expect(page.body).not.toContain("Mug");

    // Changing the other shop's line through it does nothing.
    const northLine = await northDb.selectFrom("cart_lines").select("id").executeTakeFirstOrThrow();
    const tamper = await app.request("south.shops.test", "/cart", {
      method: "POST",
      form: { intent: "update", lineId: northLine.id, quantity: "9" },
      headers: { cookie: northCookie, origin: "http://south.shops.test" },
    });
    expect(tamper.status).toBe(400);

    // Adding at the other shop with it starts a new cart there, with a new token.
    const add = await app.request("south.shops.test", "/cart", {
      method: "POST",
      form: { variantId: ids.south.mugSmall, quantity: "1" },
      headers: { cookie: northCookie, origin: "http://south.shops.test" },
    });
    expect(add.status).toBe(303);
    const southToken = setCookieHeader(add, "bazaar_cart")!.split(";")[0].split("=")[1];
    expect(southToken).not.toBe(northBrowser.cookie("bazaar_cart"));
    expect(await lineQuantity(northDb, ids.north.mugSmall)).toBe(4);
    expect(await lineQuantity(southDb, ids.south.mugSmall)).toBe(1);
  });

  it("a variant id of another shop is refused", async () => {
    const res = await shopper("south").post("/cart", { variantId: ids.north.tote, quantity: "1" });
    expect(res.status).toBe(400);
    expect(await southDb.selectFrom("cart_lines").select("id").execute()).toHaveLength(0);
  });

  it("a post from another origin (a sibling shop's page) is refused before the cart is touched", async () => {
    const browser = shopper("north");
    const res = await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" }, { origin: "http://south.shops.test" });
    expect(res.status).toBe(403);
    expect(await northDb.selectFrom("carts").select("id").execute()).toHaveLength(0);
  });
});

describe("signing in keeps the cart", () => {
  async function account(email: string) {
    const result = await registerShopper(northDb, { email, password: "a-long-password", firstName: "Ann", lastName: "Lee" });
    if (!result.ok) throw new Error("registration failed");
    return result.customerId;
  }

  it("a customer without a cart takes the visitor's cart over", async () => {
    const customerId = await account("first@example.com");
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "2" });
    const visitorCart = await northDb.selectFrom("carts").select("id").executeTakeFirstOrThrow();

    const login = await browser.post("/account/login", { email: "first@example.com", password: "a-long-password", redirectTo: "/cart" });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe("/cart");
    expect(setCookieHeader(login, "bazaar_cart")).toMatch(/^bazaar_cart=; Path=\/; Max-Age=0/);
    expect(browser.cookie("bazaar_cart")).toBeUndefined();
    expect(await northDb.selectFrom("carts").selectAll().execute()).toMatchObject([{ id: visitorCart.id, customer_id: customerId, token_hash: null }]);
    expect((await browser.get("/cart")).body).toContain("Tote Bag");

    // Logging out leaves the cart with the account; the browser is back to an empty cart.
    expect((await browser.post("/account/logout", {})).status).toBe(303);
    expect((await browser.get("/cart")).body).toContain("Your cart is empty");
    await browser.post("/account/login", { email: "first@example.com", password: "a-long-password" });
    expect((await browser.get("/cart")).body).toContain("Tote Bag");
  });

  it("a customer's saved cart and the visitor's merge: quantities summed per variant, capped at stock", async () => {
    const customerId = await account("second@example.com");
    await addToCart(northDb, { customerId, token: null }, { variantId: ids.north.mugLarge, quantity: "2" }, english);
    await addToCart(northDb, { customerId, token: null }, { variantId: ids.north.mugSmall, quantity: "1" }, english);

    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.mugLarge, quantity: "2" });
    await browser.post("/cart", { variantId: ids.north.mugSmall, quantity: "3" });
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "1" });
    const login = await browser.post("/account/login", { email: "SECOND@example.com", password: "a-long-password" });
    expect(login.status).toBe(303);

    const carts = await northDb.selectFrom("carts").select(["id", "customer_id"]).execute();
    expect(carts).toHaveLength(1);
    expect(carts[0].customer_id).toBe(customerId);
    const view = await loadCart(northDb, { customerId, token: null });
    expect(Object.fromEntries(view.lines.map((l) => [l.variantId, l.quantity]))).toEqual({
      [ids.north.mugLarge]: 3, // 2 + 2, capped at the 3 in stock
      [ids.north.mugSmall]: 4,
      [ids.north.tote]: 1,
    });
    const count = await cartItemCount(northDb, new Request("http://north.shops.test/", { headers: { cookie: browser.cookieHeader() } }));
    expect(count).toBe(8);
  });

  it("registering keeps the visitor's cart too", async () => {
    const browser = shopper("north");
    await browser.post("/cart", { variantId: ids.north.tote, quantity: "3" });
    const res = await browser.post("/account/register", { firstName: "New", lastName: "Shopper", email: "new@example.com", password: "brand-new-pass" });
    expect(res.status).toBe(303);
    const customer = await northDb.selectFrom("customers").select("id").where("email", "=", "new@example.com").executeTakeFirstOrThrow();
    expect((await loadCart(northDb, { customerId: customer.id, token: null })).itemCount).toBe(3);
  });
});
