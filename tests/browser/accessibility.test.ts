import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { publishTheme } from "../../shop/themes.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { axeViolations, waitForHydration, openSeededStorefront, type SeededStorefront } from "../support/browser.ts";

// axe-core (WCAG 2.0–2.2 A and AA rules plus best practices) on every theme's storefront pages: no violations.

const PAGES = ["/", "/collections/kitchen", "/products/stoneware-mug", "/search?q=mug", "/cart", "/pages/about", "/policies/refund-policy"];
const NOT_FOUND = "/no-such-page";

let context: BrowserContext;
let db: TenantDb;
let store: string;

let storefront: SeededStorefront;

beforeAll(async () => {
  storefront = await openSeededStorefront();
  ({ context, db, store } = storefront);
}, 120_000);
afterAll(() => storefront?.close());

async function violations(path: string): Promise<string[]> {
  const page = await context.newPage();
  try {
    const res = await page.goto(`${store}${path}`);
    expect(res?.status()).toBe(path === NOT_FOUND ? 404 : 200);
    await waitForHydration(page);
    return (await axeViolations(page)).map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(", ")}`);
  } finally {
    await page.close();
  }
}

describe.each(["minimal", "editorial", "classic"])("the %s theme", (themeId) => {
  it("has no axe violations on home, collection, product, search, cart, content, policy and not-found pages", async () => {
    await publishTheme(db, SYSTEM_ACTOR, themeId);
    const found: string[] = [];
    for (const path of [...PAGES, NOT_FOUND]) found.push(...(await violations(path)));
    expect(found).toEqual([]);
  });
});
