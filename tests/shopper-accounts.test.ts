import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readMailDir } from "./support/mail.ts";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { logInShopper, purgeExpiredShopperRecords, registerShopper } from "../shop/shopper-accounts.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { setCookieHeader, ShopperClient } from "./support/shopper.ts";
import { launch } from "./support/storefront.ts";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await southDb.updateTable("settings").set({ currency: "JPY" }).execute();
  await launch(northDb);
  await launch(southDb);
  // Behind a trusted proxy, so each registration below can come from an address of its own (registrations are limited per address).
  app = await startTestApp(t.url, { TRUST_PROXY: "1" });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const shopper = (slug: string) => new ShopperClient(app, `${slug}.shops.test`);
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

/** A browser signed in after registering through the form. */
let registrations = 0;
async function registered(slug: string, email: string, password = "a-long-password", firstName = "Ann") {
  const browser = shopper(slug);
  registrations++;
  const address = `10.9.${registrations >> 8}.${registrations & 255}`;
  const res = await browser.post("/account/register", { firstName, lastName: "Lee", email, password }, { "x-forwarded-for": address });
  expect(res.status).toBe(303);
  return browser;
}

async function customerId(db: TenantDb, email: string): Promise<string> {
  return (await db.selectFrom("customers").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

function order(customer: string | null, email: string, total: number, extra: Partial<Parameters<typeof recordOrder>[1]> = {}) {
  return {
    email,
    customerId: customer,
    currency: "EUR",
    lines: [{ title: "Mug", variantTitle: "Large", sku: "MUG-L", quantity: 2, unitPrice: total / 2 }],
    shippingAddress: { name: "Ann Lee", line1: "1 Quay Street", city: "Cork", postal_code: "T12", country: "IE" },
    ...extra,
  };
}

describe("registering", () => {
  it("creates an account and signs in with a host-only HttpOnly session cookie whose hash alone is stored", async () => {
    const browser = shopper("north");
    const res = await browser.post("/account/register", { firstName: "Ann", lastName: "Lee", email: " Ann@Example.com ", password: "a-long-password" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/account");
    const cookie = setCookieHeader(res, "bazaar_customer")!;
    expect(cookie).toMatch(/^bazaar_customer=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    expect(setCookieHeader(res, "bazaar_session")).toBeUndefined();
    const customer = await northDb.selectFrom("customers").selectAll().where("email", "=", "ann@example.com").executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ first_name: "Ann", last_name: "Lee", deleted_at: null });
    expect(customer.password_hash).toMatch(/^\$argon2id\$/);
    const sessions = await northDb.selectFrom("customer_sessions").selectAll().execute();
    expect(sessions).toEqual([expect.objectContaining({ id_hash: sha256(browser.cookie("bazaar_customer")!), customer_id: customer.id })]);

    const account = await browser.get("/account");
    expect(account.status).toBe(200);
    expect(account.headers["cache-control"]).toBe("private, no-store");
    expect(account.body).toContain("Logged in as Ann Lee (ann@example.com)");
    expect(account.body).toContain("You haven&#x27;t placed any orders yet");
    // Signed in, the login and register pages send you on.
    expect((await browser.get("/account/login")).headers.location).toBe("/account");
  });

  it("shows what is wrong next to each field and creates nothing", async () => {
    const browser = shopper("north");
    const res = await browser.post("/account/register", { firstName: "", lastName: "x".repeat(101), email: "not-an-email", password: "short" });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/id="email"[^>]*aria-invalid="true"[^>]*aria-describedby="email-error"/);
    expect(res.body).toContain('<p class="field-error" id="email-error">Enter a valid email address.</p>');
    expect(res.body).toContain('<p class="field-error" id="password-error">Use at least 8 characters.</p>');
    expect(res.body).toContain('<p class="field-error" id="firstName-error">Enter your first name.</p>');
    expect(res.body).toContain('<p class="field-error" id="lastName-error">Use at most 100 characters.</p>');
    expect(setCookieHeader(res, "bazaar_customer")).toBeUndefined();
    expect(await northDb.selectFrom("customers").select("id").where("email", "=", "not-an-email").execute()).toEqual([]);
  });

  it("refuses an email that already has an account at this shop", async () => {
    await registered("north", "taken@example.com");
    const res = await shopper("north").post("/account/register", {
      firstName: "Other",
      lastName: "",
      email: "TAKEN@example.com",
      password: "another-password",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("An account with this email already exists. Log in instead.");
    expect(await northDb.selectFrom("customers").select("id").where("email", "=", "taken@example.com").execute()).toHaveLength(1);
  });

  it("claims a guest checkout's customer row, without showing the orders placed before", async () => {
    const earlier = await recordOrder(northDb, order(null, "guest@example.com", 4000));
    const browser = await registered("north", "guest@example.com");
    const id = await customerId(northDb, "guest@example.com");
    expect(id).toBe(earlier.customerId);
    const later = await recordOrder(northDb, order(id, "guest@example.com", 6000));
    const page = await browser.get("/account");
    expect(page.body).toContain(`#${later.number}`);
    expect(page.body).not.toContain(`#${earlier.number}`);
    expect((await browser.get(`/account/orders/${earlier.number}`)).status).toBe(404);
  });
});

describe("accounts belong to one shop", () => {
  it("the same email at two shops is two accounts; one shop's password doesn't open the other", async () => {
    await registered("north", "twice@example.com", "north-password");
    await registered("south", "twice@example.com", "south-password");
    const northRow = await northDb.selectFrom("customers").select(["id", "password_hash"]).where("email", "=", "twice@example.com").executeTakeFirstOrThrow();
    const southRow = await southDb.selectFrom("customers").select(["id", "password_hash"]).where("email", "=", "twice@example.com").executeTakeFirstOrThrow();
    expect(northRow.password_hash).not.toBe(southRow.password_hash);

    const wrongShop = await shopper("south").post("/account/login", { email: "twice@example.com", password: "north-password" });
    expect(wrongShop.status).toBe(400);
    expect(wrongShop.body).toContain("That email and password don&#x27;t match an account at this shop.");
    expect(setCookieHeader(wrongShop, "bazaar_customer")).toBeUndefined();
    expect((await shopper("south").post("/account/login", { email: "twice@example.com", password: "south-password" })).status).toBe(303);
  });

  it("a session cookie of one shop signs no one in at another", async () => {
    const browser = await registered("north", "roamer@example.com");
    const res = await app.request("south.shops.test", "/account", { headers: { cookie: browser.cookieHeader() } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/account/login?redirectTo=%2Faccount");
    // The dead cookie is cleared on that host.
    expect(setCookieHeader(res, "bazaar_customer")).toMatch(/Max-Age=0/);
  });

  it("order numbers are per shop: each shop shows its own order behind the same number", async () => {
    const northBrowser = await registered("north", "numbers@example.com");
    const southBrowser = await registered("south", "numbers@example.com");
    const northOrder = await recordOrder(northDb, order(await customerId(northDb, "numbers@example.com"), "numbers@example.com", 2500));
    const southOrder = await recordOrder(
      southDb,
      order(await customerId(southDb, "numbers@example.com"), "numbers@example.com", 3000, {
        currency: "JPY",
        lines: [{ title: "South Kettle", quantity: 1, unitPrice: 3000 }],
      }),
    );
    const northPage = await northBrowser.get(`/account/orders/${northOrder.number}`);
    expect(northPage.body).toContain("Mug");
    expect(northPage.body).not.toContain("South Kettle");
    const southPage = await southBrowser.get(`/account/orders/${southOrder.number}`);
    expect(southPage.body).toContain("South Kettle");
    expect(southPage.body).toContain("¥3,000");
  });
});

describe("logging in and out", () => {
  it("logs in with the right password only, and out with a POST", async () => {
    await registered("north", "login@example.com", "open-sesame-1");
    const browser = shopper("north");
    const missing = await browser.post("/account/login", { email: "", password: "" });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<p class="field-error" id="email-error">Enter your email address.</p>');
    expect((await browser.post("/account/login", { email: "login@example.com", password: "open-sesame-2" })).status).toBe(400);
    expect((await browser.post("/account/login", { email: "nobody@example.com", password: "open-sesame-1" })).status).toBe(400);

    const ok = await browser.post("/account/login", { email: "login@example.com", password: "open-sesame-1", redirectTo: "https://evil.example/" });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe("/account");
    expect((await browser.get("/account")).status).toBe(200);

    // A GET can't log anyone out; a POST from another origin is refused.
    expect((await browser.get("/account/logout")).headers.location).toBe("/account");
    expect((await browser.post("/account/logout", {}, { origin: "http://south.shops.test" })).status).toBe(403);
    expect((await browser.get("/account")).status).toBe(200);

    const token = browser.cookie("bazaar_customer")!;
    const out = await browser.post("/account/logout", {});
    expect(out.status).toBe(303);
    expect(setCookieHeader(out, "bazaar_customer")).toMatch(/^bazaar_customer=; Path=\/; Max-Age=0/);
    expect(await northDb.selectFrom("customer_sessions").select("id_hash").where("id_hash", "=", sha256(token)).execute()).toEqual([]);
    const after = await app.request("north.shops.test", "/account", { headers: { cookie: `bazaar_customer=${token}` } });
    expect(after.status).toBe(302);
  });

  it("extends a session in its second half and refuses an expired one", async () => {
    const browser = await registered("north", "sliding@example.com");
    const idHash = sha256(browser.cookie("bazaar_customer")!);
    expect(setCookieHeader(await browser.get("/account"), "bazaar_customer")).toBeUndefined();

    await northDb
      .updateTable("customer_sessions")
      .set({ expires_at: new Date(Date.now() + 5 * 86_400_000) })
      .where("id_hash", "=", idHash)
      .execute();
    const renewed = await browser.get("/account");
    expect(renewed.status).toBe(200);
    expect(setCookieHeader(renewed, "bazaar_customer")).toMatch(/Max-Age=2592000/);
    const session = await northDb.selectFrom("customer_sessions").select("expires_at").where("id_hash", "=", idHash).executeTakeFirstOrThrow();
    expect(session.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await northDb
      .updateTable("customer_sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id_hash", "=", idHash)
      .execute();
    const expired = await browser.get("/account");
    expect(expired.status).toBe(302);
    expect(expired.headers.location).toBe("/account/login?redirectTo=%2Faccount");
  });

  it("throttles failed logins per account and address together, and per address, counting each guess before checking it", async () => {
    await registered("north", "throttled@example.com", "right-password");
    const limits = app.services.limits;
    const login = (db: TenantDb, shopId: string, email: string, password: string, address: string) =>
      logInShopper(db, limits, { shopId, email, password, address });
    // 200 guesses at once from one address: only the first five are checked at all.
    const burst = await Promise.all(Array.from({ length: 200 }, () => login(northDb, north.id, "throttled@example.com", "wrong", "198.51.100.1")));
    expect(burst.filter((r) => !r.ok && r.error === "invalid")).toHaveLength(5);
    expect(burst.filter((r) => !r.ok && r.error === "throttled")).toHaveLength(195);
    expect(await login(northDb, north.id, "throttled@example.com", "right-password", "198.51.100.1")).toMatchObject({ ok: false, error: "throttled" });
    // The attacker's address is throttled, not the owner: from their own address they log in.
    expect((await login(northDb, north.id, "throttled@example.com", "right-password", "198.51.100.2")).ok).toBe(true);
    // The other shop keeps its own count.
    await registered("south", "throttled@example.com", "right-password");
    expect((await login(southDb, south.id, "throttled@example.com", "right-password", "198.51.100.1")).ok).toBe(true);

    // Thirty failures from one address over many accounts throttle that address for every account.
    await registered("north", "bystander@example.com", "bystander-pass");
    for (let i = 0; i < 30; i++) await login(northDb, north.id, `guess${i}@example.com`, "x", "203.0.113.7");
    expect(await login(northDb, north.id, "bystander@example.com", "bystander-pass", "203.0.113.7")).toMatchObject({ ok: false, error: "throttled" });
    expect((await login(northDb, north.id, "bystander@example.com", "bystander-pass", "203.0.113.8")).ok).toBe(true);
  });

  it("tells a throttled shopper how long to wait", async () => {
    await registered("south", "waiting@example.com", "right-password");
    const browser = shopper("south");
    for (let i = 0; i < 5; i++) await browser.post("/account/login", { email: "waiting@example.com", password: "wrong" });
    const res = await browser.post("/account/login", { email: "waiting@example.com", password: "right-password" });
    expect(res.status).toBe(429);
    expect(res.body).toContain("Too many attempts. Try again in 15 minutes.");
  });
});

describe("housekeeping", () => {
  it("purges expired sessions and carts, and nothing else", async () => {
    const browser = await registered("south", "tidy@example.com");
    const me = await customerId(southDb, "tidy@example.com");
    await southDb
      .insertInto("customer_sessions")
      .values({ id_hash: "expired-session", customer_id: me, expires_at: new Date(Date.now() - 1000) })
      .execute();
    await southDb
      .insertInto("carts")
      .values([
        { token_hash: "expired-cart", expires_at: new Date(Date.now() - 1000) },
        { token_hash: "live-cart", expires_at: new Date(Date.now() + 86_400_000) },
      ])
      .execute();
    const northSessions = await northDb.selectFrom("customer_sessions").select("id_hash").execute();

    expect(await purgeExpiredShopperRecords(southDb)).toMatchObject({ sessions: 1, carts: 1 });
    expect(await southDb.selectFrom("carts").select("token_hash").where("token_hash", "in", ["expired-cart", "live-cart"]).execute()).toEqual([
      { token_hash: "live-cart" },
    ]);
    expect((await browser.get("/account")).status).toBe(200);
    expect(await northDb.selectFrom("customer_sessions").select("id_hash").execute()).toEqual(northSessions);
  });
});

describe("order history", () => {
  it("lists only this customer's orders with number, date, status and total in the order's currency", async () => {
    const browser = await registered("north", "history@example.com");
    await registered("north", "neighbour@example.com");
    const me = await customerId(northDb, "history@example.com");
    const neighbour = await customerId(northDb, "neighbour@example.com");
    const first = await recordOrder(northDb, order(me, "history@example.com", 2500, { placedAt: new Date("2030-03-05T10:00:00Z"), financialStatus: "paid" }));
    const second = await recordOrder(
      northDb,
      order(me, "history@example.com", 1999, {
        currency: "USD",
        lines: [{ title: "Lamp", quantity: 1, unitPrice: 1999 }],
        placedAt: new Date("2030-04-01T10:00:00Z"),
      }),
    );
    const theirs = await recordOrder(northDb, order(neighbour, "neighbour@example.com", 8800));

    const page = await browser.get("/account");
    expect(page.body).toContain(`#${first.number}`);
    expect(page.body).toContain(`#${second.number}`);
    expect(page.body).not.toContain(`#${theirs.number}`);
    expect(page.body).toContain("€25.00");
    expect(page.body).toContain("$19.99");
    expect(page.body).not.toContain("€88.00");
    expect(page.body).toContain('<time dateTime="2030-03-05T10:00:00.000Z">March 5, 2030</time>');
    expect(page.body).toContain("Paid · Not shipped yet");
    // Newest first.
    expect(page.body.indexOf(`#${second.number}`)).toBeLessThan(page.body.indexOf(`#${first.number}`));

    const detail = await browser.get(`/account/orders/${first.number}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain("MUG-L");
    expect(detail.body).toContain("€12.50");
    expect(detail.body).toContain("1 Quay Street");
    expect(detail.body).toContain("Ireland");
    for (const path of [`/account/orders/${theirs.number}`, "/account/orders/99999", "/account/orders/abc"]) {
      expect((await browser.get(path)).status, path).toBe(404);
    }
    expect((await shopper("north").get(`/account/orders/${first.number}`)).status).toBe(302);
  });
});

describe("addresses", () => {
  const valid = {
    intent: "create",
    name: "Ann Lee",
    line1: "1 Quay Street",
    line2: "",
    city: "Cork",
    region: "",
    postalCode: "T12 X1",
    country: "ie",
    phone: "+353 1 234",
  };

  it("adds, validates, edits, moves the default and deletes, only for their owner", async () => {
    const browser = await registered("north", "addresses@example.com");
    const me = await customerId(northDb, "addresses@example.com");

    const bad = await browser.post("/account/addresses", { ...valid, line1: "", city: "", country: "XX", phone: "call me" });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<p class="field-error" id="line1-error">Enter the street address.</p>');
    expect(bad.body).toContain('<p class="field-error" id="city-error">Enter the city.</p>');
    expect(bad.body).toContain('<p class="field-error" id="country-error">Choose a country from the list.</p>');
    expect(bad.body).toMatch(/<select id="country"[^>]*aria-invalid="true"[^>]*aria-describedby="country-error"/);
    expect(bad.body).toContain('<p class="field-error" id="phone-error">');
    expect((await browser.post("/account/addresses", { ...valid, country: "France" })).status).toBe(400);
    expect(await northDb.selectFrom("customer_addresses").select("id").where("customer_id", "=", me).execute()).toEqual([]);

    expect((await browser.post("/account/addresses", valid)).headers.location).toBe("/account/addresses?done=created");
    await browser.post("/account/addresses", { ...valid, name: "Work", line1: "2 Dock Road", country: "GB" });
    let rows = await northDb.selectFrom("customer_addresses").selectAll().where("customer_id", "=", me).orderBy("id").execute();
    expect(rows.map((r) => [r.name, r.country, r.is_default])).toEqual([
      ["Ann Lee", "IE", true],
      ["Work", "GB", false],
    ]);
    const list = await browser.get("/account/addresses?done=created");
    expect(list.body).toContain("Address added.");
    expect(list.body).toContain("United Kingdom");

    await browser.post("/account/addresses", { ...valid, name: "Holiday", line1: "3 Beach Lane", country: "PT", makeDefault: "1" });
    rows = await northDb.selectFrom("customer_addresses").selectAll().where("customer_id", "=", me).orderBy("id").execute();
    expect(rows.filter((r) => r.is_default).map((r) => r.name)).toEqual(["Holiday"]);
    expect((await browser.post("/account/addresses", { intent: "default", addressId: rows[1].id })).status).toBe(303);
    rows = await northDb.selectFrom("customer_addresses").selectAll().where("customer_id", "=", me).orderBy("id").execute();
    expect(rows.filter((r) => r.is_default).map((r) => r.name)).toEqual(["Work"]);

    const editPage = await browser.get(`/account/addresses/${rows[0].id}`);
    expect(editPage.status).toBe(200);
    expect(editPage.body).toContain('value="1 Quay Street"');
    const badEdit = await browser.post(`/account/addresses/${rows[0].id}`, { ...valid, intent: "update", city: "" });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body).toContain("Enter the city.");
    expect((await browser.post(`/account/addresses/${rows[0].id}`, { ...valid, intent: "update", city: "Kinsale" })).status).toBe(303);
    expect((await northDb.selectFrom("customer_addresses").select("city").where("id", "=", rows[0].id).executeTakeFirstOrThrow()).city).toBe("Kinsale");

    // Deleting the default hands the role to the oldest remaining address.
    expect((await browser.post("/account/addresses", { intent: "delete", addressId: rows[1].id })).status).toBe(303);
    rows = await northDb.selectFrom("customer_addresses").selectAll().where("customer_id", "=", me).orderBy("id").execute();
    expect(rows.map((r) => [r.name, r.is_default])).toEqual([
      ["Ann Lee", true],
      ["Holiday", false],
    ]);

    // Someone else's address: 404 everywhere, nothing changes.
    const other = await registered("north", "other-addresses@example.com");
    for (const res of [
      await other.get(`/account/addresses/${rows[0].id}`),
      await other.post(`/account/addresses/${rows[0].id}`, { ...valid, intent: "update", city: "Stolen" }),
      await other.post("/account/addresses", { intent: "delete", addressId: rows[0].id }),
      await other.post("/account/addresses", { intent: "default", addressId: rows[0].id }),
    ]) {
      expect(res.status).toBe(404);
    }
    // The same id at the other shop, with a customer there: 404 too.
    const southBrowser = await registered("south", "addresses@example.com");
    expect((await southBrowser.get(`/account/addresses/${rows[0].id}`)).status).toBe(404);
    expect(await northDb.selectFrom("customer_addresses").select("city").where("id", "=", rows[0].id).executeTakeFirstOrThrow()).toEqual({ city: "Kinsale" });
  });
});

describe("your data", () => {
  it("downloads profile, addresses and orders with lines as JSON", async () => {
    const browser = await registered("north", "export@example.com", "a-long-password", "Exa");
    const me = await customerId(northDb, "export@example.com");
    await browser.post("/account/addresses", { intent: "create", name: "Exa Lee", line1: "9 Hill", city: "Oslo", country: "NO" });
    const placed = await recordOrder(northDb, order(me, "export@example.com", 3000));
    await registered("north", "stranger@example.com");
    await recordOrder(northDb, order(await customerId(northDb, "stranger@example.com"), "stranger@example.com", 7000));

    const res = await browser.get("/account/data");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="north-account-data.json"');
    expect(res.headers["cache-control"]).toBe("private, no-store");
    const body = JSON.parse(res.body);
    expect(body.profile).toMatchObject({ email: "export@example.com", firstName: "Exa", lastName: "Lee" });
    expect(body.addresses).toEqual([expect.objectContaining({ name: "Exa Lee", line1: "9 Hill", city: "Oslo", country: "NO", isDefault: true })]);
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0]).toMatchObject({
      number: placed.number,
      currency: "EUR",
      total: { amount: "30.00", minorUnits: "3000" },
      lines: [
        {
          title: "Mug",
          variantTitle: "Large",
          sku: "MUG-L",
          quantity: 2,
          unitPrice: { amount: "15.00", minorUnits: "1500" },
          total: { amount: "30.00", minorUnits: "3000" },
        },
      ],
    });
    expect(res.body).not.toContain("stranger");
    expect(res.body).not.toContain("password");

    expect((await shopper("north").get("/account/data")).status).toBe(302);
  });

  it("deleting the account keeps the orders for the books, without the person", async () => {
    await recordOrder(northDb, order(null, "leaving@example.com", 1000, { placedAt: new Date(Date.now() - 60_000) }));
    const browser = await registered("north", "leaving@example.com", "leaving-password");
    const me = await customerId(northDb, "leaving@example.com");
    await browser.post("/account/addresses", { intent: "create", name: "Leo Ving", line1: "5 Exit Way", city: "Paris", country: "FR" });
    const placed = await recordOrder(northDb, order(me, "leaving@example.com", 4200));
    const guestOrder = await northDb
      .selectFrom("orders")
      .select(["id", "email"])
      .where("customer_id", "=", me)
      .where("id", "!=", placed.id)
      .executeTakeFirstOrThrow();

    const noConfirm = await browser.post("/account/privacy", { password: "leaving-password" });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body).toContain('id="confirm-error"');
    const wrong = await browser.post("/account/privacy", { password: "not-it", confirm: "delete" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('<p class="field-error" id="password-error">That password isn&#x27;t right.</p>');
    expect(await northDb.selectFrom("customers").select("email").where("id", "=", me).executeTakeFirstOrThrow()).toEqual({ email: "leaving@example.com" });

    const done = await browser.post("/account/privacy", { password: "leaving-password", confirm: "delete" });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe("/account/login?deleted=1");
    expect(setCookieHeader(done, "bazaar_customer")).toMatch(/Max-Age=0/);

    const customer = await northDb.selectFrom("customers").selectAll().where("id", "=", me).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ email: null, first_name: "", last_name: "", phone: "", password_hash: null, registered_at: null });
    expect(customer.deleted_at).toBeInstanceOf(Date);
    expect(await northDb.selectFrom("customer_addresses").select("id").where("customer_id", "=", me).execute()).toEqual([]);
    expect(await northDb.selectFrom("customer_sessions").select("id_hash").where("customer_id", "=", me).execute()).toEqual([]);
    expect(await northDb.selectFrom("carts").select("id").where("customer_id", "=", me).execute()).toEqual([]);

    const kept = await northDb.selectFrom("orders").selectAll().where("id", "=", placed.id).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ customer_id: me, email: "", total: "4200", subtotal: "4200", shipping_address: { country: "IE" } });
    expect(await northDb.selectFrom("order_lines").select(["title", "quantity", "unit_price"]).where("order_id", "=", placed.id).execute()).toEqual([
      { title: "Mug", quantity: 2, unit_price: "2100" },
    ]);
    expect(
      await northDb.selectFrom("order_events").select("kind").where("order_id", "=", placed.id).where("kind", "=", "customer_deleted").execute(),
    ).toHaveLength(1);
    // The guest order placed with the address before it had an account is left as it was, detached.
    expect(await northDb.selectFrom("orders").select(["customer_id", "email"]).where("id", "=", guestOrder.id).executeTakeFirstOrThrow()).toEqual({
      customer_id: null,
      email: "leaving@example.com",
    });

    expect((await browser.get("/account")).status).toBe(302);
    expect((await shopper("north").post("/account/login", { email: "leaving@example.com", password: "leaving-password" })).status).toBe(400);
    // The address is free again: registering makes a fresh account.
    const again = await registerShopper(northDb, { email: "leaving@example.com", password: "back-again-pass", firstName: "Leo", lastName: "" });
    expect(again.ok && again.customerId !== me).toBe(true);
  });
});

describe("password reset", () => {
  it("mails a link for this shop's account only, sets the new password once, and ends the old sessions", async () => {
    process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "bazaar-shopper-reset-"));
    const oldBrowser = await registered("north", "forgetful@example.com", "first-password");
    await registered("south", "forgetful@example.com", "south-password");
    const asked = await shopper("north").post("/account/forgot-password", { email: "forgetful@example.com" });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("If that email has an account here, a link to choose a new password is on its way.");
    const unknown = await shopper("north").post("/account/forgot-password", { email: "nobody-here@example.com" });
    expect(unknown.body).toContain("If that email has an account here, a link to choose a new password is on its way.");
    const mails = readMailDir(process.env.MAIL_DIR).filter((m) => m.subject.startsWith("Reset your password"));
    expect(mails.map((m) => [m.to, m.subject])).toEqual([["forgetful@example.com", "Reset your password at North"]]);
    const link = /http:\/\/north\.shops\.test(\/account\/reset-password\/[A-Za-z0-9_-]+)/.exec(mails[0].text)![1];

    // The link means nothing at the other shop.
    expect((await shopper("south").get(link)).body).toContain("This link has expired or was already used.");
    const browser = shopper("north");
    expect((await browser.post(link, { password: "short" })).status).toBe(400);
    const done = await browser.post(link, { password: "second-password" });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe("/account");
    expect((await browser.get("/account")).status).toBe(200);
    expect((await oldBrowser.get("/account")).status).toBe(302);
    expect((await shopper("north").post("/account/login", { email: "forgetful@example.com", password: "first-password" })).status).toBe(400);
    expect((await shopper("south").post("/account/login", { email: "forgetful@example.com", password: "south-password" })).status).toBe(303);
    expect((await browser.post(link, { password: "third-password" })).body).toContain("This link has expired or was already used.");
  });
});
