import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop, User } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { createShippingRate, createShippingZone, listShippingZones, parseCountryList, SettingsValidationError } from "../shop/settings.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminSave } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { makeImage } from "./support/images.ts";
import { multipartBody, rawRequest } from "./support/raw-http.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
const PASSWORD = "a-long-password";

let t: TestDatabase;
let app: TestApp;
let mediaDir: string;
let north: Shop;
let south: Shop;
let northCookie: string;
let southCookie: string;

async function login(email: string): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password: PASSWORD }, headers: { origin: ORIGIN } });
  expect(res.status).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

function get(pathname: string, cookie: string) {
  return app.request(PLATFORM, pathname, { headers: { cookie } });
}

/** A settings form as the page posts it: with the version the page shows, unless the form names its own. */
function post(pathname: string, form: Record<string, string>, cookie: string) {
  return adminSave(app, cookie, pathname, form);
}

const settingsOf = (shop: Shop) => tenantDb(t.db, shop.schema_name).selectFrom("settings").selectAll().executeTakeFirstOrThrow();
const auditOf = (shop: Shop) => tenantDb(t.db, shop.schema_name).selectFrom("audit_events").selectAll().orderBy("id").execute();
const shopName = async (shop: Shop) => (await t.db.selectFrom("platform.shops").select("name").where("id", "=", shop.id).executeTakeFirstOrThrow()).name;

async function addMember(shop: Shop, email: string, role: "admin" | "staff"): Promise<User> {
  const user = await createUser(t.db, { email, password: PASSWORD });
  await t.db.insertInto("platform.memberships").values({ user_id: user.id, shop_id: shop.id, role }).execute();
  return user;
}

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-media-"));
  process.env.MEDIA_DIR = mediaDir;
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.example", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  app = await startTestApp(t.url);
  northCookie = await login("owner@north.example");
  southCookie = await login("owner@south.example");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("general settings", () => {
  it("shows every problem next to its field and changes nothing", async () => {
    const before = { settings: await settingsOf(north), audit: (await auditOf(north)).length };
    const res = await post("/admin/north/settings?index", { intent: "general", name: " ", contactEmail: "not-an-email", currency: "XYZ" }, northCookie);
    expect(res.status).toBe(400);
    expect(res.body).toContain("Give your shop a name.");
    expect(res.body).toContain("Enter a valid email address.");
    expect(res.body).toContain("Choose a currency from the list.");
    expect(res.body).toContain('aria-describedby="contactEmail-error"');
    expect(await settingsOf(north)).toEqual(before.settings);
    expect(await shopName(north)).toBe("North");
    expect(await auditOf(north)).toHaveLength(before.audit);
  });

  it("renames the shop in the registry, so the storefront shows the new name, and records who did it", async () => {
    expect((await app.request("north.shops.test", "/")).body).toContain("North");
    const res = await post(
      "/admin/north/settings?index",
      { intent: "general", name: "North Outfitters", contactEmail: "Hello@North.example", currency: "USD", locale: "en-US" },
      northCookie,
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain("Settings saved.");
    expect(await shopName(north)).toBe("North Outfitters");
    expect(await settingsOf(north)).toMatchObject({ contact_email: "hello@north.example", currency: "USD" });
    // The registry cache hears about the rename through NOTIFY.
    await expect.poll(async () => (await app.request("north.shops.test", "/")).body).toContain("North Outfitters");
    expect(await shopName(south)).toBe("South");

    const [event] = (await auditOf(north)).filter((e) => e.action === "settings.updated");
    expect(event).toMatchObject({ actor_email: "owner@north.example", subject_type: "shop", subject_id: north.id });
    expect(event.summary).toContain("name: North → North Outfitters");
    expect(event.ip).toMatch(/127\.0\.0\.1/);
  });

  it("refuses a currency change once the shop has products, explaining minor units, and allows it before", async () => {
    await saveProduct(tenantDb(t.db, north.schema_name), SYSTEM_ACTOR, {
      title: "Rain jacket",
      handle: "",
      descriptionHtml: "",
      status: "active",
      vendor: "",
      productType: "",
      tags: [],
      seoTitle: "",
      seoDescription: "",
      options: [],
      variants: [{ optionValues: [], sku: "", price: 1000, compareAtPrice: null, inventoryQuantity: 1, continueSelling: false, weightGrams: 0 }],
    });
    const refused = await post(
      "/admin/north/settings?index",
      { intent: "general", name: "North Outfitters", contactEmail: "", currency: "JPY", locale: "en-US" },
      northCookie,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("The currency can&#x27;t change because this shop already has products.");
    expect(refused.body).toContain("1000 is $10.00 in USD but ¥1,000 in JPY");
    expect(await settingsOf(north)).toMatchObject({ currency: "USD", contact_email: "hello@north.example" });
    const page = await get("/admin/north/settings", northCookie);
    expect(page.body).toContain("Locked: this shop already has products.");

    // South has nothing priced yet: switching to a zero-decimal currency works, and amounts are then whole yen.
    const allowed = await post(
      "/admin/south/settings?index",
      { intent: "general", name: "South", contactEmail: "", currency: "JPY", locale: "en-US" },
      southCookie,
    );
    expect(allowed.status).toBe(200);
    expect(await settingsOf(south)).toMatchObject({ currency: "JPY" });
    expect(await settingsOf(north)).toMatchObject({ currency: "USD" });
  });

  it("takes a logo only if it is really an image, stores it per shop, and serves it only for that shop", async () => {
    const upload = async (slug: string, cookie: string, data: Buffer, filename: string, contentType: string) => {
      const { body, contentType: type } = multipartBody({}, [{ field: "logo", filename, contentType, data }]);
      return rawRequest(app.port, PLATFORM, `/admin/${slug}/settings?index`, {
        method: "POST",
        body,
        headers: { "content-type": type, origin: ORIGIN, cookie },
      });
    };
    const fake = await upload("north", northCookie, Buffer.from("<svg onload=alert(1)></svg>"), "logo.png", "image/png");
    expect(fake.status).toBe(400);
    expect(fake.text()).toContain("This file is text (HTML, SVG or XML), not a picture");
    expect((await settingsOf(north)).logo_key).toBeNull();

    const ok = await upload("north", northCookie, await makeImage("png", 800, 400), "logo.png", "image/png");
    expect(ok.status).toBe(200);
    expect(ok.text()).toContain("Logo saved.");
    const { logo_key } = await settingsOf(north);
    expect(logo_key).toMatch(new RegExp(`^shops/${north.id}/logo/[0-9a-f]{32}$`));
    const hash = logo_key!.split("/").at(-1)!;

    const admin = await rawRequest(app.port, PLATFORM, `/admin/north/settings/logo/${hash}`, { headers: { cookie: northCookie, accept: "image/webp" } });
    expect(admin.status).toBe(200);
    expect(admin.headers["content-type"]).toBe("image/webp");
    const storefront = await rawRequest(app.port, "north.shops.test", `/logo/${hash}`, { headers: { accept: "image/avif,image/webp" } });
    expect(storefront.status).toBe(200);
    expect(storefront.headers["content-type"]).toBe("image/avif");
    // The same path on another shop, or through another shop's admin, finds nothing.
    expect((await rawRequest(app.port, "south.shops.test", `/logo/${hash}`)).status).toBe(404);
    expect((await rawRequest(app.port, PLATFORM, `/admin/south/settings/logo/${hash}`, { headers: { cookie: southCookie } })).status).toBe(404);
    expect((await rawRequest(app.port, PLATFORM, `/admin/south/settings/logo/${hash}`, { headers: { cookie: northCookie } })).status).toBe(404);

    const removed = await post("/admin/north/settings?index", { intent: "remove-logo" }, northCookie);
    expect(removed.status).toBe(200);
    expect((await settingsOf(north)).logo_key).toBeNull();
    expect((await rawRequest(app.port, "north.shops.test", `/logo/${hash}`)).status).toBe(404);
    expect((await auditOf(north)).map((e) => e.action)).toEqual(expect.arrayContaining(["settings.logo_updated", "settings.logo_removed"]));
  });
});

describe("policies", () => {
  it("sanitises policy HTML on save and renders only the sanitised version", async () => {
    const res = await post(
      "/admin/north/settings/policies",
      {
        "refund-policy": `<p onclick="steal()">Returns within <strong>30 days</strong>.<script>alert("x")</script> <a href="javascript:alert(1)">terms</a> <a href="https://north.example/returns" target="_blank">form</a></p>`,
        "privacy-policy": '<h2>Privacy</h2><iframe src="https://evil.example"></iframe><p>We keep your data safe.</p>',
        "terms-of-service": "",
        "shipping-policy": "",
      },
      northCookie,
    );
    expect(res.status).toBe(200);
    const policies = await tenantDb(t.db, north.schema_name).selectFrom("policies").selectAll().orderBy("handle").execute();
    expect(policies.map((p) => p.handle)).toEqual(["privacy-policy", "refund-policy"]);
    const refund = policies.find((p) => p.handle === "refund-policy")!;
    expect(refund.body_html).toBe(
      '<p>Returns within <strong>30 days</strong>. <a>terms</a> <a href="https://north.example/returns" target="_blank" rel="noopener noreferrer">form</a></p>',
    );
    expect(policies.find((p) => p.handle === "privacy-policy")!.body_html).toBe("<h2>Privacy</h2><p>We keep your data safe.</p>");

    const page = await get("/admin/north/settings/policies", northCookie);
    expect(page.body).not.toContain("<script>alert");
    expect(page.body).not.toContain("onclick");
    expect(page.body).toContain('<div class="policy-preview"><p>Returns within <strong>30 days</strong>.');
    expect((await auditOf(north)).filter((e) => e.action === "policy.updated").map((e) => e.subject_id)).toEqual(["refund-policy", "privacy-policy"]);
    // South's policies are its own.
    expect(await tenantDb(t.db, south.schema_name).selectFrom("policies").selectAll().execute()).toEqual([]);
  });
});

describe("shipping zones and rates", () => {
  it("refuses unknown countries, overlapping zones and bad prices without saving anything", async () => {
    const unknown = await post("/admin/north/settings/shipping", { intent: "create-zone", name: "Europe", countries: "FR, XX, EU" }, northCookie);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("Unknown country codes: XX, EU.");
    const empty = await post("/admin/north/settings/shipping", { intent: "create-zone", name: "", countries: "" }, northCookie);
    expect(empty.status).toBe(400);
    expect(empty.body).toContain("Name the zone, for example Europe.");
    expect(empty.body).toContain("Add at least one country code");
    expect(await listShippingZones(tenantDb(t.db, north.schema_name))).toEqual([]);

    const created = await post("/admin/north/settings/shipping", { intent: "create-zone", name: "Europe", countries: "fr de, be" }, northCookie);
    expect(created.status).toBe(200);
    const [zone] = await listShippingZones(tenantDb(t.db, north.schema_name));
    expect(zone).toMatchObject({ name: "Europe", countries: ["BE", "DE", "FR"] });

    const overlap = await post("/admin/north/settings/shipping", { intent: "create-zone", name: "Benelux", countries: "BE NL LU" }, northCookie);
    expect(overlap.status).toBe(400);
    expect(overlap.body).toContain("Each country can be in one zone only: BE (in Europe).");

    for (const [field, value, message] of [
      ["price", "-5", "Enter a price of zero or more in USD, like 4.95."],
      ["price", "4.999", "USD has at most 2 decimals; &quot;4.999&quot; has 3. Type at most 2, like 12.50."],
      ["price", "1,500", "&quot;1,500&quot; could mean 1500 or 1.50. Type 1500 without a separator, or 1.50 with &quot;.&quot; as the decimal mark."],
      ["minSubtotal", "-1", "Enter an amount of zero or more in USD, or leave it blank."],
    ]) {
      const rate = { intent: "create-rate", zoneId: zone.id, name: "Standard", price: "4.95", minSubtotal: "", [field]: value };
      const res = await post("/admin/north/settings/shipping", rate, northCookie);
      expect(res.status).toBe(400);
      expect(res.body).toContain(message);
    }
    expect((await listShippingZones(tenantDb(t.db, north.schema_name)))[0].rates).toEqual([]);
  });

  it("creates, edits and deletes zones and rates, in minor units of the shop's currency", async () => {
    const db = tenantDb(t.db, north.schema_name);
    const [zone] = await listShippingZones(db);
    const post_ = (form: Record<string, string>) => post("/admin/north/settings/shipping", form, northCookie);

    expect((await post_({ intent: "create-rate", zoneId: zone.id, name: "Standard", price: "4.95", minSubtotal: "" })).status).toBe(200);
    expect((await post_({ intent: "create-rate", zoneId: zone.id, name: "Free over 50", price: "0", minSubtotal: "50" })).status).toBe(200);
    let rates = (await listShippingZones(db))[0].rates;
    expect(rates).toEqual([
      { id: expect.any(String), name: "Free over 50", price: "0", minSubtotal: "5000", version: 1 },
      { id: expect.any(String), name: "Standard", price: "495", minSubtotal: null, version: 1 },
    ]);
    const standard = rates.find((r) => r.name === "Standard")!;
    expect(
      (await post_({ intent: "update-rate", rateId: standard.id, name: "Standard", price: "5.50", minSubtotal: "", version: String(standard.version) })).status,
    ).toBe(200);
    expect((await listShippingZones(db))[0].rates.find((r) => r.id === standard.id)!.price).toBe("550");

    const page = await get("/admin/north/settings/shipping", northCookie);
    expect(page.body).toContain("Belgium, Germany, France");
    expect(page.body).toContain('value="5.50"');
    expect(page.body).toContain('value="50.00"');

    // Each zone and rate has its own version, which its form carries.
    const { version } = (await listShippingZones(db))[0];
    expect((await post_({ intent: "update-zone", zoneId: zone.id, name: "EU core", countries: "FR, DE, BE, NL", version: String(version) })).status).toBe(200);
    expect((await listShippingZones(db))[0]).toMatchObject({ name: "EU core", countries: ["BE", "DE", "FR", "NL"] });
    expect((await post_({ intent: "delete-rate", rateId: standard.id })).status).toBe(200);
    rates = (await listShippingZones(db))[0].rates;
    expect(rates.map((r) => r.name)).toEqual(["Free over 50"]);

    expect((await post_({ intent: "delete-zone", zoneId: zone.id })).status).toBe(200);
    expect(await listShippingZones(db)).toEqual([]);
    expect(await db.selectFrom("shipping_rates").selectAll().execute()).toEqual([]);
    expect((await auditOf(north)).map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "shipping_zone.created",
        "shipping_zone.updated",
        "shipping_zone.deleted",
        "shipping_rate.created",
        "shipping_rate.updated",
        "shipping_rate.deleted",
      ]),
    );
  });

  it("keeps two shops' zones apart, and answers 404 to ids from the other shop", async () => {
    const northDb = tenantDb(t.db, north.schema_name);
    const southDb = tenantDb(t.db, south.schema_name);
    // South (JPY) gets extra rows so its ids don't exist in north.
    for (const name of ["Asia", "Oceania", "Americas"]) {
      await createShippingZone(southDb, SYSTEM_ACTOR, { name, countries: { Asia: "JP KR", Oceania: "AU NZ", Americas: "US CA" }[name]! });
    }
    const southZone = (await listShippingZones(southDb)).find((z) => z.name === "Americas")!;
    const southRate = await createShippingRate(southDb, SYSTEM_ACTOR, southZone.id, { name: "Yamato", price: "1200", minSubtotal: "" });
    await expect(createShippingRate(southDb, SYSTEM_ACTOR, southZone.id, { name: "Cents", price: "4.95", minSubtotal: "" })).rejects.toBeInstanceOf(
      SettingsValidationError,
    );
    const northZoneId = await createShippingZone(northDb, SYSTEM_ACTOR, { name: "Americas", countries: "US CA" });
    await createShippingRate(northDb, SYSTEM_ACTOR, northZoneId, { name: "Ground", price: "12.00", minSubtotal: "" });
    expect(Number(southZone.id)).toBeGreaterThan(Number(northZoneId));
    expect((await listShippingZones(southDb)).find((z) => z.id === southZone.id)!.rates[0]).toMatchObject({ name: "Yamato", price: "1200" });

    const northPage = await get("/admin/north/settings/shipping", northCookie);
    expect(northPage.body).toContain("Ground");
    expect(northPage.body).not.toContain("Yamato");
    const southPage = await get("/admin/south/settings/shipping", southCookie);
    expect(southPage.body).toContain("Yamato");
    expect(southPage.body).toContain('value="1200"');
    expect(southPage.body).not.toContain("Ground");

    // North's owner edits the URL or the form to reach south's objects.
    expect((await get("/admin/south/settings/shipping", northCookie)).status).toBe(404);
    expect((await post("/admin/south/settings/shipping", { intent: "delete-zone", zoneId: southZone.id }, northCookie)).status).toBe(404);
    const tamper = (form: Record<string, string>) => post("/admin/north/settings/shipping", form, northCookie);
    expect((await tamper({ intent: "delete-zone", zoneId: southZone.id })).status).toBe(404);
    expect((await tamper({ intent: "update-zone", zoneId: southZone.id, name: "Hijacked", countries: "MX" })).status).toBe(404);
    expect((await tamper({ intent: "create-rate", zoneId: southZone.id, name: "Sneaky", price: "1", minSubtotal: "" })).status).toBe(404);
    expect((await tamper({ intent: "update-rate", rateId: southRate, name: "Sneaky", price: "1", minSubtotal: "" })).status).toBe(404);
    expect((await tamper({ intent: "delete-rate", rateId: southRate })).status).toBe(404);
    expect((await tamper({ intent: "delete-rate", rateId: "1 or 1=1" })).status).toBe(404);
    const southAfter = await listShippingZones(southDb);
    expect(southAfter.map((z) => z.name).sort()).toEqual(["Americas", "Asia", "Oceania"]);
    expect(southAfter.find((z) => z.id === southZone.id)!.rates).toEqual([{ id: southRate, name: "Yamato", price: "1200", minSubtotal: null, version: 1 }]);
  });
  it("reads rates in the shop's number format: 4,95 once the shop writes numbers the German way", async () => {
    const db = tenantDb(t.db, north.schema_name);
    const post_ = (form: Record<string, string>) => post("/admin/north/settings/shipping", form, northCookie);
    const general = { intent: "general", name: "North Outfitters", contactEmail: "hello@north.example", currency: "USD" };
    expect((await post("/admin/north/settings?index", { ...general, locale: "de-DE" }, northCookie)).status).toBe(200);
    try {
      expect(await settingsOf(north)).toMatchObject({ locale: "de-DE", currency: "USD" });
      expect((await auditOf(north)).at(-1)!.summary).toContain("number format: en-US → de-DE");
      const zoneId = await createShippingZone(db, SYSTEM_ACTOR, { name: "Nordics", countries: "SE NO" });
      expect((await post_({ intent: "create-rate", zoneId, name: "Post", price: "4,95", minSubtotal: "1.234,50" })).status).toBe(200);
      expect((await post_({ intent: "create-rate", zoneId, name: "Courier", price: "12.50", minSubtotal: "" })).status).toBe(200);
      const ambiguous = await post_({ intent: "create-rate", zoneId, name: "Freight", price: "1.500", minSubtotal: "" });
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body).toContain("could mean 1500 or 1,50. Type 1500 without a separator, or 1,50 with &quot;,&quot; as the decimal mark.");
      const rates = (await listShippingZones(db)).find((z) => z.name === "Nordics")!.rates;
      expect(rates.map((r) => [r.name, r.price, r.minSubtotal])).toEqual([
        ["Post", "495", "123450"],
        ["Courier", "1250", null],
      ]);
      const page = await get("/admin/north/settings/shipping", northCookie);
      expect(page.body).toContain('value="4,95"');
      expect(page.body).toContain('value="1234,50"');
      expect(page.body).toContain('placeholder="0,00"');
      // South still reads numbers the English way.
      expect(await settingsOf(south)).toMatchObject({ locale: "en-US" });
      await post_({ intent: "delete-zone", zoneId });
    } finally {
      await post("/admin/north/settings?index", { ...general, locale: "en-US" }, northCookie);
    }
    const refused = await post("/admin/north/settings?index", { ...general, locale: "xx-YY" }, northCookie);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("Choose a number format from the list.");
    expect(await settingsOf(north)).toMatchObject({ locale: "en-US" });
  });
});

describe("taxes", () => {
  it("stores percent as basis points and refuses anything outside 0–100 with two decimals", async () => {
    const before = await settingsOf(north);
    for (const rate of ["100.5", "-1", "7.255", "abc", ""]) {
      const res = await post("/admin/north/settings/taxes", { rate, pricesIncludeTax: "on" }, northCookie);
      expect(res.status, rate).toBe(400);
      expect(res.body).toContain("Enter a rate from 0 to 100 with at most two decimals");
    }
    expect(await settingsOf(north)).toEqual(before);

    const res = await post("/admin/north/settings/taxes", { rate: "20.5", pricesIncludeTax: "on" }, northCookie);
    expect(res.status).toBe(200);
    expect(await settingsOf(north)).toMatchObject({ tax_rate_bp: 2050, prices_include_tax: true });
    expect(await settingsOf(south)).toMatchObject({ tax_rate_bp: 0, prices_include_tax: false });
    expect((await get("/admin/north/settings/taxes", northCookie)).body).toContain('value="20.5"');
    const off = await post("/admin/north/settings/taxes", { rate: "7.25" }, northCookie);
    expect(off.status).toBe(200);
    expect(await settingsOf(north)).toMatchObject({ tax_rate_bp: 725, prices_include_tax: false });
    expect((await auditOf(north)).filter((e) => e.action === "settings.taxes_updated").map((e) => e.summary)).toEqual([
      "Tax 0 % → 20.5 %, prices include tax",
      "Tax 20.5 % → 7.25 %, prices exclude tax",
    ]);
  });

  it("reads a rate in the shop's notation: 7,5 in a German shop, 7.5 in an English one, never 75", async () => {
    await tenantDb(t.db, south.schema_name).updateTable("settings").set({ locale: "de-DE" }).execute();
    try {
      expect((await post("/admin/south/settings/taxes", { rate: "7,5" }, southCookie)).status).toBe(200);
      expect(await settingsOf(south)).toMatchObject({ tax_rate_bp: 750 });
      expect((await get("/admin/south/settings/taxes", southCookie)).body).toContain('value="7,5"');
      expect((await post("/admin/south/settings/taxes", { rate: "19.25" }, southCookie)).status).toBe(200);
      expect(await settingsOf(south)).toMatchObject({ tax_rate_bp: 1925 });
      const refused = await post("/admin/south/settings/taxes", { rate: "7,255" }, southCookie);
      expect(refused.status).toBe(400);
      expect(refused.body).toContain("Enter a rate from 0 to 100 with at most two decimals, like 20 or 7,25.");
      expect(await settingsOf(south)).toMatchObject({ tax_rate_bp: 1925 });
      expect((await post("/admin/north/settings/taxes", { rate: "7,5" }, northCookie)).status).toBe(200);
      expect(await settingsOf(north)).toMatchObject({ tax_rate_bp: 750 });
    } finally {
      await tenantDb(t.db, south.schema_name).updateTable("settings").set({ locale: "en-US", tax_rate_bp: 0 }).execute();
    }
    expect(parseCountryList("gb, GB uk zz")).toEqual({ codes: ["GB"], unknown: ["UK", "ZZ"] });
  });
});

describe("settings permissions", () => {
  it("gives admins the settings and staff a 403 on every settings page and action", async () => {
    await addMember(north, "admin@north.example", "admin");
    await addMember(north, "staff@north.example", "staff");
    const adminCookie = await login("admin@north.example");
    const staffCookie = await login("staff@north.example");
    for (const page of ["settings", "settings/policies", "settings/shipping", "settings/taxes"]) {
      expect((await get(`/admin/north/${page}`, adminCookie)).status, page).toBe(200);
      expect((await get(`/admin/north/${page}`, staffCookie)).status, page).toBe(403);
    }
    const before = await settingsOf(north);
    expect(
      (
        await post(
          "/admin/north/settings?index",
          { intent: "general", name: "Staff was here", contactEmail: "", currency: "USD", locale: "en-US" },
          staffCookie,
        )
      ).status,
    ).toBe(403);
    expect((await post("/admin/north/settings/taxes", { rate: "50" }, staffCookie)).status).toBe(403);
    expect((await post("/admin/north/settings/shipping", { intent: "create-zone", name: "Staff zone", countries: "IT" }, staffCookie)).status).toBe(403);
    expect(await settingsOf(north)).toEqual(before);
    expect(await shopName(north)).toBe("North Outfitters");

    const forbidden = await get("/admin/north/settings", staffCookie);
    expect(forbidden.body).toContain("Not available to your role");
    const adminSave = await post("/admin/north/settings/taxes", { rate: "8" }, adminCookie);
    expect(adminSave.status).toBe(200);
    expect((await auditOf(north)).at(-1)).toMatchObject({ actor_email: "admin@north.example", action: "settings.taxes_updated" });
  });
});
