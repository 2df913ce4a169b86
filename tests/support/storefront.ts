import { readFileSync } from "node:fs";
import path from "node:path";
import type { PolicyHandle } from "../../db/types.ts";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { POLICY_TITLES } from "../../shop/settings.server.ts";
import { saveProduct, type ProductInput, type VariantInput } from "../../shop/products.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";

/** A product input with sensible defaults for storefront tests. */
export function productInput(overrides: Partial<ProductInput> & Pick<ProductInput, "title">): ProductInput {
  return {
    handle: "",
    descriptionHtml: "",
    status: "active",
    vendor: "",
    productType: "",
    tags: [],
    seoTitle: "",
    seoDescription: "",
    options: [],
    variants: [variant([], 1000)],
    ...overrides,
  };
}

export function variant(optionValues: string[], price: number, extra: Partial<VariantInput> = {}): VariantInput {
  return { optionValues, sku: "", price, compareAtPrice: null, inventoryQuantity: 10, continueSelling: false, weightGrams: 0, ...extra };
}

export async function createProduct(db: TenantDb, input: Partial<ProductInput> & Pick<ProductInput, "title">) {
  return saveProduct(db, SYSTEM_ACTOR, productInput(input));
}

export async function createCollection(db: TenantDb, handle: string, title: string, productIds: string[], descriptionHtml = ""): Promise<string> {
  const { id } = await db
    .insertInto("collections")
    .values({ handle, title, kind: "manual", description_html: descriptionHtml })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (productIds.length) {
    await db
      .insertInto("collection_products")
      .values(productIds.map((productId, position) => ({ collection_id: id, product_id: productId, position })))
      .execute();
  }
  return id;
}

/** Writes a policy as the settings page does: the platform names it (POLICY_TITLES), the merchant writes its body. */
export async function setPolicy(db: TenantDb, handle: PolicyHandle, bodyHtml: string): Promise<void> {
  await db
    .insertInto("policies")
    .values({ handle, title: POLICY_TITLES[handle], body_html: bodyHtml })
    .onConflict((oc) => oc.column("handle").doUpdateSet({ body_html: bodyHtml }))
    .execute();
}

export async function createPage(db: TenantDb, handle: string, title: string, bodyHtml: string, published = true): Promise<void> {
  await db.insertInto("pages").values({ handle, title, body_html: bodyHtml, published }).execute();
}

export async function launch(db: TenantDb): Promise<void> {
  await db.updateTable("settings").set({ launched_at: new Date() }).execute();
}

/** Every `<script type="application/ld+json">` in a page, parsed. */
export function jsonLdBlocks(html: string): unknown[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
}

/** What each stylesheet a served page links is, told apart by the rules inside it: "platform", "storefront", "theme:<id>"… */
export function linkedStylesheets(html: string): string[] {
  const hrefs = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
  return hrefs.map((href) => {
    const css = readFileSync(path.join("public", href), "utf8");
    const theme = /\.theme-(minimal|editorial|classic)\b/.exec(css)?.[1];
    if (theme) return `theme:${theme}`;
    if (css.includes(".admin-nav")) return "platform";
    if (css.includes(".product-grid")) return "storefront";
    return path.basename(href).replace(/-[A-Z0-9]+\.css$/, "");
  });
}
