// `npx tsx bench/storefront-speed.ts`: how fast Bazaar serves a storefront, against a bare server.
//
// One shop with a manual collection of 24 products (two variants each, an image, a sale price on some) and
// a product page, served three ways side by side in one child process (so autocannon never shares an event
// loop with them): a bare `node:http` + `pg` server that runs the same queries as Bazaar's loaders and prints
// the same list as a template string; Bazaar rendering every request (page cache off); and Bazaar serving
// anonymous visitors from its page cache. autocannon, 50 connections, Host header, 127.0.0.1.
//
// Goals: fresh renders reach ≥ 10 % of the bare server's requests/s, cached pages ≥ 50 %.
// DATABASE_URL: the server to create a scratch database on (default postgres://postgres@127.0.0.1:5432/postgres).
// BENCH_SPEED_SECONDS sets each run's length (default 10). Builds the app for production into .data/bench-build.
import autocannon from "autocannon";
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import pg from "pg";
import { createDatabase } from "../db/database.server.ts";
import { migratePlatform } from "../db/migrate-platform.server.ts";
import { createApp } from "../server/app.server.ts";
import { readConfig } from "../server/config.ts";
import { createServices } from "../server/services.server.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { envInt, heading, ms, printFigures, printTable, type Figure } from "./support.ts";

const CONNECTIONS = 50;
const SLUG = "speed";
const HOST = `${SLUG}.localhost:3000`;
const PAGES = { collection: "/collections/featured", product: "/products/speed-product-7" } as const;

type Ports = { bare: number; fresh: number; cached: number };

// The shared build/ holds whatever the test suite built last (a test build, with React's development JSX runtime): the
// benchmark makes its own production build in a folder of its own, so it neither measures nor disturbs that one.
export const BUILD_DIR = fileURLToPath(new URL("../.data/bench-build", import.meta.url));

export function productionBuild(): void {
  mkdirSync(BUILD_DIR, { recursive: true });
  mkdirSync(path.join(BUILD_DIR, "public"), { recursive: true });
  copyFileSync("package.json", path.join(BUILD_DIR, "package.json"));
  // A server run from BUILD_DIR (bench/lighthouse.ts) serves its public/ files too.
  copyFileSync("public/favicon.svg", path.join(BUILD_DIR, "public/favicon.svg"));
  writeFileSync(
    path.join(BUILD_DIR, "remix.config.js"),
    `import base from "../../remix.config.js";\nexport default { ...base, appDirectory: "../../app", serverBuildPath: "build/index.js", assetsBuildDirectory: "public/build" };\n`,
  );
  const built = spawnSync("npx", ["remix", "build", "."], { cwd: BUILD_DIR, env: { ...process.env, NODE_ENV: "production" }, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`remix build failed:\n${built.stdout}${built.stderr}`);
}

// ---- Seeding --------------------------------------------------------------------------------------------

async function seed(databaseUrl: string): Promise<void> {
  const platform = createDatabase({ url: databaseUrl, max: 4 });
  try {
    await migratePlatform(platform);
    const owner = await createUser(platform, { email: "speed@example.com", password: "correct horse battery" });
    const shop = await provisionShop(platform, { slug: SLUG, name: "Speed Shop", ownerId: owner.id });
    const db = tenantDb(platform, shop.schema_name);
    const ids: string[] = [];
    for (let i = 1; i <= 30; i++) {
      const saved = await saveProduct(db, SYSTEM_ACTOR, {
        title: `Speed Product ${i}`,
        handle: `speed-product-${i}`,
        descriptionHtml: `<p>A sturdy product, number ${i}, made to last.</p>`,
        status: "active",
        vendor: "Fjord Supply Co.",
        productType: "Mugs",
        tags: ["bench"],
        seoTitle: "",
        seoDescription: "",
        options: [{ name: "Size", values: ["Small", "Large"] }],
        variants: ["Small", "Large"].map((size, v) => ({
          optionValues: [size],
          sku: `SP-${i}-${size}`,
          price: 1000 + i * 10 + v * 500,
          compareAtPrice: i % 3 === 0 ? 2500 + i * 10 : null,
          inventoryQuantity: i % 5 === 0 && v === 1 ? 0 : 12,
          continueSelling: false,
          weightGrams: 300,
        })),
      });
      ids.push(saved.id);
      await db
        .insertInto("product_media")
        .values({
          product_id: saved.id,
          position: 0,
          storage_key: `shops/${shop.id}/products/${saved.id}/${"a".repeat(32)}`,
          alt: `Speed Product ${i}`,
          width: 1200,
          height: 1200,
          content_type: "image/webp",
          byte_size: 1000,
        })
        .execute();
    }
    const { id } = await db
      .insertInto("collections")
      .values({ handle: "featured", title: "Featured", kind: "manual", description_html: "<p>Our favourites.</p>" })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto("collection_products")
      .values(ids.slice(0, 24).map((productId, position) => ({ collection_id: id, product_id: productId, position })))
      .execute();
    await db.updateTable("settings").set({ launched_at: new Date() }).execute();
  } finally {
    await platform.destroy();
  }
}

// ---- The bare server ------------------------------------------------------------------------------------

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const money = (minor: string) => `$${(Number(minor) / 100).toFixed(2)}`;

/** The same queries Bazaar's layout and loaders run (settings, live theme, navigation, the page's own), printed by a template. */
function bareServer(pool: pg.Pool, schema: string): http.Server {
  const t = (table: string) => `"${schema}"."${table}"`;
  const layout = () =>
    Promise.all([
      pool.query(`select headline, welcome_text, contact_email, logo_key, currency, storefront_password, launched_at from ${t("settings")}`),
      pool.query(`select theme_id, published from ${t("theme_settings")} where is_live = true`),
      pool.query(`select handle, title from ${t("collections")} where parent_id is null order by title limit 5`),
      pool.query(`select handle, title from ${t("policies")} where body_html <> ''`),
    ]);
  async function cards(ids: string[]) {
    const [products, variants, images] = await Promise.all([
      pool.query(`select id, handle, title, vendor from ${t("products")} where id = any($1) and status = 'active'`, [ids]),
      pool.query(
        `select product_id, price, compare_at_price, inventory_quantity, continue_selling from ${t("variants")} where product_id = any($1) order by product_id, position`,
        [ids],
      ),
      pool.query(
        `select distinct on (product_id) product_id, storage_key, width, height, alt from ${t("product_media")} where product_id = any($1) order by product_id, position, id`,
        [ids],
      ),
    ]);
    const byId = new Map(products.rows.map((p) => [p.id, p]));
    const price = new Map<string, string>();
    for (const v of variants.rows) if (!price.has(v.product_id) || BigInt(v.price) < BigInt(price.get(v.product_id)!)) price.set(v.product_id, v.price);
    const image = new Map(images.rows.map((m) => [m.product_id, m]));
    return ids.flatMap((id) => {
      const p = byId.get(id);
      return p ? [{ ...p, price: price.get(id)!, image: image.get(id) }] : [];
    });
  }
  async function collectionPage(handle: string): Promise<string | null> {
    const [[settings], found] = await Promise.all([
      layout(),
      pool.query(`select id, title, description_html from ${t("collections")} where handle = $1`, [handle]),
    ]);
    const collection = found.rows[0];
    if (!collection) return null;
    const rows = await pool.query(
      `select p.id from ${t("collection_products")} cp join ${t("products")} p on p.id = cp.product_id where cp.collection_id = $1 and p.status = 'active' order by cp.position limit 25`,
      [collection.id],
    );
    const list = await cards(rows.rows.slice(0, 24).map((r) => r.id));
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(collection.title)} · Speed Shop</title></head><body><main><h1>${escapeHtml(collection.title)}</h1>${collection.description_html}<ul class="product-grid">${list
      .map(
        (p) =>
          `<li class="product-card"><a href="/products/${p.handle}"><img src="/media/${p.image?.storage_key}?width=480" alt="${escapeHtml(p.image?.alt ?? p.title)}" width="${p.image?.width}" height="${p.image?.height}"><h2>${escapeHtml(p.title)}</h2></a><p>${escapeHtml(p.vendor)}</p><p class="price">${money(p.price)} ${settings.rows[0].currency}</p></li>`,
      )
      .join("")}</ul></main></body></html>`;
  }
  async function productPage(handle: string): Promise<string | null> {
    const [, found] = await Promise.all([
      layout(),
      pool.query(`select id, handle, title, vendor, product_type, description_html from ${t("products")} where handle = $1 and status = 'active'`, [handle]),
    ]);
    const product = found.rows[0];
    if (!product) return null;
    const [options, variants, media] = await Promise.all([
      pool.query(`select name, option_values from ${t("product_options")} where product_id = $1 order by position`, [product.id]),
      pool.query(
        `select id, option_values, sku, price, compare_at_price, inventory_quantity, continue_selling, image_id from ${t("variants")} where product_id = $1 order by position, id`,
        [product.id],
      ),
      pool.query(`select id, storage_key, width, height, alt from ${t("product_media")} where product_id = $1 order by position, id`, [product.id]),
    ]);
    const related = await pool.query(
      `select id from ${t("products")} where status = 'active' and id <> $1 order by published_at desc nulls last, id desc limit 4`,
      [product.id],
    );
    const relatedCards = await cards(related.rows.map((r) => r.id));
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(product.title)} · Speed Shop</title></head><body><main><h1>${escapeHtml(product.title)}</h1>${media.rows
      .map((m) => `<img src="/media/${m.storage_key}?width=960" alt="${escapeHtml(m.alt)}" width="${m.width}" height="${m.height}">`)
      .join(
        "",
      )}<form method="post" action="/cart">${options.rows.map((o) => `<fieldset><legend>${escapeHtml(o.name)}</legend>${o.option_values.map((v: string) => `<label><input type="radio" name="option1" value="${escapeHtml(v)}">${escapeHtml(v)}</label>`).join("")}</fieldset>`).join("")}<select name="variantId">${variants.rows
      .map((v) => `<option value="${v.id}">${escapeHtml(v.option_values.join(" / "))} ${money(v.price)}</option>`)
      .join(
        "",
      )}</select><button>Add to cart</button></form>${product.description_html}<ul>${relatedCards.map((p) => `<li><a href="/products/${p.handle}">${escapeHtml(p.title)}</a> ${money(p.price)}</li>`).join("")}</ul></main></body></html>`;
  }
  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://bare");
      const match = /^\/(collections|products)\/([a-z0-9-]+)$/.exec(url.pathname);
      const html = match ? await (match[1] === "collections" ? collectionPage(match[2]!) : productPage(match[2]!)) : null;
      res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(html ?? "Not found");
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
}

// ---- Child: the three servers ---------------------------------------------------------------------------

async function listen(server: http.Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  return (server.address() as AddressInfo).port;
}

async function serve(databaseUrl: string): Promise<void> {
  const build: ServerBuild = await import(pathToFileURL(path.join(BUILD_DIR, "build/index.js")).href);
  if (build.mode !== "production") throw new Error(`${BUILD_DIR} holds a ${build.mode} build`);
  const base = { NODE_ENV: "production", PLATFORM_HOST: "localhost:3000", STORE_DOMAIN: "localhost:3000" };
  // Nothing this run signs outlives it: a random secret does.
  process.env.PREVIEW_SECRET ||= randomBytes(32).toString("hex");
  const freshServices = await createServices(readConfig({ ...base, PAGE_CACHE: "off" }), databaseUrl);
  const cachedServices = await createServices(readConfig({ ...base, PAGE_CACHE: "on" }), databaseUrl);
  const shop = await findShopBySlug(freshServices.db, SLUG);
  if (!shop) throw new Error("the bench shop is missing");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const servers = [bareServer(pool, shop.schema_name), http.createServer(createApp(freshServices, build)), http.createServer(createApp(cachedServices, build))];
  const [bare, fresh, cached] = await Promise.all(servers.map(listen));
  process.send!({ bare, fresh, cached } satisfies Ports);
  process.on("message", async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all([freshServices.close(), cachedServices.close(), pool.end()]);
    process.exit(0);
  });
}

// ---- Parent: load and report ----------------------------------------------------------------------------

function get(port: number, pathname: string): Promise<{ status: number; body: string; cache?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: pathname, headers: { host: HOST } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, cache: res.headers["x-page-cache"] as string | undefined }));
      })
      .on("error", reject);
  });
}

async function load(port: number, pathname: string, duration: number): Promise<autocannon.Result> {
  // A short warm-up: JIT, connection pools, the page cache's first miss.
  await autocannon({ url: `http://127.0.0.1:${port}${pathname}`, connections: CONNECTIONS, duration: 2, headers: { host: HOST } });
  const result = await autocannon({ url: `http://127.0.0.1:${port}${pathname}`, connections: CONNECTIONS, duration, headers: { host: HOST } });
  if (result.errors || result.timeouts || result.non2xx)
    throw new Error(`${pathname} on port ${port}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return result;
}

async function main(): Promise<void> {
  const duration = envInt("BENCH_SPEED_SECONDS", 10);
  const adminUrl = new URL(process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
  adminUrl.pathname = "/postgres";
  const name = `bazaar_bench_speed_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl.href });
  await admin.connect();
  let child: ChildProcess | null = null;
  try {
    await admin.query(`create database ${name}`);
    const version = (await admin.query<{ server_version: string }>("show server_version")).rows[0]!.server_version;
    console.log(
      `Bazaar storefront speed: ${new Date().toISOString()}, Node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    productionBuild();
    await seed(databaseUrl.href);
    const spawned = fork(fileURLToPath(import.meta.url), ["serve", databaseUrl.href], {
      execArgv: ["--import", "tsx"],
      // Production insists on its secrets; a throwaway one will do for a benchmark.
      env: { PREVIEW_SECRET: randomBytes(32).toString("hex"), ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = spawned;
    const ports = await new Promise<Ports>((resolve, reject) =>
      spawned.once("message", (m) => resolve(m as Ports)).once("exit", (code) => reject(new Error(`server exited with ${code}`))),
    );

    // Same content everywhere, and the cache really answers.
    for (const pathname of Object.values(PAGES)) {
      const [bare, fresh] = await Promise.all([get(ports.bare, pathname), get(ports.fresh, pathname)]);
      await get(ports.cached, pathname);
      const cached = await get(ports.cached, pathname);
      if (bare.status !== 200 || fresh.status !== 200 || cached.cache !== "hit")
        throw new Error(`${pathname}: bare ${bare.status}, fresh ${fresh.status}, cache ${cached.cache}`);
      const cardsIn = (html: string) => (html.match(/Speed Product \d+/g) ?? []).length;
      console.log(
        `${pathname}: bare ${bare.body.length} bytes, Bazaar ${fresh.body.length} bytes; product titles bare ${cardsIn(bare.body)}, Bazaar ${cardsIn(fresh.body)}`,
      );
    }

    const rows: string[][] = [];
    const figures: Figure[] = [];
    for (const [page, pathname] of Object.entries(PAGES)) {
      heading(`${page} page ${pathname}, ${CONNECTIONS} connections, ${duration} s each`);
      const bare = await load(ports.bare, pathname, duration);
      const fresh = await load(ports.fresh, pathname, duration);
      const cached = await load(ports.cached, pathname, duration);
      const base = bare.requests.average;
      for (const [label, r] of [
        ["bare node:http + pg", bare],
        ["Bazaar, rendered", fresh],
        ["Bazaar, page cache", cached],
      ] as const) {
        rows.push([
          page,
          label,
          r.requests.average.toFixed(0),
          ms(r.latency.p50, 0),
          ms(r.latency.p99, 0),
          `${((r.requests.average / base) * 100).toFixed(1)} %`,
        ]);
      }
      figures.push(
        {
          benchmark: `${page}: rendered vs bare`,
          measured: `${((fresh.requests.average / base) * 100).toFixed(1)} %`,
          goal: "≥ 10 %",
          met: fresh.requests.average >= base * 0.1,
        },
        {
          benchmark: `${page}: page cache vs bare`,
          measured: `${((cached.requests.average / base) * 100).toFixed(1)} %`,
          goal: "≥ 50 %",
          met: cached.requests.average >= base * 0.5,
        },
      );
    }
    heading("results");
    printTable(["Page", "Server", "req/s", "p50", "p99", "of bare"], rows, { left: 2 });
    heading("summary");
    printFigures(figures);
    if (figures.some((f) => f.met === false)) process.exitCode = 1;
  } catch (error) {
    process.exitCode = 1;
    console.error(error);
  } finally {
    if (child?.connected) {
      child.send("stop");
      await new Promise((resolve) => child!.once("exit", resolve));
    }
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.chdir(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  if (process.argv[2] === "serve") await serve(process.argv[3]!);
  else await main();
}
