import { createRequire } from "node:module";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../../db/types.ts";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { seedBrowserCatalogue } from "../support/storefront-catalogue.ts";

// axe-core (WCAG 2.0–2.2 A and AA rules plus best practices) on every theme's storefront pages: no violations.

const AXE_SOURCE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PAGES = ["/", "/collections/kitchen", "/products/stoneware-mug", "/search?q=mug", "/cart", "/pages/about", "/policies/refund-policy"];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let shop: Shop;
let db: TenantDb;
let store: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const port = await freePort();
  const base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen & Clay", ownerId: owner.id });
  db = tenantDb(t.db, shop.schema_name);
  await seedBrowserCatalogue(db, app.services.media, shop);
  store = `http://lumen.${base}`;
  browser = await launchBrowser();
  context = browser.context;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

async function violations(path: string): Promise<string[]> {
  const page = await context.newPage();
  try {
    const res = await page.goto(`${store}${path}`);
    expect(res?.status()).toBeLessThan(400);
    await page.waitForLoadState("networkidle");
    await page.addScriptTag({ path: AXE_SOURCE });
    const found = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
      return result.violations;
    });
    return found.map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  } finally {
    await page.close();
  }
}

describe.each(["minimal", "editorial", "classic"])("the %s theme", (themeId) => {
  it("has no axe violations on home, collection, product, search, cart, content and policy pages", async () => {
    await publishTheme(db, SYSTEM_ACTOR, themeId);
    const found: string[] = [];
    for (const path of PAGES) found.push(...(await violations(path)));
    expect(found).toEqual([]);
  });
});
