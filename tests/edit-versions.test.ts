import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { getCollection, saveCollection, type CollectionInput } from "../shop/collections.server.ts";
import { StaleEditError } from "../shop/edit-versions.server.ts";
import { getPage, savePage, type PageInput } from "../shop/pages.server.ts";
import {
  createShippingRate,
  createShippingZone,
  getSettings,
  listShippingZones,
  saveGeneralSettings,
  savePolicies,
  saveTaxSettings,
  updateShippingRate,
  updateShippingZone,
} from "../shop/settings.server.ts";
import { saveThemeDraft, themeDraft, themeDraftVersion } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { THEME_MANIFESTS } from "../themes/manifest.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

// Two people saving from the same version of a collection, a page, a theme's draft or the settings: the first save
// raises the version once, the second is refused with what differs and changes nothing. Two shops with different
// data: the other shop's row never moves.
let t: TestDatabase;
let north: Shop;
let northDb: TenantDb;
let southDb: TenantDb;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@versions.example", password: "a-long-password" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, (await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id })).schema_name);
});
afterAll(() => t?.drop());

/** Runs `second` expecting a StaleEditError, and gives it. */
async function refused(second: Promise<unknown>): Promise<StaleEditError> {
  const error = await second.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StaleEditError);
  return error as StaleEditError;
}

const page = (title: string, bodyHtml: string): PageInput => ({ title, handle: "about", bodyHtml, visibility: "visible", seoTitle: "", seoDescription: "" });

describe("pages", () => {
  it("refuse the second of two saves from one version, name what differs, and leave the other shop's page alone", async () => {
    const { id } = await savePage(northDb, SYSTEM_ACTOR, page("About us", "<p>Since 1990.</p>"));
    const southPage = await savePage(southDb, SYSTEM_ACTOR, page("About South", "<p>Southern.</p>"));
    const southBefore = await getPage(southDb, southPage.id);
    const opened = (await getPage(northDb, id))!.version;
    expect(opened).toBe(1);

    await savePage(northDb, SYSTEM_ACTOR, page("About North", "<p>Since 1990.</p>"), id, { expectedVersion: opened });
    const error = await refused(savePage(northDb, SYSTEM_ACTOR, page("About us", "<p>Since 1991.</p>"), id, { expectedVersion: opened }));
    expect(error.currentVersion).toBe(2);
    expect(error.changes).toEqual([{ label: "title", saved: "About North" }, { label: "content" }]);

    const saved = (await getPage(northDb, id))!;
    expect([saved.title, saved.bodyHtml, saved.version]).toEqual(["About North", "<p>Since 1990.</p>", 2]);
    // Saving again on the version the refusal named is a knowing choice: it goes through.
    await savePage(northDb, SYSTEM_ACTOR, page("About us", "<p>Since 1991.</p>"), id, { expectedVersion: error.currentVersion });
    expect((await getPage(northDb, id))!.version).toBe(3);
    expect(await getPage(southDb, southPage.id)).toEqual(southBefore);
  });

  it("let a stale save through when it writes what is already saved", async () => {
    const { id } = await savePage(northDb, SYSTEM_ACTOR, { ...page("Contact", ""), handle: "contact" });
    await savePage(northDb, SYSTEM_ACTOR, { ...page("Contact us", ""), handle: "contact" }, id, { expectedVersion: 1 });
    await savePage(northDb, SYSTEM_ACTOR, { ...page("Contact us", ""), handle: "contact" }, id, { expectedVersion: 1 });
    expect((await getPage(northDb, id))!.version).toBe(3);
  });
});

const collection = (title: string, rules: CollectionInput["rules"]): CollectionInput => ({
  title,
  handle: "sale",
  descriptionHtml: "",
  kind: "automated",
  rules,
  rulesMatch: "all",
  parentId: null,
  seoTitle: "",
  seoDescription: "",
});

describe("collections", () => {
  it("refuse the second of two saves from one version, name what differs, and leave the other shop's collection alone", async () => {
    const tagged = [{ field: "tag" as const, relation: "equals" as const, value: "sale" }];
    const { id } = await saveCollection(northDb, SYSTEM_ACTOR, collection("Sale", tagged));
    const south = await saveCollection(southDb, SYSTEM_ACTOR, collection("Southern sale", tagged));
    const southBefore = await getCollection(southDb, south.id);

    // Stored rules come back from jsonb with their keys reordered: an unchanged rule isn't reported as changed.
    await saveCollection(northDb, SYSTEM_ACTOR, collection("Summer sale", tagged), id, { expectedVersion: 1 });
    const error = await refused(
      saveCollection(northDb, SYSTEM_ACTOR, collection("Sale", [{ field: "price", relation: "less_than", value: "20" }]), id, { expectedVersion: 1 }),
    );
    expect(error.changes).toEqual([{ label: "title", saved: "Summer sale" }, { label: "conditions" }]);

    const saved = (await getCollection(northDb, id))!;
    expect([saved.title, saved.rules, saved.version]).toEqual(["Summer sale", tagged, 2]);
    expect(await getCollection(southDb, south.id)).toEqual(southBefore);
  });
});

describe("theme drafts", () => {
  it("refuse the second of two saves from one version, even of a theme never saved before", async () => {
    const manifest = THEME_MANIFESTS[0];
    const opened = await themeDraftVersion(northDb, manifest.id);
    expect(opened).toBe(1);
    const defaults = await themeDraft(northDb, manifest.id);
    await saveThemeDraft(southDb, SYSTEM_ACTOR, manifest.id, { ...defaults, headingFont: defaults.bodyFont });
    const southBefore = await southDb.selectFrom("theme_settings").selectAll().execute();

    const announced = { ...defaults, announcement: { ...defaults.announcement, enabled: true, text: "Free shipping" } };
    expect(await saveThemeDraft(northDb, SYSTEM_ACTOR, manifest.id, announced, { expectedVersion: opened })).toBe(2);
    const error = await refused(
      saveThemeDraft(northDb, SYSTEM_ACTOR, manifest.id, { ...defaults, logoWidth: defaults.logoWidth + 10 }, { expectedVersion: opened }),
    );
    expect(error.changes.map((c) => c.label)).toEqual(["logo width", "announcement bar"]);

    expect(await themeDraft(northDb, manifest.id)).toEqual(announced);
    expect(await themeDraftVersion(northDb, manifest.id)).toBe(2);
    expect(await southDb.selectFrom("theme_settings").selectAll().execute()).toEqual(southBefore);
  });
});

describe("settings", () => {
  it("refuse the second of two saves from one version across the settings forms, quoting the saved values", async () => {
    const southBefore = await getSettings(southDb);
    const opened = (await getSettings(northDb)).version;

    await saveTaxSettings(northDb, SYSTEM_ACTOR, { rate: "20", pricesIncludeTax: true }, { expectedVersion: opened });
    const tax = await refused(saveTaxSettings(northDb, SYSTEM_ACTOR, { rate: "7.5", pricesIncludeTax: true }, { expectedVersion: opened }));
    expect(tax.changes).toEqual([{ label: "tax rate", saved: "20" }]);
    let saved = await getSettings(northDb);
    expect([saved.tax_rate_bp, saved.version]).toEqual([2000, opened + 1]);

    // The general form opened on the same version is stale too, as soon as it would change what the other save wrote.
    const general = { name: "North", contactEmail: "hello@north.example", currency: "USD", locale: "en-US" };
    await saveGeneralSettings(t.db, north, SYSTEM_ACTOR, general, { expectedVersion: opened + 1 });
    const stale = await refused(
      saveGeneralSettings(t.db, north, SYSTEM_ACTOR, { ...general, contactEmail: "shop@north.example" }, { expectedVersion: opened + 1 }),
    );
    expect(stale.changes).toEqual([{ label: "contact email", saved: "hello@north.example" }]);

    await savePolicies(northDb, SYSTEM_ACTOR, { "refund-policy": "<p>30 days.</p>" }, { expectedVersion: opened + 2 });
    const policies = await refused(savePolicies(northDb, SYSTEM_ACTOR, { "refund-policy": "<p>14 days.</p>" }, { expectedVersion: opened + 2 }));
    expect(policies.changes).toEqual([{ label: "Refund policy" }]);

    saved = await getSettings(northDb);
    expect([saved.contact_email, saved.version]).toEqual(["hello@north.example", opened + 3]);
    expect(await northDb.selectFrom("policies").select("body_html").execute()).toEqual([{ body_html: "<p>30 days.</p>" }]);
    expect(await getSettings(southDb)).toEqual(southBefore);
  });
});

describe("shipping zones and rates", () => {
  it("refuse the second of two saves of one zone or rate from one version, each versioned on its own", async () => {
    const zoneId = await createShippingZone(northDb, SYSTEM_ACTOR, { name: "Europe", countries: "FR, DE" });
    const rateId = await createShippingRate(northDb, SYSTEM_ACTOR, zoneId, { name: "Standard", price: "4.95", minSubtotal: "" });
    await createShippingZone(southDb, SYSTEM_ACTOR, { name: "Europe", countries: "FR, DE" });
    const southBefore = await listShippingZones(southDb);

    await updateShippingZone(northDb, SYSTEM_ACTOR, zoneId, { name: "EU", countries: "FR, DE" }, { expectedVersion: 1 });
    const zone = await refused(updateShippingZone(northDb, SYSTEM_ACTOR, zoneId, { name: "Europe", countries: "FR, DE, BE" }, { expectedVersion: 1 }));
    expect(zone.subject).toBe("Shipping zone “EU”");
    expect(zone.changes).toEqual([
      { label: "zone name", saved: "EU" },
      { label: "countries", saved: "DE, FR" },
    ]);
    // The rate has its own version: the zone's saves don't make its form stale.
    await updateShippingRate(northDb, SYSTEM_ACTOR, rateId, { name: "Standard", price: "5.50", minSubtotal: "" }, { expectedVersion: 1 });
    const rate = await refused(updateShippingRate(northDb, SYSTEM_ACTOR, rateId, { name: "Standard", price: "3", minSubtotal: "" }, { expectedVersion: 1 }));
    expect(rate.changes).toEqual([{ label: "price", saved: "$5.50" }]);

    const [saved] = await listShippingZones(northDb);
    expect([saved.name, saved.countries, saved.version]).toEqual(["EU", ["DE", "FR"], 2]);
    expect([saved.rates[0].price, saved.rates[0].version]).toEqual(["550", 2]);
    expect(await listShippingZones(southDb)).toEqual(southBefore);
  });
});
