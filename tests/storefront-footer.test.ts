import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { FOOTER_PAGE_LIMIT } from "../shop/storefront.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminPost, adminSave, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { createPage, launch, setPolicy } from "./support/storefront.ts";
import { XSS_PAYLOADS } from "./support/xss-payloads.ts";

// The storefront footer links the shop's visible content pages beside its policies, in every theme: two shops whose
// pages share a handle but not titles, a hidden page, and the merchant's admin changes seen through the page cache.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let nora: string; // owner of north

const PASSWORD = "a-long-password";

beforeAll(async () => {
  t = await createTestDatabase();
  const noraUser = await createUser(t.db, { email: "nora@north.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: noraUser.id });
  const south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: noraUser.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await createPage(northDb, "about", "About North", "<p>North's story.</p>");
  await createPage(northDb, "faq", "FAQ", "<p>Questions.</p>");
  await createPage(northDb, "care", "care guide", "<p>Oil it twice a year.</p>");
  await createPage(northDb, "wholesale", "Wholesale for North", "<p>Not ready.</p>", false);
  await setPolicy(northDb, "refund-policy", "<p>30 days.</p>");
  await createPage(southDb, "about", "About South", "<p>South's story.</p>");
  await createPage(southDb, "stockists", "Stockists", "<p>Find us.</p>");
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  nora = await logIn(app, "nora@north.example", PASSWORD);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const get = (shop: string, path: string, headers: Record<string, string> = {}) => app.request(`${shop}.shops.test`, path, { headers });

/** The footer's content-page links as (text, address), in order; the HTML as served, so titles are still escaped. */
function footerPages(res: TestResponse): [string, string][] {
  const footer = /<footer class="site-footer">([\s\S]*?)<\/footer>/.exec(res.body)?.[1] ?? "";
  const nav = /<nav class="footer-nav footer-pages" aria-label="About the shop"><ul>([\s\S]*?)<\/ul><\/nav>/.exec(footer)?.[1] ?? "";
  return [...nav.matchAll(/<li><a [^>]*href="([^"]+)">([\s\S]*?)<\/a><\/li>/g)].map((m) => [m[2], m[1]]);
}

function pageForm(fields: Partial<Record<"intent" | "title" | "handle" | "bodyHtml" | "visibility", string>>): [string, string][] {
  return Object.entries({ intent: "save", title: "", handle: "", bodyHtml: "", visibility: "visible", seoTitle: "", seoDescription: "", ...fields });
}

describe("content pages in the storefront footer", () => {
  it("links each shop's own visible pages by title, beside its policies, in every theme and on every page", async () => {
    for (const theme of ["minimal", "editorial", "classic"]) {
      await publishTheme(northDb, SYSTEM_ACTOR, theme);
      await publishTheme(southDb, SYSTEM_ACTOR, theme);
      // A cookie keeps these out of the page cache: the theme was published behind the admin's back.
      for (const path of ["/", "/collections/all", "/pages/faq", "/cart", "/search?q=x", "/no-such-page"]) {
        const northPage = await get("north", path, { cookie: "seen=1" });
        expect(footerPages(northPage), `${theme} north ${path}`).toEqual([
          ["About North", "/pages/about"],
          ["care guide", "/pages/care"],
          ["FAQ", "/pages/faq"],
        ]);
        expect(northPage.body, `${theme} north ${path}`).toMatch(
          /<nav class="footer-nav" aria-label="Policies"><ul><li><a [^>]*href="\/policies\/refund-policy">Refund policy<\/a>/,
        );
        expect(northPage.body).not.toContain("Wholesale for North");
        expect(northPage.body).not.toMatch(/About South|Stockists/);

        const southPage = await get("south", path, { cookie: "seen=1" });
        expect(footerPages(southPage), `${theme} south ${path}`).toEqual([
          ["About South", "/pages/about"],
          ["Stockists", "/pages/stockists"],
        ]);
        expect(southPage.body).not.toMatch(/About North|care guide|Wholesale/);
        // South wrote no policy: no empty Policies list.
        expect(southPage.body).not.toContain('aria-label="Policies"');
      }
    }
  });

  it("follows the merchant's changes in the admin on the very next request, though pages are cached", async () => {
    const cached = async () => {
      await get("north", "/collections/all");
      const again = await get("north", "/collections/all");
      expect(again.headers["x-page-cache"]).toBe("hit");
      return again;
    };
    await cached();
    const created = await adminPost(app, nora, "/admin/north/pages/new", pageForm({ title: "Contact", bodyHtml: "<p>Write to us.</p>" }));
    expect(created.status).toBe(302);
    const id = /\/pages\/(\d+)\?created=1$/.exec(created.headers.location!)![1];
    const afterCreate = await get("north", "/collections/all");
    expect(afterCreate.headers["x-page-cache"]).toBe("miss");
    expect(footerPages(afterCreate).map(([title]) => title)).toEqual(["About North", "care guide", "Contact", "FAQ"]);

    await cached();
    expect(
      (await adminSave(app, nora, `/admin/north/pages/${id}`, pageForm({ title: "Get in touch", handle: "contact", bodyHtml: "<p>Hi.</p>" }))).status,
    ).toBe(302);
    expect(footerPages(await get("north", "/collections/all"))).toContainEqual(["Get in touch", "/pages/contact"]);

    await cached();
    expect((await adminSave(app, nora, `/admin/north/pages/${id}`, pageForm({ title: "Get in touch", handle: "contact", visibility: "hidden" }))).status).toBe(
      302,
    );
    expect(footerPages(await get("north", "/collections/all")).map(([title]) => title)).toEqual(["About North", "care guide", "FAQ"]);

    await adminSave(app, nora, `/admin/north/pages/${id}`, pageForm({ title: "Get in touch", handle: "contact" }));
    await cached();
    expect((await adminSave(app, nora, `/admin/north/pages/${id}`, pageForm({ intent: "delete" }))).status).toBe(302);
    expect(footerPages(await get("north", "/collections/all")).map(([title]) => title)).toEqual(["About North", "care guide", "FAQ"]);
    // South's footer never changed.
    expect(footerPages(await get("south", "/collections/all")).map(([title]) => title)).toEqual(["About South", "Stockists"]);
  });

  it("escapes titles: markup in a title is shown as text, never run", async () => {
    const payloads = XSS_PAYLOADS.filter((p) => p.html.length <= 255).slice(0, FOOTER_PAGE_LIMIT);
    await southDb.deleteFrom("pages").execute();
    for (const [i, payload] of payloads.entries()) await createPage(southDb, `xss-${i}`, payload.html, "<p>x</p>");
    const res = await get("south", "/", { cookie: "seen=1" });
    // As React escapes text.
    const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
    expect(
      footerPages(res)
        .map(([title]) => title)
        .sort(),
    ).toEqual(payloads.map((p) => escape(p.html)).sort());
    expect(res.body).not.toMatch(/<script>alert|<img src=x|<svg onload|<iframe|<object|<embed|<body onload/i);
  });

  it("links at most a footer's worth of pages, the first by title", async () => {
    await southDb.deleteFrom("pages").execute();
    const titles = Array.from({ length: FOOTER_PAGE_LIMIT + 3 }, (_, i) => `Page ${String.fromCharCode(77 - i)}`); // Page M, Page L, … Page A
    for (const [i, title] of titles.entries()) await createPage(southDb, `page-${i}`, title, "<p>x</p>");
    const linked = footerPages(await get("south", "/", { cookie: "seen=1" })).map(([title]) => title);
    expect(linked).toEqual([...titles].sort().slice(0, FOOTER_PAGE_LIMIT));
  });
});
