import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gunzipSync, gzipSync } from "node:zlib";
import { sql } from "kysely";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { addProductImage } from "../shop/media.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { changeShopStatus } from "../tenants/lifecycle.server.ts";
import { saveLogo } from "../shop/settings.server.ts";
import { LocalDiskStorage } from "../shop/storage.server.ts";
import { BundleError, restoreShopBundle, shopBundleLines, shopBundleStream } from "../tenants/bundle.server.ts";
import { DEMO_MERCHANT, DEMO_SHOPS, seedDemo } from "../tenants/demo.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { DEMO_PASSWORD } from "../tenants/demo.server.ts";
import { logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { multipartBody, rawRequest } from "./support/raw-http.ts";

const actor = { userId: null, email: "test@example.com", ip: "" };

let t: TestDatabase;
let storage: LocalDiskStorage;
let mediaDir: string;
let north: Shop;
let south: Shop;
let ownerId: string;
let app: TestApp;

async function image(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** Every row of every table of a shop, as PostgreSQL sees it, with media keys made shop-relative. */
async function snapshot(shop: Shop): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${shop.schema_name} and table_type = 'BASE TABLE'
      and table_name not in ('_migrations', 'customer_sessions', 'customer_login_attempts')
    order by 1`.execute(t.db);
  const result: Record<string, unknown[]> = {};
  for (const { name } of tables.rows) {
    const { rows } = await sql<{ row: string }>`select to_jsonb(x)::text as row from ${sql.id(shop.schema_name, name)} x order by 1`.execute(t.db);
    result[name] = rows.map((r) => r.row.replaceAll(`shops/${shop.id}/`, "shops/<id>/")).sort();
  }
  return result;
}

async function bundleOf(shop: Shop): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.fromWeb(shopBundleStream(t.db, storage, shop) as never)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function mediaKeys(shop: Shop): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.list(`shops/${shop.id}/`)) keys.push(key.slice(`shops/${shop.id}/`.length));
  return keys.sort();
}

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-bundle-media-"));
  process.env.MEDIA_DIR = mediaDir;
  storage = new LocalDiskStorage(mediaDir);
  t = await createTestDatabase();
  await seedDemo(t.db, storage);
  north = (await findShopBySlug(t.db, DEMO_SHOPS[0].slug))!;
  south = (await findShopBySlug(t.db, DEMO_SHOPS[1].slug))!;
  ownerId = (await t.db.selectFrom("platform.users").select("id").where("email", "=", DEMO_MERCHANT).executeTakeFirstOrThrow()).id;
  // What the demo lacks: more media, a logo, and a collection inside another.
  const northDb = tenantDb(t.db, north.schema_name);
  const [first, second] = await northDb.selectFrom("products").select("id").orderBy("id").limit(2).execute();
  await addProductImage(northDb, storage, actor, first.id, { bytes: await image("#c04020"), alt: "Red", shopId: north.id });
  await addProductImage(northDb, storage, actor, second.id, { bytes: await image("#2040c0"), alt: "Blue", shopId: north.id });
  await saveLogo(northDb, storage, actor, north.id, await image("#208040"));
  const [parent, child] = await northDb.selectFrom("collections").select("id").orderBy("id").limit(2).execute();
  if (parent && child) await northDb.updateTable("collections").set({ parent_id: parent.id }).where("id", "=", child.id).execute();
  const southDb = tenantDb(t.db, south.schema_name);
  const [southProduct] = await southDb.selectFrom("products").select("id").orderBy("id").limit(1).execute();
  await addProductImage(southDb, storage, actor, southProduct.id, { bytes: await image("#808000"), alt: "Olive", shopId: south.id });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("a shop's bundle", () => {
  it("restores into a new shop with the same products, media, customers and orders", async () => {
    const before = await snapshot(north);
    expect(before.orders.length).toBeGreaterThan(0);
    expect(before.customers.length).toBeGreaterThan(0);
    // The demo's photos (one per product, three for a product with colours) and the two added above.
    expect(before.product_media.length).toBe(9);

    const bundle = await bundleOf(north);
    const restored = await restoreShopBundle(t.db, storage, Readable.from(bundle), { slug: "north-again", name: north.name, ownerId });

    expect(restored.id).not.toBe(north.id);
    expect(restored.schema_name).not.toBe(north.schema_name);
    expect(await snapshot(restored)).toEqual(before);
    expect(await mediaKeys(restored)).toEqual(await mediaKeys(north));
    expect((await mediaKeys(restored)).length).toBeGreaterThan(2);
    // The restored shop keeps working: new rows continue after the restored ids.
    const restoredDb = tenantDb(t.db, restored.schema_name);
    const maxBefore = await restoredDb
      .selectFrom("products")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirstOrThrow();
    const added = await restoredDb
      .insertInto("products")
      .values({ title: "After the restore", handle: "after-the-restore" })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(BigInt(added.id)).toBeGreaterThan(BigInt(maxBefore.id!));
    const owner = await t.db.selectFrom("platform.memberships").select(["user_id", "role"]).where("shop_id", "=", restored.id).execute();
    expect(owner).toEqual([{ user_id: ownerId, role: "owner" }]);
  });

  it("holds only its own shop's data and media", async () => {
    const text = gunzipSync(await bundleOf(south)).toString();
    const northTitles = (await tenantDb(t.db, north.schema_name).selectFrom("products").select("title").execute()).map((p) => p.title);
    const southTitles = (await tenantDb(t.db, south.schema_name).selectFrom("products").select("title").execute()).map((p) => p.title);
    expect(southTitles.some((title) => text.includes(JSON.stringify(title)))).toBe(true);
    expect(northTitles.filter((title) => !southTitles.includes(title)).some((title) => text.includes(JSON.stringify(title)))).toBe(false);
    const files = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((line) => "file" in line);
    expect(files.length).toBe((await mediaKeys(south)).length);
    expect(text).not.toContain(`shops/${north.id}/`);
  });

  it("leaves no shop and no media behind when the bundle is cut short", async () => {
    const lines = gunzipSync(await bundleOf(north))
      .toString()
      .split("\n")
      .filter(Boolean);
    const shopsBefore = await t.db.selectFrom("platform.shops").select("id").execute();
    const withoutEnd = gzipSync(lines.slice(0, -1).join("\n") + "\n");
    await expect(restoreShopBundle(t.db, storage, Readable.from(withoutEnd), { slug: "cut-short", name: "Cut", ownerId })).rejects.toThrow(
      /stops before its last line/,
    );
    const truncatedGzip = (await bundleOf(north)).subarray(0, 2000);
    await expect(restoreShopBundle(t.db, storage, Readable.from(truncatedGzip), { slug: "cut-short", name: "Cut", ownerId })).rejects.toBeInstanceOf(
      BundleError,
    );
    expect(await t.db.selectFrom("platform.shops").select("id").execute()).toEqual(shopsBefore);
    const owners = new Set<string>();
    for await (const key of storage.list("shops/")) owners.add(key.split("/")[1]);
    expect([...owners].every((id) => shopsBefore.some((s) => s.id === id))).toBe(true);
  });

  it("refuses what is not a bundle, or one from a newer Bazaar", async () => {
    const notBundle = gzipSync('{"hello":"world"}\n');
    await expect(restoreShopBundle(t.db, storage, Readable.from(notBundle), { slug: "nope", name: "Nope", ownerId })).rejects.toThrow(
      "The file is not a Bazaar shop bundle.",
    );
    await expect(restoreShopBundle(t.db, storage, Readable.from(Buffer.from("plain text")), { slug: "nope", name: "Nope", ownerId })).rejects.toThrow(
      /not gzip'd/,
    );
    const lines = gunzipSync(await bundleOf(south))
      .toString()
      .split("\n");
    const header = JSON.parse(lines[0]);
    header.migrations.push("9999_from_the_future");
    const newer = gzipSync([JSON.stringify(header), ...lines.slice(1)].join("\n"));
    await expect(restoreShopBundle(t.db, storage, Readable.from(newer), { slug: "nope", name: "Nope", ownerId })).rejects.toThrow(/newer or different version/);
    expect(await findShopBySlug(t.db, "nope")).toBeNull();
  });

  it("gives up its snapshot when the reader stops half-way", async () => {
    // This file's own database only: other files' transactions on the same server are not this reader's.
    const idle = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`.execute(
            t.db,
          )
        ).rows[0].n,
      );
    const lines = shopBundleLines(t.db, storage, north);
    await lines.next();
    await lines.return(undefined);
    expect(await idle()).toBe(0);
  });
});

describe("downloading and restoring from the admin and the console", () => {
  beforeAll(async () => {
    app = await startTestApp(t.url);
  });

  const post = (path: string, cookie: string, body?: { body: Buffer; contentType: string }) =>
    rawRequest(app.port, PLATFORM, path, {
      method: "POST",
      body: body?.body ?? Buffer.alloc(0),
      headers: { cookie, origin: ORIGIN, "content-type": body?.contentType ?? "application/x-www-form-urlencoded" },
    });

  it("lets the owner, and nobody else in the shop, download the whole shop", async () => {
    const owner = await logIn(app, DEMO_MERCHANT, DEMO_PASSWORD);
    const res = await post(`/admin/${south.slug}/bundle`, owner);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/gzip");
    expect(res.headers["content-disposition"]).toMatch(new RegExp(`attachment; filename="${south.slug}-\\d{4}-\\d{2}-\\d{2}\\.bazaar\\.gz"`));
    const header = JSON.parse(gunzipSync(res.body).toString().split("\n")[0]);
    expect(header.shop).toEqual({ slug: south.slug, name: south.name });
    const audit = await tenantDb(t.db, south.schema_name)
      .selectFrom("audit_events")
      .select(["action", "actor_email"])
      .where("action", "=", "shop.exported")
      .execute();
    expect(audit).toEqual([{ action: "shop.exported", actor_email: DEMO_MERCHANT }]);

    const staff = await createUser(t.db, { email: "staff@example.com", password: "staff-pass-123" });
    await t.db.insertInto("platform.memberships").values({ user_id: staff.id, shop_id: south.id, role: "admin" }).execute();
    const refused = await post(`/admin/${south.slug}/bundle`, await logIn(app, "staff@example.com", "staff-pass-123"));
    expect(refused.status).toBe(403);
  });

  it("lets the operator download a shop and restore it into a new one, or says what is wrong with the file", async () => {
    const operator = await operatorSession(app, t.db);
    const download = await post(`/operator/shops/${north.id}/bundle`, operator);
    expect(download.status).toBe(200);

    const form = (fields: Record<string, string> | [string, string][], data: Buffer) =>
      multipartBody(fields, [{ field: "bundle", filename: "north.bazaar.gz", contentType: "application/gzip", data }]);
    const bad = await post("/operator/restore", operator, form({ slug: "north-three", name: "North", owner: DEMO_MERCHANT }, Buffer.from("not a bundle")));
    expect(bad.status).toBe(400);
    expect(bad.text()).toContain("is not a Bazaar shop bundle");
    const taken = await post("/operator/restore", operator, form({ slug: south.slug, name: "North", owner: "nobody@example.com" }, download.body));
    expect(taken.status).toBe(400);
    expect(taken.text()).toContain("Enter the email of an existing merchant account");

    // The fields are read with a schema (decision 030): a field sent twice or past its length is refused, not trimmed.
    const twice = await post(
      "/operator/restore",
      operator,
      form(
        [
          ["slug", "north-three"],
          ["slug", "north-four"],
          ["name", "N".repeat(101)],
          ["owner", DEMO_MERCHANT],
        ],
        download.body,
      ),
    );
    expect(twice.status).toBe(400);
    expect(twice.text()).toContain("Use 3 to 40 characters.");
    expect(twice.text()).toContain("Enter a name of up to 100 characters, or leave it blank.");
    expect(await findShopBySlug(t.db, "north-three")).toBeNull();
    const restored = await post("/operator/restore", operator, form({ slug: "north-three", name: "North Three", owner: DEMO_MERCHANT }, download.body));
    expect(restored.status).toBe(302);
    const copy = (await findShopBySlug(t.db, "north-three"))!;
    expect(restored.headers.location).toBe(`/operator/shops/${copy.id}`);
    expect(copy.name).toBe("North Three");
    const [original, again] = [await snapshot(north), await snapshot(copy)];
    expect(again.products).toEqual(original.products);
    expect(again.orders).toEqual(original.orders);
    // Its owner can take the data away even once the shop is closed.
    await changeShopStatus(t.db, copy.id, "close", {
      actor: { kind: "operator", email: "ops@example.com" },
      reason: "Restored by mistake",
      platformOrigin: ORIGIN,
      send: app.services.deliverMail,
    });
    app.services.registry.invalidate();
    const afterClosing = await post(`/admin/north-three/bundle`, await logIn(app, DEMO_MERCHANT, DEMO_PASSWORD));
    expect(afterClosing.status).toBe(200);
    expect(gunzipSync(afterClosing.body).toString()).toContain('"end":true');
    const log = await t.db.selectFrom("platform.operator_actions").select(["action", "shop_id"]).orderBy("id").execute();
    expect(log.filter((a) => a.action !== "operator.login")).toEqual([
      { action: "shop.export", shop_id: north.id },
      { action: "shop.restore", shop_id: copy.id },
    ]);
  });
});
