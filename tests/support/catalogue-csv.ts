import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TenantDb } from "../../tenants/handle.server.ts";
import { cookiePair, type TestApp } from "./http.ts";
import { makeImage } from "./images.ts";

export const PLATFORM = "bazaar.test";
export const ORIGIN = `http://${PLATFORM}`;
/** The host the CSV fixtures name in Image Src: nothing listens on port 9 (discard), so downloads fail. */
export const UNREACHABLE_IMAGES = "http://127.0.0.1:9";

export async function logIn(app: TestApp, email: string, password: string): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
  if (res.status !== 302 && res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

export interface LocalServer {
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Serves a distinct PNG for every /images/<name>.png (so no two are the same bytes), 404 for anything else. */
export async function startImageServer(): Promise<LocalServer> {
  const requests: string[] = [];
  const { server, origin } = await listen(async (req, res) => {
    requests.push(req.url ?? "");
    const match = /^\/images\/([\w-]+)\.png$/.exec(req.url ?? "");
    if (!match) return res.writeHead(404).end("not found");
    const seed = createHash("sha1").update(match[1]).digest().readUInt16BE(0);
    const png = await makeImage("png", 120, 90, seed);
    res.writeHead(200, { "content-type": "image/png", "content-length": png.length }).end(png);
  });
  return { origin, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Forwards every request to the test app with a fixed Host header: stands in
 * for DNS, so an exported image address on `<slug>.shops.test` can be
 * downloaded by another shop's import.
 */
export async function startHostProxy(appPort: number, host: string): Promise<LocalServer> {
  const requests: string[] = [];
  const { server, origin } = await listen((req, res) => {
    requests.push(req.url ?? "");
    const upstream = http.request({ host: "127.0.0.1", port: appPort, path: req.url, method: req.method, headers: { ...req.headers, host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return { origin, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Everything a catalogue round trip must keep, keyed by handle, without ids or timestamps. */
export async function catalogueSnapshot(db: TenantDb) {
  const products = await db.selectFrom("products").selectAll().orderBy("handle").execute();
  const snapshot = [];
  for (const p of products) {
    const [options, variants, media] = await Promise.all([
      db.selectFrom("product_options").select(["name", "option_values"]).where("product_id", "=", p.id).orderBy("position").execute(),
      db.selectFrom("variants").selectAll().where("product_id", "=", p.id).orderBy("position").execute(),
      db.selectFrom("product_media").select(["id", "alt", "width", "height"]).where("product_id", "=", p.id).orderBy("position").execute(),
    ]);
    const imageIndex = new Map(media.map((m, i) => [m.id, i]));
    snapshot.push({
      handle: p.handle,
      title: p.title,
      descriptionHtml: p.description_html,
      status: p.status,
      vendor: p.vendor,
      productType: p.product_type,
      tags: p.tags,
      seoTitle: p.seo_title,
      seoDescription: p.seo_description,
      options: options.map((o) => ({ name: o.name, values: o.option_values })),
      variants: variants.map((v) => ({
        optionValues: v.option_values,
        sku: v.sku,
        price: v.price,
        compareAtPrice: v.compare_at_price,
        inventoryQuantity: v.inventory_quantity,
        continueSelling: v.continue_selling,
        weightGrams: v.weight_grams,
        image: v.image_id === null ? null : imageIndex.get(v.image_id),
      })),
      images: media.map((m) => ({ alt: m.alt, width: m.width, height: m.height })),
    });
  }
  return snapshot;
}

/** A Shopify product CSV of `products` products with four variants each (about `products * 4` rows), plus the bad rows given. */
export function generatedCsv(products: number, { badPriceEvery = 0 }: { badPriceEvery?: number } = {}): string {
  const header =
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,Variant Compare At Price,Image Src,Status";
  const lines = [header];
  for (let i = 1; i <= products; i++) {
    const handle = `generated-${i}`;
    const combos = [
      ["Red", "S"],
      ["Red", "M"],
      ["Blue", "S"],
      ["Blue", "M"],
    ];
    combos.forEach(([color, size], v) => {
      const price = badPriceEvery && i % badPriceEvery === 0 && v === 3 ? `"12,34.5"` : `${10 + (i % 50)}.${String(v * 25).padStart(2, "0")}`;
      const product =
        v === 0
          ? [`Generated product ${i}`, `"<p>Item ${i}, a ""fine"" thing.</p>"`, "Bench Co", "Widget", `"tag-${i % 7}, generated"`, "TRUE", "Color"]
          : ["", "", "", "", "", "", ""];
      lines.push(
        [
          handle,
          ...product,
          color,
          v === 0 ? "Size" : "",
          size,
          `G-${i}-${v}`,
          "250",
          "shopify",
          String((i * 7 + v) % 40),
          "deny",
          price,
          "",
          "",
          v === 0 ? "active" : "",
        ].join(","),
      );
    });
  }
  return `${lines.join("\n")}\n`;
}
