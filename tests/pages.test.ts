import { Parser } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, adminSave, inputValue, logIn } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp, type TestResponse } from "./support/http.ts";
import { launch } from "./support/storefront.ts";
import { XSS_PAYLOADS } from "./support/xss-payloads.ts";

// Content pages, edited in the admin the way a merchant does (form posts) and read on the storefront the way a
// shopper does, in two shops whose pages share handles but not contents. The page cache is on, as in production.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let nora: string; // owner of north
let sam: string; // owner of south
let ada: string; // admin in north
let stu: string; // staff in north

const PASSWORD = "a-long-password";

function pageForm(
  fields: Partial<Record<"intent" | "title" | "handle" | "bodyHtml" | "visibility" | "seoTitle" | "seoDescription", string>>,
): [string, string][] {
  return Object.entries({ intent: "save", title: "", handle: "", bodyHtml: "", visibility: "visible", seoTitle: "", seoDescription: "", ...fields });
}

const storefront = (shop: string, path: string) => app.request(`${shop}.shops.test`, path);
const pagesOf = (db: TenantDb) => db.selectFrom("pages").selectAll().orderBy("id").execute();
const pageAudit = async (db: TenantDb) =>
  (await db.selectFrom("audit_events").select(["action", "actor_email", "summary"]).where("subject_type", "=", "page").orderBy("id").execute()).map(
    (e) => `${e.action} ${e.actor_email}: ${e.summary}`,
  );

async function create(cookie: string, slug: string, fields: Parameters<typeof pageForm>[0]): Promise<string> {
  const res = await adminPost(app, cookie, `/admin/${slug}/pages/new`, pageForm(fields));
  expect(res.status, res.body.slice(0, 300)).toBe(302);
  return new RegExp(`^/admin/${slug}/pages/(\\d+)\\?created=1$`).exec(res.headers.location!)![1];
}

/** The content of the page's rich-text block, as served. */
const richText = (res: TestResponse) => /<div class="rte">([\s\S]*?)<\/div><\/article>/.exec(res.body)?.[1];

/**
 * Everything in a served page that a browser would run or load from a payload: event handler attributes,
 * script-capable URLs, elements that embed or navigate, and scripts carrying the payloads' code. Remix's own
 * data scripts may mention the payloads, but only inside one JSON string literal, which runs nothing.
 */
function executableVectors(html: string): string[] {
  const found: string[] = [];
  let script: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "script") script = "";
        if (["iframe", "object", "embed", "svg", "math", "base", "isindex"].includes(name)) found.push(`<${name}>`);
        if (name === "meta" && attributes["http-equiv"]) found.push("<meta http-equiv>");
        for (const [attribute, value] of Object.entries(attributes)) {
          if (attribute.startsWith("on")) found.push(`${name}[${attribute}]`);
          if (value.includes("evil.example")) found.push(`${name}[${attribute}] loads from evil.example`);
          if (attribute === "style" && /url\(|expression\(/i.test(value)) found.push(`${name}[style]`);
          const url = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
          if (/^(javascript|vbscript|data):/.test(url) || (/(href|src|action)$/.test(attribute) && url.startsWith("//")))
            found.push(`${name}[${attribute}=${url.slice(0, 20)}]`);
        }
      },
      ontext(text) {
        if (script !== null) script += text;
      },
      onclosetag(name) {
        if (name !== "script" || script === null) return;
        const remixData = /^window\.__remixContext\.streamController\.enqueue\("(?:[^"\\]|\\.)*"\);$/.test(script);
        if (!remixData && /alert\(|evil\.example/.test(script)) found.push(`script: ${script.slice(0, 60)}`);
        script = null;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const noraUser = await createUser(t.db, { email: "nora@north.example", password: PASSWORD });
  const samUser = await createUser(t.db, { email: "sam@south.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: noraUser.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: samUser.id });
  for (const [email, role] of [
    ["ada@north.example", "admin"],
    ["stu@north.example", "staff"],
  ] as const) {
    const user = await createUser(t.db, { email, password: PASSWORD });
    await t.db.insertInto("platform.memberships").values({ user_id: user.id, shop_id: north.id, role }).execute();
  }
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await launch(northDb);
  await launch(southDb);
  app = await startTestApp(t.url, { PAGE_CACHE: "on" });
  nora = await logIn(app, "nora@north.example", PASSWORD);
  sam = await logIn(app, "sam@south.example", PASSWORD);
  ada = await logIn(app, "ada@north.example", PASSWORD);
  stu = await logIn(app, "stu@north.example", PASSWORD);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("writing content pages", () => {
  let northAbout: string;

  it("creates a page in each shop under the same handle; each storefront and admin shows its own", async () => {
    const empty = await adminGet(app, nora, "/admin/north/pages");
    expect(empty.status).toBe(200);
    expect(empty.body).toContain("No pages yet.");
    expect((await adminGet(app, nora, "/admin/north/pages/new")).status).toBe(200);

    northAbout = await create(nora, "north", { title: "About us", bodyHtml: "<p>North makes <strong>wool</strong> hats.</p>" });
    await create(sam, "south", { title: "About us", bodyHtml: "<p>South pours candles.</p>", seoTitle: "Who pours South's candles" });

    const edit = await adminGet(app, nora, `/admin/north/pages/${northAbout}?created=1`);
    expect(edit.body).toContain("Page created.");
    expect(inputValue(edit.body, "title")).toBe("About us");
    expect(inputValue(edit.body, "handle")).toBe("about-us");
    expect(edit.body).toContain('href="http://north.shops.test/pages/about-us"');

    const northPage = await storefront("north", "/pages/about-us");
    expect(northPage.status).toBe(200);
    expect(richText(northPage)).toBe("<p>North makes <strong>wool</strong> hats.</p>");
    expect(northPage.body).toContain("<title>About us · North</title>");
    const southPage = await storefront("south", "/pages/about-us");
    expect(richText(southPage)).toBe("<p>South pours candles.</p>");
    expect(southPage.body).toContain("<title>Who pours South&#x27;s candles · South</title>");

    const northList = await adminGet(app, nora, "/admin/north/pages");
    expect(northList.body).toContain("/pages/about-us");
    expect(northList.body).toContain('<span class="status visible">Visible</span>');
    expect((await pagesOf(northDb)).map((p) => p.body_html)).toEqual(["<p>North makes <strong>wool</strong> hats.</p>"]);
    expect((await pagesOf(southDb)).map((p) => p.body_html)).toEqual(["<p>South pours candles.</p>"]);
    expect(await pageAudit(northDb)).toEqual(["page.created nora@north.example: About us (visible)"]);
    expect(await pageAudit(southDb)).toEqual(["page.created sam@south.example: About us (visible)"]);
  });

  it("shows an edit to anonymous shoppers on the next request, although the page was cached", async () => {
    expect((await storefront("north", "/pages/about-us")).headers["x-page-cache"]).toBe("hit");
    const saved = await adminSave(
      app,
      nora,
      `/admin/north/pages/${northAbout}`,
      pageForm({ title: "About North", handle: "about-us", bodyHtml: "<p>Hats, since 1990.</p>" }),
    );
    expect(saved.status).toBe(302);
    expect(saved.headers.location).toBe(`/admin/north/pages/${northAbout}?saved=1`);
    const fresh = await storefront("north", "/pages/about-us");
    expect(fresh.headers["x-page-cache"]).toBe("miss");
    expect(richText(fresh)).toBe("<p>Hats, since 1990.</p>");
    expect(fresh.body).toContain("<title>About North · North</title>");
    // South's page, cached too, is untouched.
    expect(richText(await storefront("south", "/pages/about-us"))).toBe("<p>South pours candles.</p>");
  });

  it("hides, renames and shows a page again: the storefront and the sitemap follow", async () => {
    const sitemap = async (shop: string) => (await storefront(shop, "/sitemap-pages-1.xml")).body;
    expect(await sitemap("north")).toContain("<loc>http://north.shops.test/pages/about-us</loc>");

    await adminSave(
      app,
      nora,
      `/admin/north/pages/${northAbout}`,
      pageForm({ title: "About North", handle: "about-us", bodyHtml: "<p>Hats.</p>", visibility: "hidden" }),
    );
    expect((await storefront("north", "/pages/about-us")).status).toBe(404);
    expect(await sitemap("north")).not.toContain("/pages/");
    expect((await adminGet(app, nora, "/admin/north/pages")).body).toContain('<span class="status hidden">Hidden</span>');
    expect((await adminGet(app, nora, `/admin/north/pages/${northAbout}`)).body).not.toContain("View on your shop");
    expect((await storefront("south", "/pages/about-us")).status).toBe(200);
    expect(await sitemap("south")).toContain("<loc>http://south.shops.test/pages/about-us</loc>");

    await adminSave(app, nora, `/admin/north/pages/${northAbout}`, pageForm({ title: "About North", handle: "our-story", bodyHtml: "<p>Hats.</p>" }));
    expect((await storefront("north", "/pages/about-us")).status).toBe(404);
    expect(richText(await storefront("north", "/pages/our-story"))).toBe("<p>Hats.</p>");
    expect(await sitemap("north")).toContain("<loc>http://north.shops.test/pages/our-story</loc>");
    expect((await storefront("south", "/pages/our-story")).status).toBe(404);

    // A new page, hidden from the start: nowhere on the storefront.
    await create(nora, "north", { title: "Wholesale", bodyHtml: "<p>Soon.</p>", visibility: "hidden" });
    expect((await storefront("north", "/pages/wholesale")).status).toBe(404);
    expect(await sitemap("north")).not.toContain("wholesale");
  });

  it("deletes a page: gone from the admin list, the storefront and the sitemap, with an audit event", async () => {
    const doomed = await create(ada, "north", { title: "Summer sale", bodyHtml: "<p>All hats half price.</p>" });
    expect((await storefront("north", "/pages/summer-sale")).status).toBe(200);
    const deleted = await adminSave(app, ada, `/admin/north/pages/${doomed}`, pageForm({ intent: "delete" }));
    expect(deleted.status).toBe(302);
    expect(deleted.headers.location).toBe("/admin/north/pages?deleted=1");
    expect((await adminGet(app, ada, "/admin/north/pages?deleted=1")).body).toContain("Page deleted.");
    expect((await adminGet(app, ada, "/admin/north/pages")).body).not.toContain("Summer sale");
    expect((await storefront("north", "/pages/summer-sale")).status).toBe(404);
    expect((await storefront("north", "/sitemap-pages-1.xml")).body).not.toContain("summer-sale");
    expect((await adminGet(app, ada, `/admin/north/pages/${doomed}`)).status).toBe(404);
    expect(await pageAudit(northDb)).toEqual([
      "page.created nora@north.example: About us (visible)",
      "page.updated nora@north.example: About North (visible)",
      "page.updated nora@north.example: About North (hidden)",
      "page.updated nora@north.example: About North (visible)",
      "page.created nora@north.example: Wholesale (hidden)",
      "page.created ada@north.example: Summer sale (visible)",
      "page.deleted ada@north.example: Summer sale",
    ]);
  });
});

describe("refused input", () => {
  it("names each problem next to its field and stores nothing", async () => {
    const pagesBefore = await pagesOf(northDb);
    const auditBefore = await pageAudit(northDb);
    const cases: [Parameters<typeof pageForm>[0], string, string][] = [
      [{ title: "Contact", handle: "Contact Us!" }, "handle", "Use lowercase letters, digits and single hyphens."],
      [{ title: "Contact", handle: "contact--us" }, "handle", "Use lowercase letters, digits and single hyphens."],
      [{ title: "Contact", handle: "-contact" }, "handle", "Use lowercase letters, digits and single hyphens."],
      [{ title: "Contact", handle: "our-story" }, "handle", "Another page uses this handle."],
      [{ title: "Our story" }, "handle", "Another page uses this handle."],
      [{ title: "!!!" }, "handle", "The title has no letters or digits to make a handle from: enter one."],
      [{ title: "   ", handle: "blank" }, "title", "Give the page a title."],
      [{ title: "x".repeat(256) }, "title", "Use at most 255 characters."],
      [{ title: "Contact", visibility: "public" }, "visibility", "Choose visible or hidden."],
      [{ title: "Contact", seoTitle: "s".repeat(71) }, "seoTitle", "Search engines show about 70 characters; use at most 70."],
      [{ title: "Contact", seoDescription: "d".repeat(321) }, "seoDescription", "Use at most 320 characters."],
      [{ title: "Contact", bodyHtml: "<p>".repeat(33_334) }, "bodyHtml", "Use at most 100,000 characters."],
      // One line of text (a NUL never gets here: the edge refuses it).
      [{ title: "Con\ttact" }, "title", "Use a single line of text, without control characters."],
      [{ title: "Contact", seoTitle: "Line one\nline two" }, "seoTitle", "Use a single line of text, without control characters."],
      [{ title: "Contact", seoDescription: "Tab\tstop" }, "seoDescription", "Use a single line of text, without control characters."],
    ];
    for (const [fields, field, message] of cases) {
      const res = await adminPost(app, nora, "/admin/north/pages/new", pageForm(fields));
      expect(res.status, `${field}: ${message}`).toBe(400);
      expect(res.body).toContain(`<p class="error" id="${field}-error">${message.replace(/'/g, "&#x27;")}</p>`);
      expect(res.body).toContain("Nothing was saved: one field needs your attention.");
    }
    // What was typed comes back to be corrected.
    const typed = await adminPost(app, nora, "/admin/north/pages/new", pageForm({ title: "Contact", handle: "Contact Us!", bodyHtml: "<p>Write to us.</p>" }));
    expect(inputValue(typed.body, "title")).toBe("Contact");
    expect(inputValue(typed.body, "handle")).toBe("contact us!");
    expect(typed.body).toContain("&lt;p&gt;Write to us.&lt;/p&gt;</textarea>");

    // Editing: the same rules, and the stored page stays as it was.
    const story = pagesBefore.find((p) => p.handle === "our-story")!;
    const wholesale = pagesBefore.find((p) => p.handle === "wholesale")!;
    const taken = await adminSave(
      app,
      nora,
      `/admin/north/pages/${wholesale.id}`,
      pageForm({ title: "Wholesale", handle: "our-story", bodyHtml: "<p>Changed</p>" }),
    );
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('<p class="error" id="handle-error">Another page uses this handle.</p>');
    const untitled = await adminSave(app, nora, `/admin/north/pages/${story.id}`, pageForm({ title: "", handle: "our-story", bodyHtml: "<p>Changed</p>" }));
    expect(untitled.status).toBe(400);
    expect((await adminSave(app, nora, `/admin/north/pages/${story.id}`, pageForm({ intent: "publish-everything", title: "x" }))).status).toBe(400);
    // Ids that aren't this shop's pages.
    expect((await adminSave(app, nora, "/admin/north/pages/999999", pageForm({ title: "Ghost" }))).status).toBe(404);
    expect((await adminPost(app, nora, "/admin/north/pages/abc", pageForm({ intent: "delete" }))).status).toBe(404);

    expect(await pagesOf(northDb)).toEqual(pagesBefore);
    expect(await pageAudit(northDb)).toEqual(auditBefore);
    expect(richText(await storefront("north", "/pages/our-story"))).toBe("<p>Hats.</p>");
  });
});

describe("merchant HTML and text", () => {
  it(`renders none of ${XSS_PAYLOADS.length} XSS payloads unescaped, in the admin or on the storefront`, async () => {
    // The checker itself notices each kind of vector.
    expect(
      executableVectors(
        '<p onclick="x">a</p><a href=" javascript:x">b</a><script src="https://evil.example/x.js"></script><script>alert(1)</script><svg></svg>',
      ),
    ).toEqual(["p[onclick]", "a[href=javascript:x]", "script[src] loads from evil.example", "script: alert(1)", "<svg>"]);
    expect(executableVectors('<script>window.__remixContext.streamController.enqueue("\\u003cscript>alert(1)");</script>')).toEqual([]);
    expect(executableVectors('<script>window.__remixContext.streamController.enqueue("a");alert(1);("");</script>')).toHaveLength(1);
    // A payload with a control character is refused whole by the edge before the page is read (decision 025).
    const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
    const [typed, controlled] = [XSS_PAYLOADS.filter((p) => !control.test(p.html)), XSS_PAYLOADS.filter((p) => control.test(p.html))];
    expect(controlled.length).toBeGreaterThan(0);
    const refused = await adminPost(app, nora, "/admin/north/pages/new", pageForm({ title: "Care", bodyHtml: controlled.map((p) => p.html).join("\n") }));
    expect(refused.status).toBe(400);
    const body = typed.map((p) => `<p>${p.name}</p>${p.html}`).join("\n");
    const title = `<img src=x onerror=alert(1)> "Care" </script><script>alert(1)</script>`;
    const id = await create(nora, "north", { title, handle: "care", bodyHtml: body, seoDescription: `"><script>alert(1)</script>` });

    const stored = (await pagesOf(northDb)).find((p) => p.id === id)!;
    expect(stored.title).toBe(title);
    expect(stored.body_html).toContain("<p>script tag</p>");
    expect(executableVectors(stored.body_html)).toEqual([]);

    const shopper = await storefront("north", "/pages/care");
    expect(shopper.status).toBe(200);
    expect(richText(shopper)).toBe(stored.body_html);
    expect(shopper.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
    for (const [where, res] of [
      ["storefront", shopper],
      ["admin edit", await adminGet(app, nora, `/admin/north/pages/${id}`)],
      ["admin list", await adminGet(app, nora, "/admin/north/pages")],
      // A refused save echoes what was typed.
      ["refused save", await adminSave(app, nora, `/admin/north/pages/${id}`, pageForm({ title, handle: "Care!", bodyHtml: body }))],
    ] as const) {
      expect({ where, vectors: executableVectors(res.body) }).toEqual({ where, vectors: [] });
    }
    // Payloads in the title are text, and none of them reach South.
    expect((await storefront("south", "/pages/care")).status).toBe(404);
    expect(await pagesOf(southDb)).toHaveLength(1);
  });
});

describe("who may edit pages", () => {
  it("owners and admins see Pages; staff are refused every page and action, and change nothing", async () => {
    const nav = async (cookie: string) => /<nav class="admin-nav"[^>]*>(.*?)<\/nav>/s.exec((await adminGet(app, cookie, "/admin/north")).body)?.[1] ?? "";
    expect(await nav(nora)).toContain('href="/admin/north/pages"');
    expect(await nav(ada)).toContain('href="/admin/north/pages"');
    expect(await nav(stu)).not.toContain('href="/admin/north/pages"');

    const before = await pagesOf(northDb);
    const story = before.find((p) => p.handle === "our-story")!;
    for (const path of ["/admin/north/pages", "/admin/north/pages/new", `/admin/north/pages/${story.id}`]) {
      expect((await adminGet(app, stu, path)).status, path).toBe(403);
    }
    expect((await adminPost(app, stu, "/admin/north/pages/new", pageForm({ title: "Staff page" }))).status).toBe(403);
    expect((await adminSave(app, stu, `/admin/north/pages/${story.id}`, pageForm({ title: "Staff edit", handle: "our-story" }))).status).toBe(403);
    expect((await adminSave(app, stu, `/admin/north/pages/${story.id}`, pageForm({ intent: "delete" }))).status).toBe(403);

    // Another shop's owner: the same 404 as for a shop that doesn't exist.
    expect((await adminGet(app, sam, "/admin/north/pages")).status).toBe(404);
    expect((await adminSave(app, sam, `/admin/north/pages/${story.id}`, pageForm({ intent: "delete" }))).status).toBe(404);
    expect((await adminPost(app, nora, "/admin/south/pages/new", pageForm({ title: "Planted" }))).status).toBe(404);

    expect(await pagesOf(northDb)).toEqual(before);
    expect((await pagesOf(southDb)).map((p) => p.title)).toEqual(["About us"]);
  });
});
