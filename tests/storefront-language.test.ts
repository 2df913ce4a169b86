import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveStorefrontLanguage, SettingsValidationError } from "../shop/settings.server.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { showDefaultTexts } from "../themes/default-texts.ts";
import { themeManifest } from "../themes/manifest.ts";
import type { ThemeSettings } from "../themes/settings.ts";
import { adminGet, adminSave, logIn, themeEditorForm } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { readMailDir } from "./support/mail.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createProduct, launch, setPolicy, variant } from "./support/storefront.ts";

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
    const refused = await adminSave(app, owner, "/admin/cha/settings?index", { intent: "language", storefrontLanguage: "xx-<b>" });
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
    const saved = await adminSave(app, owner, "/admin/cha/settings?index", { intent: "language", storefrontLanguage: "zh-CN" });
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

describe("the theme's own texts in the shop's language", () => {
  const classic = themeManifest("classic");
  const classicDraft = async () =>
    (await chaDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "classic").executeTakeFirstOrThrow()).draft as ThemeSettings;

  it("show untouched in the shop's language, on the home page and in the theme editor, and a typed text as typed", async () => {
    // Both shops published their theme's defaults before the language changed: the texts are stored in English.
    expect((await classicDraft()).sections.map((s) => s.heading)).toEqual(["", "Best sellers", "Just arrived"]);
    const home = await get("cha", "/");
    expect(home.body).toMatch(/>浏览全部商品</);
    expect(home.body).toMatch(/<h2 id="featured-collection-1-heading">热销商品<\/h2>/);
    expect(home.body).toMatch(/<h2 id="product-grid-1-heading">新品上架<\/h2>/);
    for (const english of ["Browse the catalogue", "Best sellers", "Just arrived"]) expect(home.body).not.toContain(english);
    const northHome = await get("north", "/");
    expect(northHome.body).toMatch(/<h2 id="featured-collection-1-heading">Shop the collection<\/h2>/);
    expect(northHome.body).toMatch(/>Shop all</);
    expect(northHome.body).not.toMatch(/选购|热销/);

    // The editor shows what shoppers read; the English shop's editor shows English.
    const editor = await adminGet(app, owner, "/admin/cha/themes/classic");
    expect(editor.body).toMatch(/name="sections.1.heading"[^>]*value="热销商品"/);
    expect(editor.body).toMatch(/name="sections.0.buttonLabel"[^>]*value="浏览全部商品"/);
    expect((await adminGet(app, owner, "/admin/north/themes/minimal")).body).toMatch(/name="sections.1.heading"[^>]*value="Shop the collection"/);

    // Saving the editor's form as shown keeps those texts untouched (stored in English, so they follow the language);
    // the heading the merchant typed over is kept as typed.
    const shown = { ...classic.defaults, sections: showDefaultTexts(classic.defaults.sections, storefrontIntl("zh-CN")) };
    const published = await adminSave(app, owner, "/admin/cha/themes/classic", themeEditorForm(shown, { intent: "publish", "sections.2.heading": "本周上新" }));
    expect(published.status).toBe(302);
    const draft = await classicDraft();
    expect(draft.sections.map((s) => s.heading)).toEqual(["", "Best sellers", "本周上新"]);
    expect(draft.sections[0]).toMatchObject({ buttonLabel: "Browse the catalogue" });
    const republished = await get("cha", "/");
    expect(republished.body).toMatch(/<h2 id="featured-collection-1-heading">热销商品<\/h2>/);
    expect(republished.body).toMatch(/<h2 id="product-grid-1-heading">本周上新<\/h2>/);
    expect(republished.body).not.toContain("新品上架");
  });
});

/**
 * What a shopper reads on a page: text, the labels assistive technology reads (aria-label, alt, title, placeholder)
 * and the meta description, without scripts, styles and the shopper's own email addresses.
 */
function readableText(html: string): string {
  const page = html.replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, " ");
  const labels = [...page.matchAll(/\s(?:aria-label|alt|title|placeholder|content)="([^"]*)"/g)].map((m) => m[1]);
  return [page.replace(/<[^>]*>/g, " "), ...labels]
    .join(" ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/https?:\/\/\S+|[\w.+-]+@[\w.-]+/g, " ");
}

/**
 * Latin text a Chinese page may show: what the merchant typed (the shop's name, a product titled in English), what the
 * shopper typed, the platform's name in the footer's credit,
 * the currency's code, and the meta tags' keywords for machines.
 */
const NOT_ENGLISH_TEXT = [
  ...["Cha House", "Jasmine Pearls"],
  ...["NOPE", "zzzz", "Bazaar", "JSON", "CNY"],
  ...["width=device-width", "initial-scale", "noindex", "summary_large_image", "summary", "website", "product"],
];

/** The English words on a page of the Chinese shop (none, when everything shopper-facing is translated). */
function englishWords(html: string): string[] {
  const text = NOT_ENGLISH_TEXT.reduce((rest, allowed) => rest.replaceAll(allowed, " "), readableText(html));
  return [...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])];
}

describe("every page of the Chinese storefront", () => {
  it("has no English on any page a shopper can reach, signed in or not, with the server's refusals", async () => {
    await setPolicy(chaDb, "refund-policy", "<p>七天无理由退货。</p>");
    expect((await adminSave(app, owner, "/admin/cha/settings?index", { intent: "language", storefrontLanguage: "zh-CN" })).status).toBe(200);
    const shopper = new ShopperClient(app, "cha.shops.test");
    const pages = new Map<string, TestResponse>();
    const visit = async (label: string, response: Promise<TestResponse>) => pages.set(label, await response);

    await visit("home", shopper.get("/"));
    await visit("collection", shopper.get("/collections/all"));
    await visit("product", shopper.get("/products/longjing"));
    await visit("search", shopper.get(`/search?q=${encodeURIComponent("龙井")}&filter.v.price.gte=ten&filter.v.price.lte=1.234`));
    await visit("search with nothing found", shopper.get("/search?q=zzzz"));
    await visit("not found", shopper.get("/no-such-page"));
    await visit("policy", shopper.get("/policies/refund-policy"));
    await visit("login refused", shopper.post("/account/login", { email: "nobody@example.com", password: "wrong-password" }));
    await visit("forgot password", shopper.get("/account/forgot-password"));
    await visit("reset link expired", shopper.get("/account/reset-password/not-a-real-token"));
    await visit("register", shopper.get("/account/register"));
    expect((await shopper.post("/account/register", { email: "lin@example.com", password: "oolong-2026!", firstName: "林", lastName: "" })).status).toBe(303);

    await shopper.post("/cart", { variantId: await variantId(chaDb, "longjing"), quantity: "1" });
    await visit("cart", shopper.get("/cart"));
    const checkoutPath = (await shopper.post("/cart", { intent: "checkout" })).headers.location!;
    const address = { name: "林小姐", line1: "南京路 1 号", line2: "", city: "上海", region: "", postalCode: "200000", country: "CN", phone: "" };
    const fields = { email: "lin@example.com", ...address, shippingRateId: "", discountCode: "" };
    expect((await shopper.post(checkoutPath, { ...fields, discountCode: "NOPE", intent: "update" })).status).toBe(303);
    await visit("checkout, unknown discount code", shopper.get(checkoutPath));
    await visit("checkout, bad card", shopper.post(checkoutPath, { ...fields, intent: "pay", card: "12" }));
    await visit("checkout, total changed", shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4242424242424241", expectedTotal: "1" }));
    await visit("checkout, declined", shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4000000000000002", expectedTotal: "8800" }));
    const paid = await shopper.post(checkoutPath, { ...fields, intent: "pay", card: "4242424242424241", expectedTotal: "8800" });
    expect(paid.status).toBe(303);
    await visit("order status", shopper.get(paid.headers.location!));

    await visit("account", shopper.get("/account"));
    const orderNumber = /href="\/account\/orders\/(\d+)"/.exec(pages.get("account")!.body)?.[1];
    await visit("account order", shopper.get(`/account/orders/${orderNumber}`));
    await visit("address refused", shopper.post("/account/addresses", { intent: "create", ...address, name: "" }));
    const added = await shopper.post("/account/addresses", { intent: "create", ...address });
    await visit("addresses", shopper.get(added.headers.location!));
    const addressId = /href="\/account\/addresses\/(\d+)"/.exec(pages.get("addresses")!.body)?.[1];
    await visit("address", shopper.get(`/account/addresses/${addressId}`));
    await visit("privacy", shopper.get("/account/privacy"));
    await visit("privacy, not confirmed", shopper.post("/account/privacy", { password: "" }));
    await visit("privacy, wrong password", shopper.post("/account/privacy", { password: "not-it", confirm: "delete" }));

    const english = [...pages].flatMap(([label, res]) => {
      const words = englishWords(res.body);
      return words.length ? [`${label} (${res.status}): ${words.join(" ")}`] : [];
    });
    expect(english).toEqual([]);
    // The pages are what they say: the refusals were refused, in Chinese, and each page is in the shop's language.
    for (const [label, res] of pages) expect(htmlLang(res), label).toBe("zh-CN");
    expect(pages.get("search")!.body).toContain("请输入金额，例如 12.50。");
    expect(pages.get("checkout, unknown discount code")!.body).toContain("此优惠码不存在。");
    expect(pages.get("checkout, bad card")!.status).toBe(400);
    expect(pages.get("checkout, declined")!.body).toContain("您的卡被拒绝了。");
    expect(pages.get("checkout, total changed")!.body).toContain("总额已变为 ¥88.00");
    expect(pages.get("privacy, wrong password")!.body).toContain("密码不正确。");
    expect(pages.get("account")!.body).toContain("<h1>我的账户</h1>");
    // And the order confirmation email.
    const confirmation = readMailDir(mailDir).find((m) => m.to === "lin@example.com")!;
    expect(confirmation.subject).toMatch(/^订单 #\d+/);
    expect(englishWords(`${confirmation.subject}\n${confirmation.text}`)).toEqual([]);
  });
});
