import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { publishTheme, saveThemeDraft } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { THEME_MANIFESTS } from "../themes/manifest.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { launch, setPolicy } from "./support/storefront.ts";

// A new shop says only what its merchant said: two shops with different headlines, every theme's defaults.
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
  await northDb.updateTable("settings").set({ headline: "Coffee roasted on Mondays", welcome_text: "Beans from three farms we visit." }).execute();
  await southDb.updateTable("settings").set({ headline: "Linen for every season", welcome_text: "Woven in Flanders." }).execute();
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("theme defaults", () => {
  it("claim nothing: no announcement, and the home page's hero says the shop's own headline in every theme", async () => {
    for (const manifest of THEME_MANIFESTS) {
      expect(manifest.defaults.announcement.enabled, manifest.id).toBe(false);
      await publishTheme(northDb, SYSTEM_ACTOR, manifest.id);
      const home = await app.request("north.shops.test", "/");
      expect(home.status).toBe(200);
      expect(home.body, manifest.id).toContain("Coffee roasted on Mondays");
      expect(home.body, manifest.id).toContain("Beans from three farms we visit.");
      expect(home.body, manifest.id).not.toContain("announcement-bar");
    }
    const south = await app.request("south.shops.test", "/");
    expect(south.body).toContain("Linen for every season");
    expect(south.body).not.toContain("Coffee roasted on Mondays");
  });

  it("link an announcement only to a policy the shop has", async () => {
    const manifest = THEME_MANIFESTS[0];
    await saveThemeDraft(northDb, SYSTEM_ACTOR, manifest.id, {
      ...manifest.defaults,
      announcement: { enabled: true, text: "Free returns", link: "/policies/refund-policy" },
    });
    await publishTheme(northDb, SYSTEM_ACTOR, manifest.id);
    let home = await app.request("north.shops.test", "/");
    expect(home.body).toContain("Free returns");
    expect(home.body).not.toContain('href="/policies/refund-policy"');
    await setPolicy(northDb, "refund-policy", "<p>30 days, unused.</p>");
    home = await app.request("north.shops.test", "/");
    expect(home.body).toContain('<a href="/policies/refund-policy">Free returns</a>');
  });
});
