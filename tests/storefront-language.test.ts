import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveStorefrontLanguage, SettingsValidationError } from "../shop/settings.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { readMailDir } from "./support/mail.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

// A storefront in the shop's language (decision 032). Two shops whose data differ: "cha" sells tea in CNY and is
// switched to Simplified Chinese by its merchant in the admin; "north" sells mugs in USD and stays English. The page
// cache is on, as in production, so a switch must not leave the other language's pages being served.
let t: TestDatabase;
let app: TestApp;
let cha: Shop;
let chaDb: TenantDb;
let northDb: TenantDb;
let owner: string;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-language-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const ownerUser = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  cha = await provisionShop(t.db, { slug: "cha", name: "Cha House", ownerId: ownerUser.id });
  const north = await provisionShop(t.db, { slug: "north", name: "North Wares", ownerId: ownerUser.id });
  chaDb = tenantDb(t.db, cha.schema_name);
  northDb = tenantDb(t.db, north.schema_name);
  await chaDb.updateTable("settings").set({ currency: "CNY" }).execute();
  await createProduct(chaDb, { title: "龙井茶", handle: "longjing", variants: [variant([], 8800, { inventoryQuantity: 5 })] });
  await createProduct(chaDb, { title: "Jasmine Pearls", handle: "jasmine", variants: [variant([], 6600, { inventoryQuantity: 5 })] });
  await createProduct(northDb, { title: "North Mug", handle: "mug", variants: [variant([], 1200, { inventoryQuantity: 5 })] });
  await publishTheme(chaDb, SYSTEM_ACTOR, "classic");
  await publishTheme(northDb, SYSTEM_ACTOR, "minimal");
  await launch(chaDb);
  await launch(northDb);
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  owner = await logIn(app, "owner@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (shop: string, path: string) => app.request(`${shop}.shops.test`, path);
const htmlLang = (res: TestResponse) => /<html lang="([^"]+)"/.exec(res.body)?.[1];

async function variantId(db: TenantDb, handle: string): Promise<string> {
  const row = await db
    .selectFrom("variants as v")
    .innerJoin("products as p", "p.id", "v.product_id")
    .select("v.id")
    .where("p.handle", "=", handle)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("the merchant picks the storefront's language", () => {
  it("refuses a language that isn't offered and changes nothing", async () => {
    await expect(saveStorefrontLanguage(chaDb, SYSTEM_ACTOR, "fr")).rejects.toBeInstanceOf(SettingsValidationError);
    const refused = await adminPost(app, owner, "/admin/cha/settings?index", { intent: "language", storefrontLanguage: "xx-<b>" });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("Choose a language from the list.");
    expect((await chaDb.selectFrom("settings").select("storefront_language").executeTakeFirstOrThrow()).storefront_language).toBe("en");
  });

  it("switches the storefront at once, even for pages the cache already holds, and the admin stays English", async () => {
    await get("cha", "/collections/all");
    const cached = await get("cha", "/collections/all");
    expect(cached.headers["x-page-cache"]).toBe("hit");
    expect(htmlLang(cached)).toBe("en");
    expect(cached.body).toContain("All products");

    const settings = await adminGet(app, owner, "/admin/cha/settings");
    expect(settings.body).toMatch(/<label[^>]*for="storefrontLanguage"[^>]*>Storefront language<\/label>/);
    const saved = await adminPost(app, owner, "/admin/cha/settings?index", { intent: "language", storefrontLanguage: "zh-CN" });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain("Storefront language saved.");
    expect(htmlLang(saved)).toBe("en");

    const next = await get("cha", "/collections/all");
    expect(next.headers["x-page-cache"]).toBe("miss");
    expect(htmlLang(next)).toBe("zh-CN");
    expect(next.body).toContain("<h1>全部商品</h1>");
    expect(next.body).not.toContain("All products");
    // The other shop is untouched.
    const north = await get("north", "/collections/all");
    expect(htmlLang(north)).toBe("en");
    expect(north.body).toContain("All products");
  });
});

describe("a Simplified Chinese storefront beside an English one", () => {
  it("home, product and collection pages: lang, header, footer, money in the shop's locale", async () => {
    const home = await get("cha", "/");
    expect(htmlLang(home)).toBe("zh-CN");
    expect(home.body).toContain("跳至内容");
    expect(home.body).toMatch(/aria-label="购物车，0 件商品"/);
    expect(home.body).toContain("由 Bazaar 提供支持");

    const product = await get("cha", "/products/longjing");
    expect(htmlLang(product)).toBe("zh-CN");
    expect(product.body).toContain("龙井茶");
    expect(product.body).toContain("¥88.00");
    expect(product.body).toMatch(/<button type="submit" class="button add-to-cart-button"[^>]*>加入购物车<\/button>/);
    expect(product.body).toMatch(/<label for="quantity">数量<\/label>/);
    expect(product.body).not.toContain("Add to cart");

    const english = await get("north", "/products/mug");
    expect(htmlLang(english)).toBe("en");
    expect(english.body).toContain("$12.00");
    expect(english.body).toMatch(/>Add to cart<\/button>/);
    expect(english.body).not.toContain("加入购物车");
    expect(english.body).not.toContain("龙井茶");
  });

  it("the 404 page and search speak the shop's language", async () => {
    const missing = await get("cha", "/products/no-such-tea");
    expect(missing.status).toBe(404);
    expect(htmlLang(missing)).toBe("zh-CN");
    expect(missing.body).toContain("<title>页面未找到 · Cha House</title>");
    expect(missing.body).toContain("<h1>页面未找到</h1>");
    expect(missing.body).toContain("返回首页");
    const englishMissing = await get("north", "/no-such-page");
    expect(englishMissing.body).toContain("<h1>Page not found</h1>");
    expect(htmlLang(englishMissing)).toBe("en");

    const search = await get("cha", "/search?q=nothing-like-this");
    expect(search.body).toContain("<h1>搜索结果</h1>");
    expect(search.body).toContain("“nothing-like-this”的搜索结果：0 件");
    const found = await get("cha", "/search?q=jasmine");
    expect(found.body).toContain("“jasmine”的搜索结果：1 件");
    expect(found.body).toContain("¥66.00");
  });

  it("cart and checkout, with the server's field errors, in Chinese; the English shop's in English", async () => {
    const shopper = new ShopperClient(app, "cha.shops.test");
    const badQuantity = await shopper.post("/cart", { variantId: await variantId(chaDb, "longjing"), quantity: "many" });
    expect(badQuantity.status).toBe(400);
    expect(badQuantity.body).toContain("请输入整数。");

    expect((await shopper.post("/cart", { variantId: await variantId(chaDb, "longjing"), quantity: "2" })).status).toBe(303);
    const cart = await shopper.get("/cart");
    expect(htmlLang(cart)).toBe("zh-CN");
    expect(cart.body).toContain("<h1>您的购物车</h1>");
    expect(cart.body).toContain("¥176.00");
    expect(cart.body).toMatch(/aria-label="购物车，2 件商品"/);
    expect(cart.body).toMatch(/>去结账<\/button>/);

    const checkoutPath = (await shopper.post("/cart", { intent: "checkout" })).headers.location!;
    const checkout = await shopper.get(checkoutPath);
    expect(checkout.body).toContain("<h1>结账</h1>");
    expect(checkout.body).toContain("订单摘要");
    expect(checkout.body).toMatch(/<label for="email">电子邮箱<\/label>/);
    expect(checkout.body).toContain('<option value="FR">法国</option>');
    const refused = await shopper.post(checkoutPath, { intent: "update", email: "not-an-email", name: "", line1: "", city: "", country: "ZZ", phone: "" });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("请输入有效的电子邮箱，例如 name@example.com。");
    expect(refused.body).toContain("请输入收件人姓名。");
    expect(refused.body).toContain("请从列表中选择国家/地区。");

    const englishShopper = new ShopperClient(app, "north.shops.test");
    await englishShopper.post("/cart", { variantId: await variantId(northDb, "mug"), quantity: "1" });
    const englishPath = (await englishShopper.post("/cart", { intent: "checkout" })).headers.location!;
    const englishRefused = await englishShopper.post(englishPath, {
      intent: "update",
      email: "not-an-email",
      name: "",
      line1: "",
      city: "",
      country: "ZZ",
      phone: "",
    });
    expect(englishRefused.body).toContain("Enter an email like name@example.com.");
    expect(englishRefused.body).toContain("Enter the recipient&#x27;s name.");
    expect(englishRefused.body).not.toContain("请");
  });

  it("account sign-up errors and the password reset email in the shop's language", async () => {
    const shopper = new ShopperClient(app, "cha.shops.test");
    const refused = await shopper.post("/account/register", { email: "nope", password: "short", firstName: "", lastName: "" });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("<h1>注册账户</h1>");
    expect(refused.body).toContain("请输入有效的电子邮箱。");
    expect(refused.body).toContain("请至少使用 8 个字符。");
    expect(refused.body).toContain("请输入您的名字。");
    expect((await shopper.post("/account/register", { email: "mei@example.com", password: "green-tea-2026", firstName: "美", lastName: "" })).status).toBe(303);
    await new ShopperClient(app, "cha.shops.test").post("/account/forgot-password", { email: "mei@example.com" });
    const englishShopper = new ShopperClient(app, "north.shops.test");
    await englishShopper.post("/account/register", { email: "ann@example.com", password: "mugs-and-more-2026", firstName: "Ann", lastName: "" });
    await new ShopperClient(app, "north.shops.test").post("/account/forgot-password", { email: "ann@example.com" });

    const mail = readMailDir(mailDir);
    const chinese = mail.find((m) => m.to === "mei@example.com")!;
    expect(chinese.subject).toBe("重置您在 Cha House 的密码");
    expect(chinese.text).toContain("请在 60 分钟内设置新密码：http://cha.shops.test/account/reset-password/");
    const english = mail.find((m) => m.to === "ann@example.com")!;
    expect(english.subject).toBe("Reset your password at North Wares");
    expect(english.text).toContain("Choose a new one within 60 minutes: http://north.shops.test/account/reset-password/");
  });
});
