import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveCollection } from "../shop/collections.server.ts";
import { handleize, handleProblem } from "../shop/handles.ts";
import { ProductValidationError } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { createProduct, launch } from "./support/storefront.ts";

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
