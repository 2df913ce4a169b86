import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { collectionProductSet, getCollection, saveCollection } from "../shop/collections.server.ts";
import { handleize, handleProblem } from "../shop/handles.ts";
import { ProductValidationError } from "../shop/products.server.ts";
import { predictiveSearch, resolveQuery, search, searchResults } from "../shop/search.server.ts";
import { emptyFilters } from "../shop/search.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { createCollection, createProduct, launch } from "./support/storefront.ts";

// Titles in any script make handles of their own words; two shops, the same words, different products.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("handles in every script", () => {
  it("makes handles from Japanese, Chinese, Cyrillic, Greek and Arabic titles, and drops accents from Latin letters only", () => {
    expect(handleize("緑茶 セット")).toBe("緑茶-セット");
    expect(handleize("乌龙茶")).toBe("乌龙茶");
    expect(handleize("Чай Зелёный")).toBe("чай-зелёный");
    expect(handleize("Ελληνικός Καφές")).toBe("ελληνικός-καφές");
    expect(handleize("قهوة عربية")).toBe("قهوة-عربية");
    expect(handleize("Café Crème")).toBe("cafe-creme");
    expect(handleProblem("", "!!!")).toBe("The title has no letters or digits to make a handle from: enter one.");
    expect(handleProblem("Upper-Case", "x")).toMatch(/^Use lowercase letters/);
    expect(handleProblem("x".repeat(300), "x")).toBe("Use at most 200 characters.");
  });

  it("saves products and collections with such titles and serves them on their own shop only", async () => {
    const tea = await createProduct(northDb, { title: "緑茶 セット" });
    await createProduct(southDb, { title: "Чай Зелёный" });
    await saveCollection(northDb, SYSTEM_ACTOR, {
      title: "قهوة عربية",
      handle: "",
      descriptionHtml: "",
      kind: "manual",
      rules: [],
      rulesMatch: "all",
      parentId: null,
      seoTitle: "",
      seoDescription: "",
    });
    expect((await northDb.selectFrom("products").select("handle").where("id", "=", tea.id).executeTakeFirstOrThrow()).handle).toBe("緑茶-セット");

    const page = await app.request("north.shops.test", `/products/${encodeURIComponent("緑茶-セット")}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("緑茶 セット");
    expect((await app.request("south.shops.test", `/products/${encodeURIComponent("緑茶-セット")}`)).status).toBe(404);
    expect((await app.request("south.shops.test", `/products/${encodeURIComponent("чай-зелёный")}`)).status).toBe(200);
    expect((await app.request("north.shops.test", `/collections/${encodeURIComponent("قهوة-عربية")}`)).status).toBe(200);
    // An over-long handle in an address is simply not found.
    expect((await app.request("north.shops.test", `/products/${"a".repeat(5000)}`)).status).toBe(404);
    await expect(createProduct(northDb, { title: "x", handle: "Not A Handle" })).rejects.toBeInstanceOf(ProductValidationError);
  });

  it("finds them by search", async () => {
    const results = await app.request("south.shops.test", `/search?q=${encodeURIComponent("чай")}`);
    expect(results.body).toContain("Чай Зелёный");
    const japanese = await app.request("north.shops.test", `/search?q=${encodeURIComponent("緑茶")}`);
    expect(japanese.body).toContain("緑茶 セット");
  });
});

describe("search in every script", () => {
  const found = async (db: TenantDb, query: string) =>
    (await search(db, { query, filters: emptyFilters(), sort: "relevance", page: 1 })).results.products.map((p) => p.title).sort();

  it("finds words inside Chinese and Japanese titles, and whole words in Cyrillic, Greek and Arabic ones, in each shop's own catalogue", async () => {
    const kettle = await createProduct(northDb, { title: "手冲咖啡壶" });
    await createProduct(northDb, { title: "咖啡杯 白色" });
    await createProduct(northDb, { title: "コーヒーポット ガラス製" });
    await createProduct(northDb, { title: "Кофейник Медный" });
    await createProduct(northDb, { title: "Ελληνικός Καφές" });
    await createProduct(northDb, { title: "قهوة عربية مع الهيل" });
    await createProduct(northDb, { title: "Plain Kettle", tags: ["咖啡"] });
    await createProduct(southDb, { title: "咖啡豆" });
    await createProduct(southDb, { title: "コーヒー豆" });

    // Chinese: two characters, one, and a longer run, anywhere in the title; a tag that is the whole word too.
    expect(await found(northDb, "咖啡")).toEqual(["Plain Kettle", "咖啡杯 白色", "手冲咖啡壶"]);
    expect(await found(northDb, "壶")).toEqual(["手冲咖啡壶"]);
    expect(await found(northDb, "手冲咖啡")).toEqual(["手冲咖啡壶"]);
    expect(await found(northDb, "咖啡 白色")).toEqual(["咖啡杯 白色"]);
    expect(await found(northDb, "红茶")).toEqual([]);
    // Japanese: katakana inside a longer word, and with a Latin word the title lacks (every term must match).
    expect(await found(northDb, "コーヒー")).toEqual(["コーヒーポット ガラス製"]);
    expect(await found(northDb, "ガラス")).toEqual(["コーヒーポット ガラス製"]);
    expect(await found(northDb, "コーヒー plain")).toEqual([]);
    // Scripts with spaces: whole words, any case.
    expect(await found(northDb, "кофейник")).toEqual(["Кофейник Медный"]);
    expect(await found(northDb, "ΚΑΦΈΣ")).toEqual(["Ελληνικός Καφές"]);
    expect(await found(northDb, "عربية")).toEqual(["قهوة عربية مع الهيل"]);
    // The other shop has its own coffee, and none of these.
    expect(await found(southDb, "咖啡")).toEqual(["咖啡豆"]);
    expect(await found(southDb, "コーヒー")).toEqual(["コーヒー豆"]);
    expect(await found(southDb, "кофейник")).toEqual([]);

    // As the shopper types, and within a collection's products.
    expect((await predictiveSearch(northDb, "咖")).products.map((p) => p.title).sort()).toEqual(["咖啡杯 白色", "手冲咖啡壶"]);
    const collectionId = await createCollection(northDb, "brewing", "冲煮器具", [kettle.id]);
    const within = await collectionProductSet(northDb, (await getCollection(northDb, collectionId))!);
    const inCollection = await search(northDb, { query: "咖啡", filters: emptyFilters(), sort: "relevance", page: 1 }, { within });
    expect(inCollection.results.products.map((p) => p.title)).toEqual(["手冲咖啡壶"]);
    expect(inCollection.facets.total).toBe(1);

    // The pages: /search and the suggestions.
    const page = await app.request("north.shops.test", `/search?q=${encodeURIComponent("咖啡")}`);
    expect(page.body).toContain("手冲咖啡壶");
    expect(page.body).not.toContain("咖啡豆");
    const suggestions = JSON.parse((await app.request("south.shops.test", `/search/suggest?q=${encodeURIComponent("咖啡")}`)).body);
    expect(suggestions.products.map((p: { title: string }) => p.title)).toEqual(["咖啡豆"]);
  });

  it("finds half-width katakana as full-width and the reverse, and words inside Korean and Thai titles, in each shop's own catalogue", async () => {
    await createProduct(northDb, { title: "ｶﾌｪｵﾚ ﾎﾞﾄﾙ" });
    await createProduct(northDb, { title: "カフェラテ カップ" });
    await createProduct(northDb, { title: "유기농 녹차티백" });
    await createProduct(northDb, { title: "ชาเขียวมัทฉะ" });
    await createProduct(southDb, { title: "녹차 라떼" });
    await createProduct(southDb, { title: "ชาไทย" });

    // Either width of the query finds either width of the title (NFKC on both sides), a voiced ﾎﾞ as ボ too.
    expect(await found(northDb, "カフェ")).toEqual(["カフェラテ カップ", "ｶﾌｪｵﾚ ﾎﾞﾄﾙ"]);
    expect(await found(northDb, "ｶﾌｪ")).toEqual(["カフェラテ カップ", "ｶﾌｪｵﾚ ﾎﾞﾄﾙ"]);
    expect(await found(northDb, "ボトル")).toEqual(["ｶﾌｪｵﾚ ﾎﾞﾄﾙ"]);
    expect(await found(northDb, "ｶｯﾌﾟ")).toEqual(["カフェラテ カップ"]);
    // A Korean word joined to another, and Thai words (with their vowel and tone marks) inside an unspaced title.
    expect(await found(northDb, "녹차")).toEqual(["유기농 녹차티백"]);
    expect(await found(northDb, "มัทฉะ")).toEqual(["ชาเขียวมัทฉะ"]);
    expect(await found(northDb, "ชาเขียว")).toEqual(["ชาเขียวมัทฉะ"]);
    // The other shop finds its own, and none of these.
    expect(await found(southDb, "녹차")).toEqual(["녹차 라떼"]);
    expect(await found(southDb, "ชา")).toEqual(["ชาไทย"]);
    expect(await found(southDb, "カフェ")).toEqual([]);
    expect(await found(southDb, "มัทฉะ")).toEqual([]);
  });

  it("orders Chinese and Japanese results by where the word is in the title, with stable pages", async () => {
    // Made in an order that newest-first would reverse.
    for (const title of ["有机抹茶粉", "抹茶", "抹茶拿铁 礼盒装", "宇治 抹茶"]) await createProduct(northDb, { title });
    await createProduct(northDb, { title: "Matcha Whisk", tags: ["抹茶"] });
    await createProduct(southDb, { title: "抹茶冰淇淋" });
    const pageOf = async (db: TenantDb, page: number) => {
      const results = await searchResults(db, await resolveQuery(db, "抹茶"), { filters: emptyFilters(), sort: "relevance", page }, { pageSize: 2 });
      return { titles: results.products.map((p) => p.title), hasNext: results.hasNext };
    };
    // Beginning with the word (the shorter first), then the word earlier in the title, then a tag alone.
    expect(await pageOf(northDb, 1)).toEqual({ titles: ["抹茶", "抹茶拿铁 礼盒装"], hasNext: true });
    expect(await pageOf(northDb, 2)).toEqual({ titles: ["有机抹茶粉", "宇治 抹茶"], hasNext: true });
    expect(await pageOf(northDb, 3)).toEqual({ titles: ["Matcha Whisk"], hasNext: false });
    expect(await pageOf(southDb, 1)).toEqual({ titles: ["抹茶冰淇淋"], hasNext: false });
    // The search page shows the same order.
    const page = await app.request("north.shops.test", `/search?q=${encodeURIComponent("抹茶")}`);
    const shown = ["抹茶拿铁 礼盒装", "有机抹茶粉", "宇治 抹茶", "Matcha Whisk"].map((title) => page.body.indexOf(title));
    expect(shown.every((at, i) => at > 0 && (i === 0 || at > shown[i - 1]))).toBe(true);
    expect(page.body).not.toContain("抹茶冰淇淋");
  });
});
