import type { TenantDb } from "../tenants/handle.server.ts";

/**
 * The shop's sitemaps (sitemaps.org 0.9): `/sitemap.xml` is an index of child
 * sitemaps at the site root (`/sitemap-products-<n>.xml`,
 * `/sitemap-collections-<n>.xml`, `/sitemap-pages-1.xml`), each holding at
 * most SITEMAP_PAGE_SIZE URLs. A child is streamed in keyset batches, so a
 * shop with 100,000 products never holds more than one batch in memory.
 * Only what a shopper can open is listed: active products, collections,
 * published pages and written policies.
 */

export const SITEMAP_PAGE_SIZE = 10_000;
const BATCH = 1_000;
const XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9";

export type SitemapKind = "products" | "collections" | "pages";

/** `sitemap-products-3` → { kind: "products", page: 3 }; anything else → null. */
export function parseSitemapName(name: string): { kind: SitemapKind; page: number } | null {
  const match = /^sitemap-(products|collections|pages)-([1-9]\d{0,5})$/.exec(name);
  return match ? { kind: match[1] as SitemapKind, page: Number(match[2]) } : null;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function urlEntry(loc: string, lastmod?: Date | null): string {
  return `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>\n`;
}

async function activeProductCount(db: TenantDb): Promise<number> {
  const row = await db
    .selectFrom("products")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function collectionCount(db: TenantDb): Promise<number> {
  const row = await db
    .selectFrom("collections")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The index: one entry per child sitemap, absolute on the shop's own origin. */
export async function sitemapIndex(db: TenantDb, origin: string): Promise<string> {
  const [products, collections] = await Promise.all([activeProductCount(db), collectionCount(db)]);
  const names = [
    ...Array.from({ length: Math.ceil(products / SITEMAP_PAGE_SIZE) }, (_, i) => `sitemap-products-${i + 1}`),
    ...Array.from({ length: Math.ceil(collections / SITEMAP_PAGE_SIZE) }, (_, i) => `sitemap-collections-${i + 1}`),
    "sitemap-pages-1",
  ];
  const entries = names.map((name) => `<sitemap><loc>${escapeXml(`${origin}/${name}.xml`)}</loc></sitemap>\n`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${XMLNS}">\n${entries}</sitemapindex>\n`;
}

type Row = { id: string; handle: string; updated_at: Date };

/** Up to SITEMAP_PAGE_SIZE rows, fetched BATCH at a time: `fetch(null)` starts the page, then keyset from the last id. */
async function* keysetRows(fetch: (afterId: string | null, limit: number) => Promise<Row[]>): AsyncGenerator<Row> {
  let remaining = SITEMAP_PAGE_SIZE;
  let cursor: string | null = null;
  while (remaining > 0) {
    const rows = await fetch(cursor, Math.min(BATCH, remaining));
    for (const row of rows) yield row;
    if (rows.length < Math.min(BATCH, remaining)) return;
    remaining -= rows.length;
    cursor = rows[rows.length - 1]!.id;
  }
}

/**
 * A child sitemap as a stream of XML, or null when that page doesn't exist
 * (so the route answers 404).
 */
export async function sitemapChild(db: TenantDb, origin: string, kind: SitemapKind, page: number): Promise<ReadableStream<Uint8Array> | null> {
  let entries: AsyncGenerator<string>;
  if (kind === "pages") {
    if (page !== 1) return null;
    entries = fixedPages(db, origin);
  } else {
    const table = kind;
    const prefix = kind === "products" ? "/products/" : "/collections/";
    // The page's first id: an index-only skip over ids, then keyset batches from there.
    let start = db
      .selectFrom(table)
      .select("id")
      .orderBy("id")
      .offset((page - 1) * SITEMAP_PAGE_SIZE)
      .limit(1);
    if (table === "products") start = start.where("status", "=", "active");
    const first = await start.executeTakeFirst();
    if (!first) return null;
    const fetch = (afterId: string | null, limit: number) => {
      let query = db.selectFrom(table).select(["id", "handle", "updated_at"]).orderBy("id").limit(limit);
      query = afterId === null ? query.where("id", ">=", first.id) : query.where("id", ">", afterId);
      if (table === "products") query = query.where("status", "=", "active");
      return query.execute();
    };
    entries = (async function* () {
      for await (const row of keysetRows(fetch)) yield urlEntry(`${origin}${prefix}${row.handle}`, row.updated_at);
    })();
  }
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${XMLNS}">\n`));
    },
    async pull(controller) {
      // One batch of entries per pull keeps memory flat while the client reads.
      let chunk = "";
      for (let i = 0; i < BATCH; i++) {
        const next = await entries.next();
        if (next.done) {
          controller.enqueue(encoder.encode(`${chunk}</urlset>\n`));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await entries.return(undefined);
    },
  });
}

/** Home, all products, published pages and written policies: a handful of URLs. */
async function* fixedPages(db: TenantDb, origin: string): AsyncGenerator<string> {
  const [settings, pages, policies] = await Promise.all([
    db.selectFrom("settings").select("updated_at").executeTakeFirstOrThrow(),
    db
      .selectFrom("pages")
      .select(["handle", "updated_at"])
      .where("published", "=", true)
      .orderBy("id")
      .limit(SITEMAP_PAGE_SIZE - 2)
      .execute(),
    db.selectFrom("policies").select(["handle", "updated_at"]).where("body_html", "<>", "").orderBy("handle").execute(),
  ]);
  yield urlEntry(`${origin}/`, settings.updated_at);
  yield urlEntry(`${origin}/collections/all`);
  for (const page of pages) yield urlEntry(`${origin}/pages/${page.handle}`, page.updated_at);
  for (const policy of policies) yield urlEntry(`${origin}/policies/${policy.handle}`, policy.updated_at);
}

/**
 * robots.txt for a shop: everything shoppers browse, nothing per-visitor; a shop not yet open is closed
 * to crawlers. Search result pages stay crawlable and name `/search` as their canonical URL.
 */
export function shopRobots(origin: string, launched: boolean): string {
  if (!launched) return "User-agent: *\nDisallow: /\n";
  return [
    "User-agent: *",
    "Allow: /",
    "Disallow: /cart",
    "Disallow: /account",
    "Disallow: /password",
    "Disallow: /*preview_token=",
    "",
    `Sitemap: ${origin}/sitemap.xml`,
    "",
  ].join("\n");
}

/** robots.txt for the platform host: the landing and signup pages, not the admin or operator areas. */
export function platformRobots(): string {
  return "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /operator\n";
}

/** Whether the shop is open to shoppers (and so to crawlers). */
export async function shopLaunched(db: TenantDb): Promise<boolean> {
  const row = await db.selectFrom("settings").select("launched_at").executeTakeFirstOrThrow();
  return row.launched_at !== null;
}
