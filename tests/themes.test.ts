import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { storefrontIntl } from "../shop/storefront-language.ts";
import { showDefaultTexts, storeDefaultTexts } from "../themes/default-texts.ts";
import { FONT_IDS } from "../themes/fonts.ts";
import { THEME_MANIFESTS, themeManifest } from "../themes/manifest.ts";
import {
  AA_CONTRAST,
  contrastRatio,
  CONTRAST_PAIRS,
  contrastWarnings,
  newSection,
  resolveThemeSettings,
  settingsFromForm,
  validateThemeSettings,
  type ThemeSettings,
} from "../themes/settings.ts";
import { adminSave, themeEditorForm } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { createProduct, launch } from "./support/storefront.ts";

const minimal = themeManifest("minimal");
const editorial = themeManifest("editorial");

describe("theme settings schema", () => {
  it("every text a theme starts with (its home sections, a section the merchant adds) is a message in the shop's language", () => {
    const chinese = storefrontIntl("zh-CN");
    const started = [
      ...THEME_MANIFESTS.flatMap((t) => t.defaults.sections),
      ...(["hero", "featured-collection", "product-grid", "rich-text", "image-with-text"] as const).map((type) => newSection(type, `${type}-1`)),
    ];
    const shown = showDefaultTexts(started, chinese).flatMap((s) => [s.heading, "text" in s ? s.text : "", "buttonLabel" in s ? s.buttonLabel : ""]);
    expect(shown.filter((text) => /[A-Za-z]/.test(text))).toEqual([]);
    expect(shown).toContain("热销商品");
    // A text the merchant typed is shown as typed, and what the editor shows is stored back in its untouched form.
    const typed = { ...newSection("rich-text", "rich-text-1"), heading: "Our tea", text: "Best sellers, and more" };
    expect(showDefaultTexts([typed], chinese)).toEqual([typed]);
    expect(storeDefaultTexts(showDefaultTexts(started, chinese), chinese)).toEqual(started);
  });

  it("every theme's defaults are valid and meet WCAG AA contrast for every pair shoppers read", () => {
    expect(THEME_MANIFESTS.map((t) => t.id)).toEqual(["minimal", "editorial", "classic"]);
    for (const theme of THEME_MANIFESTS) {
      expect(validateThemeSettings(theme.schema, theme.defaults, theme.defaults).errors, theme.id).toEqual({});
      for (const pair of CONTRAST_PAIRS) {
        const ratio = contrastRatio(theme.defaults.colors[pair.fg], theme.defaults.colors[pair.bg]);
        expect(ratio, `${theme.id}: ${pair.label}`).toBeGreaterThanOrEqual(AA_CONTRAST);
      }
      expect(contrastWarnings(theme.defaults.colors)).toEqual([]);
    }
  });

  it("the three themes differ in colours, fonts and home sections", () => {
    const [a, b, c] = THEME_MANIFESTS.map((t) => t.defaults);
    expect(new Set([a, b, c].map((d) => d.colors.background)).size).toBe(3);
    expect(new Set([a, b, c].map((d) => d.headingFont)).size).toBe(3);
    expect(new Set([a, b, c].map((d) => d.sections.map((s) => s.type).join())).size).toBe(3);
  });

  it("reports each bad field by its path and keeps the good ones", () => {
    const input = {
      ...minimal.defaults,
      colors: { ...minimal.defaults.colors, accent: "red", text: "#12345" },
      headingFont: "Comic Sans",
      bodyFont: "monospace",
      logoWidth: 9000,
      announcement: { enabled: true, text: "", link: "javascript:alert(1)" },
      sections: [
        { id: "hero-1", type: "hero", heading: "x".repeat(81), text: "ok", buttonLabel: "Go", buttonLink: "//evil.example" },
        { id: "grid", type: "product-grid", heading: "New", limit: 50 },
        { id: "bad", type: "video", heading: "Nope" },
        { id: "fc", type: "featured-collection", heading: "Sale", collection: "Not A Handle", limit: 4 },
      ],
    };
    const { errors, settings } = validateThemeSettings(minimal.schema, minimal.defaults, input);
    expect(errors).toEqual({
      "colors.accent": "Use a hex colour like #1a2b3c.",
      "colors.text": "Use a hex colour like #1a2b3c.",
      headingFont: "Choose one of the theme's fonts.",
      logoWidth: "Enter a whole number from 60 to 300.",
      "announcement.text": "Write the announcement, or turn the bar off.",
      "announcement.link": "Use a path on your shop (/collections/all) or an http(s) address.",
      "sections.0.heading": "Use at most 80 characters.",
      "sections.0.buttonLink": "Use a path on your shop (/collections/all) or an http(s) address.",
      "sections.1.limit": "Enter a whole number from 2 to 12.",
      "sections.2.type": "This theme has no such section.",
      "sections.3.collection": "Use a handle: lowercase letters, digits and hyphens.",
    });
    expect(settings.bodyFont).toBe("monospace");
    expect(settings.colors.background).toBe("#ffffff");
  });

  it("limits fonts to the theme's list and the number of sections", () => {
    expect(FONT_IDS).toContain("monospace");
    const fontError = validateThemeSettings(editorial.schema, editorial.defaults, { ...editorial.defaults, bodyFont: "slab" }).errors;
    expect(fontError).toEqual({ bodyFont: "Choose one of the theme's fonts." });
    const many = Array.from({ length: 13 }, (_, i) => ({ id: `rt-${i}`, type: "rich-text", heading: "Hi", text: "" }));
    const { errors, settings } = validateThemeSettings(minimal.schema, minimal.defaults, { ...minimal.defaults, sections: many });
    expect(errors.sections).toBe("Use at most 12 sections.");
    expect(settings.sections).toHaveLength(12);
  });

  it("on render, falls back to the default per field and never throws", () => {
    const stored = {
      ...minimal.defaults,
      colors: { ...minimal.defaults.colors, accent: "#00ff00", text: "not a colour" },
      headingFont: 42,
      sections: [{ id: "hero-1", type: "hero", heading: "Custom", text: null, buttonLabel: "Go", buttonLink: "/collections/all" }, "junk", { type: "unknown" }],
    };
    const resolved = resolveThemeSettings(minimal.schema, minimal.defaults, stored);
    expect(resolved.colors.accent).toBe("#00ff00");
    expect(resolved.colors.text).toBe(minimal.defaults.colors.text);
    expect(resolved.headingFont).toBe(minimal.defaults.headingFont);
    expect(resolved.sections).toHaveLength(1);
    expect(resolved.sections[0]).toMatchObject({ type: "hero", heading: "Custom", text: "Say what makes your products worth a look." });
    for (const garbage of [null, undefined, "text", 12, [], { colors: "no" }]) {
      expect(() => resolveThemeSettings(minimal.schema, minimal.defaults, garbage)).not.toThrow();
    }
    expect(resolveThemeSettings(minimal.schema, minimal.defaults, { colors: "no" }).colors).toEqual(minimal.defaults.colors);
  });

  it("warns about merchant colours below AA contrast", () => {
    const warnings = contrastWarnings({ ...minimal.defaults.colors, text: "#bbbbbb", accentText: "#222222" });
    expect(warnings.map((w) => w.field)).toEqual(["text", "text", "accentText"]);
    expect(warnings[0].message).toMatch(/^Text on the background: contrast 1\.\d\d:1 is below 4\.5:1/);
  });

  it("reads the editor's flat form into the nested shape", () => {
    const form = new URLSearchParams([
      ["colors.accent", "#112233"],
      ["headingFont", "didone"],
      ["announcement.enabled", "on"],
      ["announcement.text", "Hello"],
      ["sections.1.type", "rich-text"],
      ["sections.1.heading", "Second"],
      ["sections.0.type", "hero"],
      ["sections.0.heading", "First"],
      ["sections.x.heading", "ignored"],
      ["__proto__.polluted", "no"],
    ]);
    const parsed = settingsFromForm(form) as { colors: Record<string, string>; sections: { heading: string }[]; announcement: { enabled: boolean } };
    expect(parsed.colors).toEqual({ accent: "#112233" });
    expect(parsed.announcement.enabled).toBe(true);
    expect(parsed.sections.map((s) => s.heading)).toEqual(["First", "Second"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the theme editor", () => {
  const PLATFORM = "bazaar.test";
  const ORIGIN = `http://${PLATFORM}`;
  let t: TestDatabase;
  let app: TestApp;
  let north: Shop;
  let south: Shop;
  let northDb: TenantDb;
  let southDb: TenantDb;
  let owner: string;
  let staff: string;

  async function login(email: string, password: string) {
    const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
    return cookiePair(res.headers["set-cookie"], "bazaar_session");
  }
  // As the editor posts it: with the version the page was opened on, unless the form names its own.
  const post = (cookie: string, path: string, form: Record<string, string>) => adminSave(app, cookie, path, form);

  beforeAll(async () => {
    t = await createTestDatabase();
    const ownerUser = await createUser(t.db, { email: "owner@example.com", password: "owner-pass-1" });
    const other = await createUser(t.db, { email: "other@example.com", password: "other-pass-1" });
    const staffUser = await createUser(t.db, { email: "staff@example.com", password: "staff-pass-1" });
    north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: ownerUser.id });
    south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: other.id });
    await t.db.insertInto("platform.memberships").values({ user_id: staffUser.id, shop_id: north.id, role: "staff" }).execute();
    northDb = tenantDb(t.db, north.schema_name);
    southDb = tenantDb(t.db, south.schema_name);
    for (const db of [northDb, southDb]) {
      await launch(db);
      await createProduct(db, { title: "Mug", handle: "mug" });
    }
    app = await startTestApp(t.url);
    owner = await login("owner@example.com", "owner-pass-1");
    staff = await login("staff@example.com", "staff-pass-1");
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it("lists the themes with the default one live, and opens the editor with a preview frame of the shop", async () => {
    const list = await app.request(PLATFORM, "/admin/north/themes", { headers: { cookie: owner } });
    expect(list.status).toBe(200);
    for (const name of ["Minimal", "Editorial", "Classic"]) expect(list.body).toContain(name);
    expect(list.body).toMatch(/<h2>Minimal(<!-- -->)? <span class="status">Live<\/span><\/h2>/);

    const editor = await app.request(PLATFORM, "/admin/north/themes/editorial", { headers: { cookie: owner } });
    expect(editor.status).toBe(200);
    expect(editor.body).toMatch(/<iframe src="http:\/\/north\.shops\.test\/\?preview_token=[^"&]+&amp;preview=draft" title="Preview of Editorial"/);
    expect(editor.body).toContain('<label for="colors.accent">Buttons and links</label>');
    expect((await app.request(PLATFORM, "/admin/north/themes/nope", { headers: { cookie: owner } })).status).toBe(404);
  });

  it("saves a draft that only the preview shows, until it is published", async () => {
    const draft = { ...editorial.defaults, colors: { ...editorial.defaults.colors, accent: "#0b5394" } };
    draft.sections = [
      { ...editorial.defaults.sections[0], heading: "Draft headline for north" } as ThemeSettings["sections"][number],
      ...editorial.defaults.sections.slice(1),
    ];
    const saved = await post(owner, "/admin/north/themes/editorial", themeEditorForm(draft, { intent: "save" }));
    expect(saved.status).toBe(302);
    expect(saved.headers.location).toMatch(/^\/admin\/north\/themes\/editorial\?done=save/);

    // Shoppers still see the live theme's published settings.
    const live = await app.request("north.shops.test", "/");
    expect(live.body).toContain("theme-minimal");
    expect(live.body).not.toContain("Draft headline for north");

    // The editor's frame (a preview token for this theme, and preview=draft) shows the draft.
    const editor = await app.request(PLATFORM, "/admin/north/themes/editorial", { headers: { cookie: owner } });
    const src = /<iframe src="([^"]+)"/.exec(editor.body)![1].replace(/&amp;/g, "&");
    const url = new URL(src);
    const preview = await app.request("north.shops.test", url.pathname + url.search, { headers: { "sec-fetch-dest": "iframe" } });
    expect(preview.status).toBe(200);
    expect(preview.body).toContain("theme-editorial");
    expect(preview.body).toContain("Draft headline for north");
    expect(preview.body).toContain("--color-accent:#0b5394");
    // Links inside the frame keep the preview (the script rewrites them), and nobody else's token works here.
    expect((await app.request("south.shops.test", url.pathname + url.search, { headers: { "sec-fetch-dest": "iframe" } })).body).not.toContain(
      "Draft headline",
    );

    const published = await post(owner, "/admin/north/themes/editorial", themeEditorForm(draft, { intent: "publish" }));
    expect(published.status).toBe(302);
    const after = await app.request("north.shops.test", "/");
    expect(after.body).toContain("theme-editorial");
    expect(after.body).toContain("Draft headline for north");
    // The other shop is untouched.
    const southHome = await app.request("south.shops.test", "/");
    expect(southHome.body).toContain("theme-minimal");
    expect(southHome.body).not.toContain("Draft headline");

    const audit = await northDb.selectFrom("audit_events").select("action").where("subject_type", "=", "theme").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["theme.draft_saved", "theme.draft_saved", "theme.published"]);
  });

  it("autosaves (as the editor does while typing) and answers with data, not a redirect", async () => {
    const res = await post(
      owner,
      "/admin/north/themes/editorial",
      themeEditorForm(editorial.defaults, { intent: "save", autosave: "1", "announcement.text": "Typed just now" }),
    );
    expect(res.status).toBe(200);
    const row = await northDb.selectFrom("theme_settings").select(["draft", "published"]).where("theme_id", "=", "editorial").executeTakeFirstOrThrow();
    expect((row.draft as ThemeSettings).announcement.text).toBe("Typed just now");
    expect((row.published as ThemeSettings).announcement.text).not.toBe("Typed just now");
  });

  it("refuses a save from an older version of the draft, names what differs, and saves on a second, informed try", async () => {
    const path = "/admin/north/themes/editorial";
    const versionIn = (html: string) => /<input type="hidden" name="version" value="(\d+)"\/>/.exec(html)?.[1];
    const opened = versionIn((await app.request(PLATFORM, path, { headers: { cookie: owner } })).body)!;
    const typed = (text: string, version: string) => themeEditorForm(editorial.defaults, { intent: "save", autosave: "1", version, "announcement.text": text });
    const draftText = async () =>
      ((await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow()).draft as ThemeSettings)
        .announcement.text;

    expect((await post(owner, path, typed("First editor", opened))).status).toBe(200);
    const stale = await post(owner, path, typed("Second editor", opened));
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("This theme&#x27;s draft changed since you opened it");
    expect(stale.body).toContain("differs from yours in: announcement bar.");
    expect(stale.body).toContain('value="Second editor"');
    expect(await draftText()).toBe("First editor");

    const malformed = await post(owner, path, typed("Second editor", "v2"));
    expect(malformed.status).toBe(400);
    expect(await draftText()).toBe("First editor");

    expect((await post(owner, path, typed("Second editor", versionIn(stale.body)!))).status).toBe(200);
    expect(await draftText()).toBe("Second editor");
  });

  it("refuses invalid settings with field errors and changes nothing", async () => {
    const before = await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow();
    const res = await post(
      owner,
      "/admin/north/themes/editorial",
      themeEditorForm(editorial.defaults, { intent: "save", "colors.accent": "blue", "sections.0.heading": "y".repeat(200) }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain('<p class="error" id="colors.accent-error">Use a hex colour like #1a2b3c.</p>');
    expect(res.body).toContain('<p class="error" id="sections.0.heading-error">Use at most 80 characters.</p>');
    const after = await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow();
    expect(after.draft).toEqual(before.draft);
  });

  it("adds, moves and removes home sections", async () => {
    const base = themeEditorForm(editorial.defaults);
    await post(owner, "/admin/north/themes/editorial", { ...base, intent: "add", newSectionType: "featured-collection" });
    let draft = (await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow())
      .draft as ThemeSettings;
    expect(draft.sections.map((s) => s.type)).toEqual(["hero", "product-grid", "featured-collection"]);

    await post(owner, "/admin/north/themes/editorial", { ...themeEditorForm(draft), intent: "up:2" });
    draft = (await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow()).draft as ThemeSettings;
    expect(draft.sections.map((s) => s.type)).toEqual(["hero", "featured-collection", "product-grid"]);

    await post(owner, "/admin/north/themes/editorial", { ...themeEditorForm(draft), intent: "remove:0" });
    draft = (await northDb.selectFrom("theme_settings").select("draft").where("theme_id", "=", "editorial").executeTakeFirstOrThrow()).draft as ThemeSettings;
    expect(draft.sections.map((s) => s.type)).toEqual(["featured-collection", "product-grid"]);
  });

  it("resets the draft to the theme's defaults without touching what is published", async () => {
    const res = await post(owner, "/admin/north/themes/editorial", { intent: "reset" });
    expect(res.status).toBe(302);
    const row = await northDb
      .selectFrom("theme_settings")
      .select(["draft", "published", "is_live"])
      .where("theme_id", "=", "editorial")
      .executeTakeFirstOrThrow();
    expect(row.draft).toEqual(editorial.defaults);
    expect((row.published as ThemeSettings).sections[0]).toMatchObject({ heading: "Draft headline for north" });
    expect(row.is_live).toBe(true);
  });

  it("publishing another theme from the list makes it the only live one", async () => {
    const res = await post(owner, "/admin/north/themes", { theme: "classic" });
    expect(res.status).toBe(200);
    const live = await northDb.selectFrom("theme_settings").select("theme_id").where("is_live", "=", true).execute();
    expect(live).toEqual([{ theme_id: "classic" }]);
    expect((await app.request("north.shops.test", "/")).body).toContain("theme-classic");
  });

  it("a bad stored value never breaks the storefront", async () => {
    await northDb
      .updateTable("theme_settings")
      .set({ published: JSON.stringify({ colors: { background: "url(javascript:alert(1))", text: 5 }, headingFont: "nope", sections: "nope" }) })
      .where("theme_id", "=", "classic")
      .execute();
    const home = await app.request("north.shops.test", "/");
    expect(home.status).toBe(200);
    expect(home.body).not.toContain("javascript:alert");
    expect(home.body).toContain(`--color-background:${themeManifest("classic").defaults.colors.background}`);
  });

  it("is for members with the themes capability of this shop only", async () => {
    expect((await app.request(PLATFORM, "/admin/north/themes", { headers: { cookie: staff } })).status).toBe(403);
    expect((await post(staff, "/admin/north/themes/minimal", themeEditorForm(minimal.defaults, { intent: "publish" }))).status).toBe(403);
    // The owner of north tampering with the URL to reach south's themes gets a 404, and south changes nothing.
    expect((await app.request(PLATFORM, "/admin/south/themes", { headers: { cookie: owner } })).status).toBe(404);
    expect((await post(owner, "/admin/south/themes/editorial", themeEditorForm(editorial.defaults, { intent: "publish" }))).status).toBe(404);
    expect(await southDb.selectFrom("theme_settings").selectAll().execute()).toEqual([]);
    // Preview links are for members too.
    expect((await app.request(PLATFORM, "/admin/south/themes/preview", { headers: { cookie: owner } })).status).toBe(404);
    const preview = await app.request(PLATFORM, "/admin/north/themes/preview?theme=minimal", { headers: { cookie: staff } });
    expect(preview.status).toBe(302);
    expect(preview.headers.location).toMatch(/^http:\/\/north\.shops\.test\/\?preview_token=[^&]+&preview=draft$/);
  });
});
