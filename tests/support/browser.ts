import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { Shop } from "../../db/types.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../../tenants/handle.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { startTestApp, type TestApp } from "./http.ts";
import { seedBrowserCatalogue } from "./storefront-catalogue.ts";

export const SCREENSHOTS = path.resolve(".data/screenshots");

/**
 * Debian's Chromium with a fresh profile; `npx playwright install` can't download a browser here. `javaScriptEnabled:
 * false` checks that pages work before (or without) their scripts.
 */
export async function launchBrowser({ javaScriptEnabled = true } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), "bazaar-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
    javaScriptEnabled,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A port nobody is using, so the app's configured hosts can name it before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface SeededStorefront {
  t: TestDatabase;
  app: TestApp;
  context: BrowserContext;
  shop: Shop;
  db: TenantDb;
  /** The shop's origin, e.g. http://lumen.localhost:41234 */
  store: string;
  close(): Promise<void>;
}

/**
 * A database, the app on a real port, the seeded "Lumen & Clay" shop and Chromium: the storefront browser tests'
 * setting. `env` adds settings for the app, e.g. the fake Stripe server's.
 */
export async function openSeededStorefront(env: Record<string, string> = {}): Promise<SeededStorefront> {
  const t = await createTestDatabase();
  const port = await freePort();
  const base = `localhost:${port}`;
  const app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base, ...env }, port);
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen & Clay", ownerId: owner.id });
  const db = tenantDb(t.db, shop.schema_name);
  await seedBrowserCatalogue(db, app.services.media, shop);
  const browser = await launchBrowser();
  return {
    t,
    app,
    context: browser.context,
    shop,
    db,
    store: `http://lumen.${base}`,
    async close() {
      await browser.close();
      await app.close();
      await t.drop();
    },
  };
}

/**
 * Collects a page's script errors and console errors, except the console's note of a 400 answer: pages whose test
 * sends a refused form on purpose use it. Also shortens the page's waits to 10 s.
 */
export function watchErrorsBesides400(page: Page): string[] {
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => (m.type() === "error" && !m.text().includes("status of 400 (Bad Request)") ? errors.push(m.text()) : null));
  return errors;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Loads axe-core into the page. Through the DevTools protocol, not a script tag: the pages' Content-Security-Policy
 * (rightly) refuses an inline script without its nonce.
 */
async function injectAxe(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
}

/** Waits for the page to hydrate (the root layout marks `<html data-hydrated>`), rather than for a quiet network. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** One axe-core finding: the rule, how bad, what it asks for, and the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.0–2.2 A and AA rules and best practices on the page as it is. Only violations are collected:
 * gathering every passing node too (axe's default) costs most of a run and nobody reads it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  return page.evaluate(async () => {
    type Found = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Found[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

/** The product page's add-to-cart form is hydrated: an add opens the cart drawer (before that it posts to the cart page). */
export async function waitForCartDrawerForm(page: Page): Promise<void> {
  await page.locator('form.add-to-cart input[name="drawer"]').waitFor({ state: "attached" });
}

/** Adds the product page's choice to the cart with JavaScript, then follows the cart drawer's link to the cart page. */
export async function addToCartAndViewCart(page: Page, { add = "Add to cart", view = "View cart" } = {}): Promise<void> {
  await waitForCartDrawerForm(page);
  await page.getByRole("button", { name: add }).click();
  await page.getByRole("dialog").getByRole("link", { name: view }).click();
}
