// `npx tsx bench/lighthouse.ts`: Lighthouse (mobile, its default simulated throttling) on every theme's home,
// collection, product and search pages, in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium).
//
// Serves a production build (made into .data/bench-build, see bench/storefront-speed.ts) with the page cache on,
// on a scratch database holding the browser tests' catalogue (tests/support/storefront-catalogue.ts: 12 products
// with real images, two collections, pages and policies). Prints performance, accessibility, best-practices
// and SEO scores per page, then every audit that kept a category under 100.
// DATABASE_URL: the server to make the scratch database on (default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import pg from "pg";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { createApp } from "../server/app.server.ts";
import { readConfig } from "../server/config.ts";
import { createServices } from "../server/services.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { bumpStorefrontVersion } from "../shop/page-cache.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { seedBrowserCatalogue } from "../tests/support/storefront-catalogue.ts";
import { BUILD_DIR, productionBuild } from "./storefront-speed.ts";
import { heading, printTable } from "./support.ts";

const THEMES = ["minimal", "editorial", "classic"];
const PAGES = { home: "/", collection: "/collections/kitchen", product: "/products/stoneware-mug", search: "/search?q=mug" } as const;
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.once("error", reject);
  });
}

async function main(): Promise<void> {
  const adminUrl = new URL(process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
  adminUrl.pathname = "/postgres";
  const name = `bazaar_bench_lighthouse_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-lighthouse-"));
  const admin = new pg.Client({ connectionString: adminUrl.href });
  await admin.connect();
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  try {
    await admin.query(`create database ${name}`);
    productionBuild();
    process.env.PREVIEW_SECRET ??= randomBytes(32).toString("hex");
    const build: ServerBuild = await import(pathToFileURL(path.join(BUILD_DIR, "build/index.js")).href);

    const platform = createDatabase({ url: databaseUrl.href, max: 2 });
    cleanups.push(() => platform.destroy());
    await migratePlatform(platform);
    const port = await freePort();
    const config = readConfig({ NODE_ENV: "production", PLATFORM_HOST: `localhost:${port}`, STORE_DOMAIN: `localhost:${port}`, PAGE_CACHE: "on" });
    process.env.MEDIA_DIR = mediaDir;
    const services = await createServices(config, databaseUrl.href);
    cleanups.push(() => services.close());
    const owner = await createUser(platform, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
    const shop = await provisionShop(platform, { slug: "lumen", name: "Lumen & Clay", ownerId: owner.id });
    const db = tenantDb(platform, shop.schema_name);
    await seedBrowserCatalogue(db, services.media, shop);

    // The production build's assets live in BUILD_DIR/public/build: serve from there.
    const here = process.cwd();
    process.chdir(BUILD_DIR);
    const server: Server = createApp(services, build).listen(port, "127.0.0.1");
    process.chdir(here);
    await new Promise<void>((resolve) => server.once("listening", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    // Chromium resolves *.localhost to the loopback address itself.
    const store = `http://lumen.localhost:${port}`;
    const version = JSON.parse(readFileSync("node_modules/lighthouse/package.json", "utf8")).version;
    console.log(`Lighthouse ${version}, mobile, ${store}, ${new Date().toISOString()}`);

    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    cleanups.push(() => chrome.kill());

    const rows: string[][] = [];
    const problems = new Map<string, Set<string>>();
    for (const themeId of THEMES) {
      await publishTheme(db, SYSTEM_ACTOR, themeId);
      await bumpStorefrontVersion(db);
      for (const [page, pathname] of Object.entries(PAGES)) {
        const result = await lighthouse(`${store}${pathname}`, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: [...CATEGORIES] });
        if (!result) throw new Error(`no Lighthouse result for ${pathname}`);
        const { lhr } = result;
        rows.push([themeId, page, ...CATEGORIES.map((c) => String(Math.round((lhr.categories[c]?.score ?? 0) * 100)))]);
        // Opportunities carry no weight in the score but say where the time goes.
        for (const audit of Object.values(lhr.audits)) {
          const savings = (audit.details as { type?: string; overallSavingsMs?: number } | undefined)?.overallSavingsMs ?? 0;
          if ((audit.details as { type?: string } | undefined)?.type !== "opportunity" || savings < 100) continue;
          const key = `opportunity: ${audit.id} (${Math.round(savings)} ms)`;
          if (!problems.has(key)) problems.set(key, new Set());
          problems.get(key)!.add(`${themeId} ${page}`);
        }
        for (const category of CATEGORIES) {
          for (const ref of lhr.categories[category]?.auditRefs ?? []) {
            const audit = lhr.audits[ref.id];
            if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 1) continue;
            const key = `${category}: ${ref.id} (${audit.displayValue ?? audit.score})`.replace(/\s+/g, " ");
            if (!problems.has(key)) problems.set(key, new Set());
            problems.get(key)!.add(`${themeId} ${page}`);
          }
        }
      }
    }
    heading("scores (mobile)");
    printTable(["Theme", "Page", ...CATEGORIES], rows, { left: 2 });
    heading("audits under 100 and opportunities over 100 ms (where)");
    for (const [audit, where] of [...problems].sort()) console.log(`${audit}: ${[...where].join(", ")}`);
  } catch (error) {
    process.exitCode = 1;
    console.error(error);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(mediaDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.chdir(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  await main();
}
