import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { makeImage } from "./support/images.ts";
import { floodRequest, multipartBody, rawRequest } from "./support/raw-http.ts";
import { createProduct, launch, variant } from "./support/storefront.ts";

// The edge (docs/decisions/025-input-edge.md): what a request may carry, checked before any route runs.
let t: TestDatabase;
let app: TestApp;
let north: Shop;
let northDb: TenantDb;
let ownerCookie: string;
let variantId: string;

const STORE = "north.shops.test";
const STORE_ORIGIN = `http://${STORE}`;
const MB = 1024 * 1024;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  const mug = await createProduct(northDb, { title: "Mug", handle: "mug", variants: [variant([], 1250, { inventoryQuantity: 100 })] });
  variantId = (await northDb.selectFrom("variants").select("id").where("product_id", "=", mug.id).executeTakeFirstOrThrow()).id;
  await launch(northDb);
  app = await startTestApp(t.url);
  ownerCookie = await logIn(app, "owner@example.com", "correct horse");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const cartCount = async () =>
  Number(
    (
      await northDb
        .selectFrom("carts")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("body limits", () => {
  const cartForm = () => Buffer.from(`variantId=${variantId}&quantity=1&note=`);
  const form = { "content-type": "application/x-www-form-urlencoded", origin: STORE_ORIGIN };

  it("refuses a 100 MB form to /cart by its declared length, before reading it, and the cart action never runs", async () => {
    const res = await floodRequest(app.port, STORE, "/cart", { bytes: 100 * MB, head: cartForm(), headers: form });
    expect(res.status).toBe(413);
    expect(res.text).toContain("larger than 256 KB");
    expect(res.sent).toBeLessThan(100 * MB);
    expect(await cartCount()).toBe(0);
  });

  it("refuses a chunked 100 MB form while it arrives, long before its end", async () => {
    const res = await floodRequest(app.port, STORE, "/cart", { bytes: 100 * MB, head: cartForm(), headers: form, chunked: true });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(50 * MB);
    expect(await cartCount()).toBe(0);
  });

  it("takes the same form at a normal size (the refusals above are for the size alone)", async () => {
    const res = await floodRequest(app.port, STORE, "/cart", { bytes: cartForm().length + 1000, head: cartForm(), headers: form });
    expect(res.status).toBe(303);
    expect(await cartCount()).toBe(1);
    await northDb.deleteFrom("carts").execute();
  });

  it("refuses a multipart form of too many parts, and a body that isn't a form", async () => {
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, "x"]));
    const { body, contentType } = multipartBody({ variantId, quantity: "1", ...fields }, []);
    const many = await rawRequest(app.port, STORE, "/cart", { method: "POST", body, headers: { "content-type": contentType, origin: STORE_ORIGIN } });
    expect(many.status).toBe(413);
    expect(many.text()).toContain("more than 500 parts");
    const json = await rawRequest(app.port, STORE, "/cart", {
      method: "POST",
      body: Buffer.from(JSON.stringify({ variantId, quantity: 1 })),
      headers: { "content-type": "application/json", origin: STORE_ORIGIN },
    });
    expect(json.status).toBe(415);
    const cut = await rawRequest(app.port, STORE, "/cart", {
      method: "POST",
      body: Buffer.from(`--x\r\nContent-Disposition: form-data; name="variantId"\r\n\r\n${variantId}`),
      headers: { "content-type": "multipart/form-data; boundary=x", origin: STORE_ORIGIN },
    });
    expect(cut.status).toBe(400);
    expect(await cartCount()).toBe(0);
  });

  it("lets an upload route take a real file, and caps it at its own larger limit, streamed or declared", async () => {
    const { body, contentType } = multipartBody({}, [
      { field: "logo", filename: "logo.png", contentType: "image/png", data: await makeImage("png", 400, 200) },
    ]);
    const headers = { cookie: ownerCookie, origin: ORIGIN };
    const ok = await rawRequest(app.port, PLATFORM, "/admin/north/settings?index", {
      method: "POST",
      body,
      headers: { ...headers, "content-type": contentType },
    });
    expect(ok.status).toBe(200);
    expect(ok.text()).toContain("Logo saved.");
    const { logo_key } = await northDb.selectFrom("settings").select("logo_key").executeTakeFirstOrThrow();
    expect(logo_key).not.toBeNull();

    const upload = (body: Buffer, type: string, chunked: boolean) =>
      floodRequest(app.port, PLATFORM, "/admin/north/settings?index", {
        bytes: body.length,
        head: body,
        chunked,
        headers: { ...headers, "content-type": type },
      });
    // Two files of 15 MB each: the route's per-file limit (20 MB) lets each through, the edge stops the whole.
    const twice = multipartBody(
      {},
      ["a.png", "b.png"].map((filename) => ({ field: "logo", filename, contentType: "image/png", data: Buffer.alloc(15 * MB) })),
    );
    for (const chunked of [false, true]) {
      const res = await upload(twice.body, twice.contentType, chunked);
      expect(res.status).toBe(413);
      expect(res.text).toBe("The request is larger than 21 MB, the most this address takes.");
      expect(res.sent).toBeLessThan(twice.body.length);
    }
    // One file over the per-file limit: the route itself answers, with its message in the form.
    const huge = multipartBody({}, [{ field: "logo", filename: "huge.png", contentType: "image/png", data: Buffer.alloc(20 * MB + 1) }]);
    const res = await upload(huge.body, huge.contentType, true);
    expect(res.text).toContain("a logo can be at most 20 MB");
    expect((await northDb.selectFrom("settings").select("logo_key").executeTakeFirstOrThrow()).logo_key).toBe(logo_key);
  });
});
