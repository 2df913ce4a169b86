import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { importProductsCsv } from "../shop/csv/import.server.ts";
import { SHOPIFY_COLUMNS } from "../shop/csv/shopify-format.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { catalogueSnapshot, logIn, ORIGIN, PLATFORM, startHostProxy, startImageServer, UNREACHABLE_IMAGES, type LocalServer } from "./support/catalogue-csv.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { waitFor } from "./support/wait.ts";

const actor: Actor = { userId: null, email: "test@example.com", ip: "" };
const fixture = (name: string) => path.resolve("tests/fixtures", name);

let t: TestDatabase;
let app: TestApp;
let images: LocalServer;
let mediaDir: string;
let storage: LocalDiskStorage;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let ownerCookie: string;
let otherCookie: string;

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-csv-media-"));
  process.env.MEDIA_DIR = mediaDir;
  storage = new LocalDiskStorage(mediaDir);
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass-1" });
  const other = await createUser(t.db, { email: "other@example.com", password: "other-pass-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: other.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await southDb.updateTable("settings").set({ currency: "EUR" }).execute();
  images = await startImageServer();
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass-1");
  otherCookie = await logIn(app, "other@example.com", "other-pass-1");

  // North's catalogue: the fixture with its images, plus the yen file's products (prices in euros here).
  const csv = readFileSync(fixture("shopify-products.csv"), "utf8").replaceAll(UNREACHABLE_IMAGES, images.origin);
  const common = { shopId: north.id, money: { currency: "EUR", locale: "en-US" }, storage, imageFetch: { allowPrivateNetwork: true } };
  const report = await importProductsCsv(northDb, actor, () => Readable.from([Buffer.from(csv)]), common);
  expect(report).toMatchObject({ created: 4, errors: [], warnings: [] });
  await importProductsCsv(northDb, actor, () => createReadStream(fixture("shopify-jpy.csv")), common);
});
afterAll(async () => {
  await app?.close();
  await images?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

const exportOf = (slug: string, cookie: string) =>
  app.request(PLATFORM, `/admin/${slug}/transfers/export`, { method: "POST", headers: { cookie, origin: ORIGIN } });

describe("exporting the catalogue", () => {
  it("downloads a Shopify product CSV: the product on its first row, a variant and an image per row", async () => {
    const res = await exportOf("north", ownerCookie);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="north-products-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records: Record<string, string>[] = parse(res.body, { columns: true });
    expect(Object.keys(records[0])).toEqual([...SHOPIFY_COLUMNS]);

    const tee = records.filter((r) => r.Handle === "classic-tee");
    expect(tee).toHaveLength(4);
    expect(tee[0]).toMatchObject({
      Title: "Classic Tee",
      "Option1 Name": "Color",
      "Option1 Value": "Red",
      "Option2 Name": "Size",
      "Option2 Value": "S",
      "Variant Price": "25.00",
      "Variant Compare At Price": "30.00",
      "Variant Inventory Tracker": "shopify",
      "Variant Inventory Qty": "10",
      "Variant Inventory Policy": "deny",
      Tags: "cotton, summer, basics",
      Published: "TRUE",
      Status: "active",
      "Image Position": "1",
      "Image Alt Text": "Classic Tee, front",
    });
    expect(tee[0]["Image Src"]).toMatch(/^http:\/\/north\.shops\.test\/media\/products\/\d+\/[0-9a-f]{32}\/\d+$/);
    expect(tee[1]).toMatchObject({ Title: "", "Option1 Name": "", "Option1 Value": "Red", "Option2 Value": "M" });
    expect(tee[2]["Variant Image"]).toBe(tee[3]["Image Src"]);

    const tote = records.filter((r) => r.Handle === "canvas-tote");
    expect(tote.map((r) => [r["Option1 Name"], r["Option1 Value"], r["Variant Price"], r["Image Alt Text"]])).toEqual([
      ["Title", "Default Title", "18.00", ""],
      ["", "", "", "Inside"],
    ]);
    expect(records.find((r) => r.Handle === "yen-cup")!["Variant Price"]).toBe("980.50");

    // The transfer is marked done once the stream has ended, just after the response.
    const transfer = await waitFor(async () => {
      const row = await northDb.selectFrom("catalogue_transfers").selectAll().where("kind", "=", "export").executeTakeFirstOrThrow();
      return row.status === "running" ? undefined : row;
    });
    expect(transfer).toMatchObject({ status: "done", total_rows: records.length, report: { products: 6, rows: records.length } });
    const audit = await northDb.selectFrom("audit_events").select(["action", "actor_email"]).where("action", "=", "catalogue.exported").execute();
    expect(audit).toEqual([{ action: "catalogue.exported", actor_email: "owner@example.com" }]);
  });

  it("re-imported into another shop, gives the same catalogue, images included", async () => {
    const res = await exportOf("north", ownerCookie);
    // The proxy stands in for DNS: north.shops.test only resolves inside the test app.
    const proxy = await startHostProxy(app.port, "north.shops.test");
    try {
      const csv = res.body.replaceAll("http://north.shops.test", proxy.origin);
      const report = await importProductsCsv(southDb, actor, () => Readable.from([Buffer.from(csv)]), {
        shopId: south.id,
        money: { currency: "EUR", locale: "en-US" },
        storage,
        imageFetch: { allowPrivateNetwork: true },
      });
      expect(report).toMatchObject({ created: 6, updated: 0, skipped: 0, errors: [], warnings: [] });
      expect(proxy.requests.length).toBe(6);
    } finally {
      await proxy.close();
    }
    const original = await catalogueSnapshot(northDb);
    const copy = await catalogueSnapshot(southDb);
    expect(copy).toEqual(original);
    expect(copy.find((p) => p.handle === "classic-tee")!.images).toHaveLength(4);
    expect(copy.map((p) => p.status)).toEqual(["active", "draft", "active", "archived", "active", "active"]);
  });

  it("exports only the shop's own products, and only to its members", async () => {
    await southDb.updateTable("products").set({ title: "South's own tee" }).where("handle", "=", "classic-tee").execute();
    const southCsv = parse((await exportOf("south", otherCookie)).body, { columns: true }) as Record<string, string>[];
    const northCsv = parse((await exportOf("north", ownerCookie)).body, { columns: true }) as Record<string, string>[];
    expect(southCsv.find((r) => r.Handle === "classic-tee")!.Title).toBe("South's own tee");
    expect(northCsv.find((r) => r.Handle === "classic-tee")!.Title).toBe("Classic Tee");
    expect(northCsv.some((r) => r["Image Src"].includes("south."))).toBe(false);
    expect(southCsv.every((r) => !r["Image Src"] || r["Image Src"].startsWith("http://south.shops.test/media/"))).toBe(true);

    // North's owner is not a member of South: the same 404 as for a shop that doesn't exist.
    const tampered = await exportOf("south", ownerCookie);
    expect(tampered.status).toBe(404);
    expect(await southDb.selectFrom("catalogue_transfers").select("id").where("kind", "=", "export").execute()).toHaveLength(1);
    // Mutations need this exact origin.
    const crossOrigin = await app.request(PLATFORM, "/admin/north/transfers/export", {
      method: "POST",
      headers: { cookie: ownerCookie, origin: "http://north.shops.test" },
    });
    expect(crossOrigin.status).toBe(403);
  });

  it("writes an empty catalogue as the header alone", async () => {
    const shop = await provisionShop(t.db, {
      slug: "empty",
      name: "Empty",
      ownerId: (await t.db.selectFrom("platform.users").select("id").where("email", "=", "owner@example.com").executeTakeFirstOrThrow()).id,
    });
    const res = await exportOf("empty", ownerCookie);
    expect(res.body).toBe(`${SHOPIFY_COLUMNS.join(",")}\n`);
    const finished = await waitFor(async () => {
      const rows = await tenantDb(t.db, shop.schema_name).selectFrom("catalogue_transfers").select(["status", "total_rows"]).execute();
      return rows[0]?.status === "running" ? undefined : rows;
    });
    expect(finished).toEqual([{ status: "done", total_rows: 0 }]);
  });
});
