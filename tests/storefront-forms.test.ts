import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveStorefrontLanguage } from "../shop/settings.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

// The storefront's forms read through their schemas (decision 030): a form of the wrong shape is a 400 in the shop's
// language, before anything is saved. Two shops whose data differ: "cha" sells tea in Simplified Chinese, "north"
// sells mugs in English; each refusal leaves both shops as they were.
let t: TestDatabase;
let app: TestApp;
let chaDb: TenantDb;
let northDb: TenantDb;
const variantIds: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  const cha = await provisionShop(t.db, { slug: "cha", name: "Cha House", ownerId: owner.id });
  const north = await provisionShop(t.db, { slug: "north", name: "North Wares", ownerId: owner.id });
  chaDb = tenantDb(t.db, cha.schema_name);
  northDb = tenantDb(t.db, north.schema_name);
  await saveStorefrontLanguage(chaDb, SYSTEM_ACTOR, "zh-CN");
  await createProduct(chaDb, { title: "龙井茶", handle: "longjing", variants: [variant([], 8800, { inventoryQuantity: 5 })] });
  await createProduct(northDb, { title: "North Mug", handle: "mug", variants: [variant([], 1200, { inventoryQuantity: 5 })] });
  variantIds.cha = (await chaDb.selectFrom("variants").select("id").executeTakeFirstOrThrow()).id;
  variantIds.north = (await northDb.selectFrom("variants").select("id").executeTakeFirstOrThrow()).id;
  await launch(chaDb);
  await launch(northDb);
  // Behind a trusted proxy, so each registration can come from an address of its own (registrations are limited per address).
  app = await startTestApp(t.url, { TRUST_PROXY: "1" });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const shops = () => [
  {
    slug: "cha",
    db: chaDb,
    say: {
      sentTwice: "此字段被提交了多次",
      tooLong: "最多使用 100 个字符",
      oneLine: "请只输入一行文字",
      unknownCart: "未知的购物车操作",
      unknownCheckout: "未知的结账操作",
      unreadable: "无法读取此表单",
    },
  },
  {
    slug: "north",
    db: northDb,
    say: {
      sentTwice: "This field was sent more than once.",
      tooLong: "Use at most 100 characters.",
      oneLine: "Use a single line of text",
      unknownCart: "Unknown cart action.",
      unknownCheckout: "Unknown checkout action.",
      unreadable: "The form couldn&#x27;t be read.",
    },
  },
];

/** What a shop holds that these forms could change. */
async function contents(db: TenantDb) {
  const count = async (table: "cart_lines" | "carts" | "customers" | "customer_addresses") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { carts: await count("carts"), lines: await count("cart_lines"), customers: await count("customers"), addresses: await count("customer_addresses") };
}

let registrations = 0;
async function signedIn(slug: string): Promise<ShopperClient> {
  const browser = new ShopperClient(app, `${slug}.shops.test`);
  registrations++;
  const res = await browser.post(
    "/account/register",
    { firstName: "Ann", lastName: "Lee", email: `ann${registrations}@example.com`, password: "a-long-password" },
    { "x-forwarded-for": `10.8.0.${registrations}` },
  );
  expect(res.status).toBe(303);
  return browser;
}

describe("a storefront form of the wrong shape", () => {
  it("cart: a variant sent twice or an unknown button is a 400 in the shop's language, and no cart is made", async () => {
    for (const { slug, db, say } of shops()) {
      const before = { cha: await contents(chaDb), north: await contents(northDb) };
      const browser = new ShopperClient(app, `${slug}.shops.test`);
      const twice = await browser.post("/cart", [
        ["variantId", variantIds[slug]],
        ["variantId", variantIds[slug]],
        ["quantity", "1"],
      ]);
      expect(twice.status).toBe(400);
      expect(twice.body).toContain(say.sentTwice);
      const unknown = await browser.post("/cart", { intent: "empty-everything", variantId: variantIds[slug], quantity: "1" });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toContain(say.unknownCart);
      const drawer = await browser.post("/cart", { variantId: variantIds[slug], quantity: "1", drawer: "yes" });
      expect(drawer.status).toBe(400);
      expect(drawer.body).toContain(say.unreadable);
      const past = await browser.post("/cart", { variantId: "99999999999999999999999", quantity: "1" });
      expect(past.status).toBe(400);
      expect({ cha: await contents(chaDb), north: await contents(northDb) }).toEqual(before);
      expect((await contents(db)).carts).toBe(0);
    }
  });

  it("register: a 100,000-character first name (no NUL, under the body limit) is a 400 in the shop's language, and no account is made", async () => {
    for (const { slug, say } of shops()) {
      const before = { cha: await contents(chaDb), north: await contents(northDb) };
      registrations++;
      const res = await new ShopperClient(app, `${slug}.shops.test`).post(
        "/account/register",
        { firstName: "x".repeat(100_000), lastName: "", email: `long${registrations}@example.com`, password: "a-long-password" },
        { "x-forwarded-for": `10.8.1.${registrations}` },
      );
      expect(res.status).toBe(400);
      expect(res.body).toContain(say.tooLong);
      expect(res.headers["set-cookie"]?.some((c) => c.startsWith("bazaar_customer=")) ?? false).toBe(false);
      expect({ cha: await contents(chaDb), north: await contents(northDb) }).toEqual(before);
    }
  });

  it("login: an email sent twice is a 400 that says nothing about accounts", async () => {
    for (const { slug, say } of shops()) {
      const res = await new ShopperClient(app, `${slug}.shops.test`).post("/account/login", [
        ["email", "ann1@example.com"],
        ["email", "nobody@example.com"],
        ["password", "a-long-password"],
      ]);
      expect(res.status).toBe(400);
      expect(res.body).toContain(say.sentTwice);
    }
  });

  it("addresses: a line break in a one-line field or an id that isn't one is a 400 in the shop's language, and nothing is saved", async () => {
    for (const { slug, say } of shops()) {
      const browser = await signedIn(slug);
      const before = { cha: await contents(chaDb), north: await contents(northDb) };
      const broken = await browser.post("/account/addresses", {
        intent: "create",
        name: "Ann Lee",
        line1: "1 Tea Street\r\nSet-Cookie: x=y",
        city: "Hangzhou",
        country: "CN",
      });
      expect(broken.status).toBe(400);
      expect(broken.body).toContain(say.oneLine);
      const edit = await browser.post("/account/addresses/1", { name: "Ann\nLee", line1: "1 Tea Street", city: "Hangzhou", country: "CN" });
      expect(edit.status).toBe(400);
      expect(edit.body).toContain(say.oneLine);
      const notAnId = await browser.post("/account/addresses", { intent: "delete", addressId: "1 OR 1=1" });
      expect(notAnId.status).toBe(400);
      expect({ cha: await contents(chaDb), north: await contents(northDb) }).toEqual(before);
    }
  });

  it("checkout: an unknown button or a line break in the address is a 400 in the shop's language, and the checkout keeps what it had", async () => {
    for (const { slug, db, say } of shops()) {
      const browser = new ShopperClient(app, `${slug}.shops.test`);
      expect((await browser.post("/cart", { variantId: variantIds[slug], quantity: "1" })).status).toBe(303);
      const started = await browser.post("/cart", { intent: "checkout" });
      expect(started.status).toBe(303);
      const here = String(started.headers.location);
      const address = { name: "Ann Lee", line1: "1 Tea Street", city: "Hangzhou", postalCode: "310000", country: "CN" };
      const saved = await browser.post(here, { intent: "update", email: "first@example.com", ...address });
      expect(saved.status, saved.body.slice(0, 300)).toBe(303);
      const before = { cha: await chaDb.selectFrom("checkouts").selectAll().execute(), north: await northDb.selectFrom("checkouts").selectAll().execute() };

      const unknown = await browser.post(here, { intent: "refund-everything", email: "second@example.com", ...address });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toContain(say.unknownCheckout);
      const broken = await browser.post(here, { intent: "update", email: "second@example.com", ...address, line1: "1 Tea Street\nSecond line" });
      expect(broken.status).toBe(400);
      expect(broken.body).toContain(say.oneLine);
      expect({ cha: await chaDb.selectFrom("checkouts").selectAll().execute(), north: await northDb.selectFrom("checkouts").selectAll().execute() }).toEqual(
        before,
      );
      expect((await db.selectFrom("checkouts").select("email").executeTakeFirstOrThrow()).email).toBe("first@example.com");
    }
  });
});
