import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as hashSessionIds } from "../db/migrations/0014_hashed_sessions.ts";
import { Auth } from "../server/auth.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { SPARE_SHOPS_QUEUE, type SpareShopsJob } from "../jobs/processors/spare-shops.server.ts";
import { openQueue } from "../jobs/queues.server.ts";
import { startWorkers } from "../jobs/worker.ts";
import { countSpareShops, replenishSpareShops } from "../tenants/provision.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, policyDirective, startTestApp, type TestApp } from "./support/http.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

function signup(form: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) {
  return app.request(PLATFORM, "/signup", { method: "POST", form, headers });
}

function login(email: string, password: string, headers: Record<string, string> = {}) {
  return app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN, ...headers } });
}

describe("merchant signup", () => {
  it("creates the merchant and the shop, signs them in and lands them in the new shop's admin", async () => {
    const res = await signup({ shopName: "Ada's Atelier", slug: "ada-atelier", email: "Ada@Example.com", password: "lovelace-1815" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/ada-atelier");

    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/^bazaar_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Domain=/i); // host-only
    expect(setCookie).not.toMatch(/Secure/i); // not in development

    const admin = await app.request(PLATFORM, "/admin/ada-atelier", { headers: { cookie: cookiePair(res.headers["set-cookie"], "bazaar_session") } });
    expect(admin.status).toBe(200);
    expect(admin.body).toContain("Ada&#x27;s Atelier");
    expect(admin.body).toContain("http://ada-atelier.shops.test");

    const storefront = await app.request("ada-atelier.shops.test", "/");
    expect(storefront.status).toBe(200);
    expect(storefront.body).toContain("Ada&#x27;s Atelier");
  });

  it("takes a ready spare shop and asks the worker to refill the pool", async () => {
    await replenishSpareShops(t.db, 1);
    const spare = await t.db.selectFrom("platform.spare_shops").select("schema_name").executeTakeFirstOrThrow();
    const queue = openQueue<SpareShopsJob>(app.services.jobs, SPARE_SHOPS_QUEUE);
    await queue.obliterate({ force: true }); // what earlier signups asked for
    try {
      const res = await signup({ shopName: "Spare Parts", slug: "spare-parts", email: "spare@example.com", password: "long-enough-1" });
      expect(res.headers.location).toBe("/admin/spare-parts");
      expect((await findShopBySlug(t.db, "spare-parts"))?.schema_name).toBe(spare.schema_name);
      expect(await countSpareShops(t.db)).toBe(0);
      expect((await app.request("spare-parts.shops.test", "/")).body).toContain("Spare Parts");

      // The request is sent without holding up the response: wait for it to land, then let a worker run it.
      await expect.poll(() => queue.getWaitingCount(), { timeout: 10_000 }).toBe(1);
      const stop = await startWorkers(app.services.jobs, t.db, { spareShops: 1 });
      try {
        await expect.poll(() => countSpareShops(t.db), { timeout: 15_000 }).toBe(1);
      } finally {
        await stop();
      }
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("shows what is wrong and creates nothing on bad input", async () => {
    const res = await signup({ shopName: "", slug: "www", email: "not-an-email", password: "short" });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Give your shop a name.");
    expect(res.body).toContain("That address is reserved.");
    expect(res.body).toContain("Enter a valid email address.");
    expect(res.body).toContain("Use at least 8 characters.");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await t.db.selectFrom("platform.users").select("id").where("email", "=", "not-an-email").execute()).toEqual([]);
  });

  it("refuses a taken slug or email without creating a user or a shop", async () => {
    const takenSlug = await signup({ shopName: "Copycat", slug: "ada-atelier", email: "copycat@example.com", password: "long-enough-1" });
    expect(takenSlug.status).toBe(400);
    expect(takenSlug.body).toContain("That address is already taken.");
    expect(await t.db.selectFrom("platform.users").select("id").where("email", "=", "copycat@example.com").execute()).toEqual([]);

    const takenEmail = await signup({ shopName: "Second", slug: "second-shop", email: "ada@example.com", password: "long-enough-1" });
    expect(takenEmail.status).toBe(400);
    expect(takenEmail.body).toContain("An account with this email already exists.");
    expect(await findShopBySlug(t.db, "second-shop")).toBeNull();
  });

  it("escapes what the merchant typed", async () => {
    const res = await signup({ shopName: "<script>alert(1)</script>", slug: "xss-shop", email: "xss@example.com", password: "long-enough-1" });
    expect(res.status).toBe(302);
    const home = await app.request("xss-shop.shops.test", "/");
    expect(home.body).not.toContain("<script>alert(1)</script>");
    expect(home.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("limits signup attempts per address, so one client can't drain the spare shops", async () => {
    const proxied = await startTestApp(t.url, { TRUST_PROXY: "1" });
    try {
      const attempt = (address: string) =>
        proxied.request(PLATFORM, "/signup", {
          method: "POST",
          form: { shopName: "", slug: "x", email: "not-an-email", password: "short" },
          headers: { origin: ORIGIN, "x-forwarded-for": address },
        });
      for (let i = 0; i < 10; i++) expect((await attempt("192.0.2.99")).status).toBe(400);
      const refused = await attempt("192.0.2.99");
      expect(refused.status).toBe(429);
      expect(refused.body).toContain("Too many attempts. Try again in");
      expect((await attempt("192.0.2.100")).status).toBe(400);
    } finally {
      await proxied.close();
    }
  });

  it("checks a slug live", async () => {
    const taken = JSON.parse((await app.request(PLATFORM, "/slug-availability?slug=ada-atelier")).body);
    expect(taken).toMatchObject({ available: false, message: "That address is already taken." });
    const free = JSON.parse((await app.request(PLATFORM, "/slug-availability?slug=brand-new")).body);
    expect(free).toMatchObject({ available: true });
    const reserved = JSON.parse((await app.request(PLATFORM, "/slug-availability?slug=admin")).body);
    expect(reserved).toMatchObject({ available: false, message: "That address is reserved. Please pick another." });
  });
});

describe("login and logout", () => {
  it("logs in with the right password, reaches the admin, and logs out", async () => {
    const res = await login("ADA@example.com", "lovelace-1815");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin");
    const cookie = cookiePair(res.headers["set-cookie"], "bazaar_session");

    const shops = await app.request(PLATFORM, "/admin", { headers: { cookie } });
    expect(shops.status).toBe(302);
    expect(shops.headers.location).toBe("/admin/ada-atelier");

    const out = await app.request(PLATFORM, "/logout", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(out.status).toBe(302);
    expect(String(out.headers["set-cookie"])).toMatch(/bazaar_session=;.*Max-Age=0/i);

    const after = await app.request(PLATFORM, "/admin/ada-atelier", { headers: { cookie } });
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe("/login?redirectTo=%2Fadmin%2Fada-atelier");
  });

  it("after login goes only to a path on this site, whatever redirectTo says", async () => {
    const hostile = ["/\t/evil.com", "/%09/evil.com", "//evil.com", "/\\evil.com", "/\r\nSet-Cookie: x=1", "https://evil.com/", "/\n/evil.com"];
    for (const redirectTo of hostile) {
      const res = await app.request(PLATFORM, "/login", {
        method: "POST",
        form: { email: "ada@example.com", password: "lovelace-1815", redirectTo },
        headers: { origin: ORIGIN },
      });
      expect(res.status, JSON.stringify(redirectTo)).toBe(302);
      expect(res.headers.location, JSON.stringify(redirectTo)).toBe(redirectTo === "/%09/evil.com" ? "/%09/evil.com" : "/admin");
    }
    const kept = await app.request(PLATFORM, "/login", {
      method: "POST",
      form: { email: "ada@example.com", password: "lovelace-1815", redirectTo: "/admin/ada-atelier/orders?page=2" },
      headers: { origin: ORIGIN },
    });
    expect(kept.headers.location).toBe("/admin/ada-atelier/orders?page=2");
  });

  it("refuses a wrong password with a clear message", async () => {
    const res = await login("ada@example.com", "wrong-password");
    expect(res.status).toBe(400);
    expect(res.body).toContain("That email and password don&#x27;t match.");
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("throttles an account from an address after repeated failures, even with the right password, and says how long", async () => {
    await signup({ shopName: "Target", slug: "target-shop", email: "target@example.com", password: "target-password" });
    for (let i = 0; i < 5; i++) expect((await login("target@example.com", `guess-${i}`)).status).toBe(400);
    const blocked = await login("target@example.com", "target-password");
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain("Too many attempts. Try again in 15 minutes.");
  });

  it("checks at most five of 200 parallel guesses, and the owner still logs in from elsewhere", async () => {
    await signup({ shopName: "Burst", slug: "burst-shop", email: "burst@example.com", password: "burst-password" });
    const proxied = await startTestApp(t.url, { TRUST_PROXY: "1" });
    try {
      const from = (address: string, password: string) =>
        proxied.request(PLATFORM, "/login", {
          method: "POST",
          form: { email: "burst@example.com", password },
          headers: { origin: ORIGIN, "x-forwarded-for": address },
        });
      const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => from("192.0.2.66", i === 150 ? "burst-password" : `guess-${i}`)));
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(195);
      expect(statuses.filter((s) => s === 400 || s === 302)).toHaveLength(5);
      expect((await from("198.51.100.20", "burst-password")).status).toBe(302);
    } finally {
      await proxied.close();
    }
  });

  it("throttles an address that tries many accounts", async () => {
    const headers = { "x-forwarded-for": "203.0.113.9" };
    const proxied = await startTestApp(t.url, { TRUST_PROXY: "1" });
    try {
      const attempt = (i: number) =>
        proxied.request(PLATFORM, "/login", {
          method: "POST",
          form: { email: `spray-${i}@example.com`, password: "x" },
          headers: { origin: ORIGIN, ...headers },
        });
      for (let i = 0; i < 30; i++) expect((await attempt(i)).status).toBe(400);
      expect((await attempt(99)).status).toBe(429);
      // Another address is not affected.
      const other = await proxied.request(PLATFORM, "/login", {
        method: "POST",
        form: { email: "ada@example.com", password: "lovelace-1815" },
        headers: { origin: ORIGIN, "x-forwarded-for": "198.51.100.7" },
      });
      expect(other.status).toBe(302);
    } finally {
      await proxied.close();
    }
  });

  it("marks the session cookie Secure in production", async () => {
    const prod = await startTestApp(t.url, { NODE_ENV: "production" });
    try {
      const res = await prod.request(PLATFORM, "/login", {
        method: "POST",
        form: { email: "ada@example.com", password: "lovelace-1815" },
        headers: { origin: ORIGIN },
      });
      expect(res.status).toBe(302);
      expect(String(res.headers["set-cookie"])).toMatch(/; Secure/i);
    } finally {
      await prod.close();
    }
  });
});

describe("origin check", () => {
  const form = { shopName: "Origin Test", slug: "origin-test", email: "origin@example.com", password: "long-enough-1" };

  it("refuses a mutation with no Origin, a foreign Origin, or a sibling shop's origin", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { origin: "http://evil.example" },
      { origin: "http://ada-atelier.shops.test" },
      { origin: "https://bazaar.test" },
    ];
    for (const headers of attempts) {
      const res = await signup(form, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await findShopBySlug(t.db, "origin-test")).toBeNull();
  });

  it("refuses a cross-origin post on a shop host too", async () => {
    const res = await app.request("ada-atelier.shops.test", "/", { method: "POST", headers: { origin: "http://xss-shop.shops.test" } });
    expect(res.status).toBe(403);
  });
});

describe("admin access", () => {
  it("gives a member of shop A a 404 for shop B, and an anonymous visitor a login redirect", async () => {
    const ada = cookiePair((await login("ada@example.com", "lovelace-1815")).headers["set-cookie"], "bazaar_session");
    expect((await app.request(PLATFORM, "/admin/ada-atelier", { headers: { cookie: ada } })).status).toBe(200);
    const other = await app.request(PLATFORM, "/admin/xss-shop", { headers: { cookie: ada } });
    expect(other.status).toBe(404);
    expect(other.body).not.toContain("xss-shop.shops.test");
    expect((await app.request(PLATFORM, "/admin/no-such-shop", { headers: { cookie: ada } })).status).toBe(404);
    // A merchant's session is no operator's: the console asks for an operator login.
    expect((await app.request(PLATFORM, "/operator", { headers: { cookie: ada } })).headers.location).toBe("/operator/login?redirectTo=%2Foperator");
  });

  it("serves no admin on a shop host, even with a merchant cookie", async () => {
    const res = await login("ada@example.com", "lovelace-1815");
    const cookie = cookiePair(res.headers["set-cookie"], "bazaar_session");
    const storefront = await app.request("ada-atelier.shops.test", "/admin/ada-atelier", { headers: { cookie } });
    // It only points to the admin on the platform host, where the session cookie lives.
    expect(storefront.status).toBe(302);
    expect(storefront.headers.location).toBe("http://bazaar.test/admin/ada-atelier");
    expect(storefront.headers["set-cookie"]).toBeUndefined();
  });
});

describe("merchant sessions at rest", () => {
  it("stores only a hash of the session id, and sessions from before hashing keep working after the migration", async () => {
    const res = await login("ada@example.com", "lovelace-1815");
    const cookie = cookiePair(res.headers["set-cookie"], "bazaar_session");
    const id = cookie.split("=")[1];
    const hashed = createHash("sha256").update(id).digest("hex");
    expect(await t.db.selectFrom("platform.sessions").select("id").where("id", "in", [id, hashed]).execute()).toEqual([{ id: hashed }]);
    expect((await app.request(PLATFORM, "/admin/ada-atelier", { headers: { cookie } })).status).toBe(200);

    // A database from before: its session ids are stored as they are in the cookie.
    const old = await createTestDatabase();
    try {
      const user = await createUser(old.db, { email: "legacy@example.com", password: "legacy-password" });
      await old.db
        .insertInto("platform.sessions")
        .values({ id: "legacysessionid0123456789", user_id: user.id, expires_at: new Date(Date.now() + 86_400_000) })
        .execute();
      await hashSessionIds(old.db as never);
      const auth = new Auth(old.db, { secureCookies: false });
      expect((await auth.readSession("bazaar_session=legacysessionid0123456789")).user?.email).toBe("legacy@example.com");
    } finally {
      await old.drop();
    }
  });
});

describe("security headers", () => {
  it("sends nosniff and a referrer policy everywhere, refuses framing of platform pages, and HSTS in production", async () => {
    for (const [host, path] of [
      [PLATFORM, "/login"],
      ["ada-atelier.shops.test", "/"],
    ]) {
      const res = await app.request(host, path);
      expect(res.headers["x-content-type-options"], host).toBe("nosniff");
      expect(res.headers["referrer-policy"], host).toBe("strict-origin-when-cross-origin");
      expect(res.headers["strict-transport-security"], host).toBeUndefined();
    }
    expect(policyDirective(await app.request(PLATFORM, "/login"), "frame-ancestors")).toBe("frame-ancestors 'none'");
    const production = await startTestApp(t.url, { NODE_ENV: "production", PREVIEW_SECRET: "a-production-preview-secret-for-tests" });
    try {
      expect((await production.request(PLATFORM, "/login")).headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    } finally {
      await production.close();
    }
  });
});

describe("favicon", () => {
  it("answers /favicon.ico on the platform and on every shop, instead of a logged 404", async () => {
    for (const host of [PLATFORM, "ada-atelier.shops.test"]) {
      const res = await app.request(host, "/favicon.ico");
      expect(res.status, host).toBe(200);
      expect(res.headers["content-type"], host).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    }
  });
});
