import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { makeImage } from "./support/images.ts";
import { operatorSession } from "./support/operator.ts";
import { productForm } from "./support/product-forms.ts";
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

describe("text the edge refuses", () => {
  const owner = () => ({ cookie: ownerCookie });
  // [host, address, signed in as the owner]
  const addresses: [string, string, boolean?][] = [
    [STORE, "/search?q=mug%00"],
    [STORE, "/search/suggest?q=%00"],
    [STORE, "/search?q=%01&type=product"],
    [STORE, "/collections/all?sort_by=%00"],
    [STORE, "/products/mug%00"],
    [STORE, "/search?q=%E0%A4"],
    [STORE, "/search?q=100%"],
    [STORE, "/products/%zz"],
    [PLATFORM, "/admin/north%00/products"],
    [PLATFORM, "/admin/%00"],
    [PLATFORM, "/admin/north/products?q=%00", true],
    [PLATFORM, "/admin/north/orders?q=a%00b", true],
    [PLATFORM, "/admin/north/customers?q=%00", true],
    [PLATFORM, "/login?redirectTo=%2F%00"],
  ];

  it("answers 400 to a NUL, another control character or an undecodable %-escape in an address or its query", async () => {
    for (const [host, path, signedIn] of addresses) {
      const res = await rawRequest(app.port, host, path, { headers: signedIn ? owner() : {} });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    }
  });

  it("answers 400 to a NUL in the fields of the login, signup, shopper registration and address forms, and saves nothing", async () => {
    const forms: [string, string, Record<string, string>][] = [
      [PLATFORM, "/login", { email: "owner@example.com\u0000", password: "correct horse" }],
      [PLATFORM, "/signup", { email: "new@example.com", password: "long enough pass", shopName: "New\u0000", slug: "newshop" }],
      [STORE, "/account/register", { name: "Ada\u0000", email: "ada@example.com", password: "long enough pass" }],
      [STORE, "/account/addresses", { name: "Ada", address1: "1 Main St\u0000", city: "Paris", country: "FR" }],
      [PLATFORM, "/admin/north/products?index", { intent: "delete", ids: "1\u0000" }],
    ];
    for (const [host, path, fields] of forms) {
      const body = Buffer.from(new URLSearchParams(fields).toString());
      const origin = `http://${host}`;
      const res = await rawRequest(app.port, host, path, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", origin, ...(host === PLATFORM ? { cookie: ownerCookie } : {}) },
      });
      expect({ path, status: res.status, text: res.text() }).toEqual({
        path,
        status: 400,
        text: "The form has control characters (such as NUL) that can't be saved.",
      });
    }
    // In a multipart form too, in a field and in a file name.
    const { body, contentType } = multipartBody({ name: "Ada\u0000" }, []);
    const multipart = await rawRequest(app.port, STORE, "/account/register", {
      method: "POST",
      body,
      headers: { "content-type": contentType, origin: STORE_ORIGIN },
    });
    expect(multipart.status).toBe(400);
    const file = multipartBody({}, [{ field: "file", filename: "a\u0000.csv", contentType: "text/csv", data: Buffer.from("Handle\n") }]);
    const upload = await rawRequest(app.port, PLATFORM, "/admin/north/transfers?index", {
      method: "POST",
      body: file.body,
      headers: { "content-type": file.contentType, origin: ORIGIN, cookie: ownerCookie },
    });
    expect(upload.status).toBe(400);
    expect(await t.db.selectFrom("platform.shops").select("slug").where("slug", "=", "newshop").execute()).toEqual([]);
    expect(await northDb.selectFrom("customers").selectAll().execute()).toEqual([]);
    expect(await northDb.selectFrom("catalogue_transfers").selectAll().execute()).toEqual([]);
  });

  it("keeps tabs and line breaks in form text, and clean addresses and queries, working", async () => {
    expect((await rawRequest(app.port, STORE, "/search?q=mug%20caf%C3%A9")).status).toBe(200);
    expect((await rawRequest(app.port, PLATFORM, "/admin/north/products?q=mug", { headers: owner() })).status).toBe(200);
    const body = Buffer.from(new URLSearchParams({ email: "owner@example.com", password: "correct horse", redirectTo: "/admin/north" }).toString());
    const login = await rawRequest(app.port, PLATFORM, "/login", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
    });
    expect(login.status).toBe(302);
  });
});

describe("inputs that used to answer 500", () => {
  const post = (path: string, fields: [string, string][] | Record<string, string>, headers: Record<string, string> = {}) =>
    rawRequest(app.port, PLATFORM, path, {
      method: "POST",
      body: Buffer.from(new URLSearchParams(fields).toString()),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie: ownerCookie, ...headers },
    });

  it("answers 404 to an over-long product or collection handle and to an operator shop id past bigint", async () => {
    for (const path of [`/products/${"a".repeat(5000)}`, `/collections/${"a".repeat(5000)}`, `/collections/all/products/${"a".repeat(5000)}`]) {
      expect((await rawRequest(app.port, STORE, path)).status, path).toBe(404);
    }
    const operator = await operatorSession(app, t.db);
    for (const id of ["99999999999999999999", "9223372036854775808", "-1", "1e3"]) {
      expect((await rawRequest(app.port, PLATFORM, `/operator/shops/${id}`, { headers: { cookie: operator } })).status, id).toBe(404);
    }
    expect((await rawRequest(app.port, PLATFORM, `/operator/shops/${north.id}`, { headers: { cookie: operator } })).status).toBe(200);
  });

  it("takes an absolute-URI request line as the address it names, and refuses one naming no host of ours", async () => {
    const same = await rawRequest(app.port, STORE, `http://${STORE}/products/mug`);
    expect(same.status).toBe(200);
    expect(same.text()).toContain("Mug");
    // The request line's host wins over the Host header, as HTTP says: this is a request to an unknown host.
    expect((await rawRequest(app.port, STORE, "http://evil.example/")).status).toBe(404);
    expect((await rawRequest(app.port, STORE, "*")).status).toBe(400);
  });

  it("takes a POST with an upper-case Host or a trailing dot, and one carrying X-Forwarded-Host, without a 500", async () => {
    const form = Buffer.from(`variantId=${variantId}&quantity=1`);
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    const upper = await rawRequest(app.port, "NORTH.Shops.Test", "/cart", { method: "POST", body: form, headers: { ...headers, origin: STORE_ORIGIN } });
    expect(upper.status).toBe(303);
    const dotted = await rawRequest(app.port, `${STORE}.`, "/cart", { method: "POST", body: form, headers: { ...headers, origin: STORE_ORIGIN } });
    expect(dotted.status).toBe(303);
    // Without TRUST_PROXY the header means nothing: the request is judged by its Host.
    const forwarded = await rawRequest(app.port, STORE, "/cart", {
      method: "POST",
      body: form,
      headers: { ...headers, origin: STORE_ORIGIN, "x-forwarded-host": "evil.example" },
    });
    expect(forwarded.status).toBe(303);
    // An Origin spelled differently from the site's is still another origin.
    const shouted = await rawRequest(app.port, STORE, "/cart", { method: "POST", body: form, headers: { ...headers, origin: "http://NORTH.shops.test" } });
    expect(shouted.status).toBe(403);
    await northDb.deleteFrom("carts").execute();
  });

  it("names an option name over 255 characters and over-long vendor, type, tags and descriptions in their fields, saving nothing", async () => {
    const before = await northDb.selectFrom("products").select("id").execute();
    const long = "x".repeat(256);
    const cases: [Parameters<typeof productForm>[0], string][] = [
      [
        {
          title: "Lamp",
          options: [[long, "a, b"]],
          variants: [
            { options: ["a"], price: "1" },
            { options: ["b"], price: "1" },
          ],
        },
        "options.0.name",
      ],
      [{ title: "Lamp", vendor: long, variants: [{ price: "1" }] }, "vendor"],
      [{ title: "Lamp", productType: long, variants: [{ price: "1" }] }, "productType"],
      [{ title: "Lamp", tags: `ok, ${long}`, variants: [{ price: "1" }] }, "tags"],
      [{ title: "Lamp", tags: Array.from({ length: 251 }, (_, i) => `t${i}`).join(","), variants: [{ price: "1" }] }, "tags"],
      [{ title: "Lamp", description: "<p>".repeat(40_000), variants: [{ price: "1" }] }, "descriptionHtml"],
    ];
    for (const [input, field] of cases) {
      const res = await post("/admin/north/products/new", productForm(input));
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.text()).toMatch(new RegExp(`id="${field.replace(/\./g, "\\.")}-error"[^>]*>Use at most`));
    }
    expect(await northDb.selectFrom("products").select("id").execute()).toEqual(before);
    const collection = await post("/admin/north/collections/new", { title: "Lamps", kind: "manual", descriptionHtml: "<p>".repeat(40_000) });
    expect(collection.status).toBe(400);
    expect(collection.text()).toMatch(/id="descriptionHtml-error"[^>]*>[^<]*at most/);
    expect(await northDb.selectFrom("collections").select("id").execute()).toEqual([]);
  });
});

describe("upload routes", () => {
  it("refuse a body that isn't multipart, or none, with 415 where only an upload is taken (Remix's parser threw a 500)", async () => {
    const operator = await operatorSession(app, t.db, "restore-ops@example.com");
    const headers = { cookie: operator, origin: ORIGIN };
    const form = await rawRequest(app.port, PLATFORM, "/operator/restore", {
      method: "POST",
      body: Buffer.from("slug=x&name=y"),
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(form.text()).toBe("Send this form as multipart/form-data.");
    expect((await rawRequest(app.port, PLATFORM, "/operator/restore", { method: "POST", headers })).status).toBe(415);
    const csv = await rawRequest(app.port, PLATFORM, "/admin/north/transfers", { method: "POST", headers: { cookie: ownerCookie, origin: ORIGIN } });
    expect(csv.status).toBe(415);
    // Settings take both: its logo as an upload, its other fields as a form.
    const settings = await rawRequest(app.port, PLATFORM, "/admin/north/settings?index", {
      method: "POST",
      body: Buffer.from("intent=unknown"),
      headers: { cookie: ownerCookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(settings.status).not.toBe(415);
    expect(settings.status).toBeLessThan(500);
  });
});
