import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { provisionShop, replenishSpareShops } from "../tenants/provision.server.ts";
import { currentTotpCode } from "../server/operator-auth.server.ts";
import { adminGet, adminPost, logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { addOperator, logInOperator, OPERATOR_PASSWORD } from "./support/operator.ts";

let t: TestDatabase;
let app: TestApp;
let operatorCookie: string;
let operatorSecret: string;
let ownerCookie: string;
let shopIds: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  operatorSecret = (await addOperator(t.db)).secret;
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass" });
  const alpha = await provisionShop(t.db, { slug: "alpha", name: "Alpha Apparel", ownerId: owner.id });
  const beta = await provisionShop(t.db, { slug: "beta", name: "Beta Books", ownerId: owner.id });
  shopIds = { alpha: alpha.id, beta: beta.id };
  app = await startTestApp(t.url, { SPARE_SHOPS: "2" });
  operatorCookie = await logInOperator(app, "ops@example.com", operatorSecret);
  ownerCookie = await logIn(app, "owner@example.com", "owner-pass");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const login = (form: Record<string, string>) => app.request(PLATFORM, "/operator/login", { method: "POST", form, headers: { origin: ORIGIN } });

describe("operator accounts", () => {
  it("need the password and a fresh code from the authenticator; a code works once", async () => {
    const other = await addOperator(t.db, "second@example.com");
    const wrongCode = await login({ email: "second@example.com", password: OPERATOR_PASSWORD, code: "000000" });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.body).toContain("That email, password and code don&#x27;t match.");
    const code = currentTotpCode(other.secret);
    const wrongPassword = await login({ email: "second@example.com", password: "not-it-at-all", code });
    expect(wrongPassword.status).toBe(400);
    const ok = await login({ email: "second@example.com", password: OPERATOR_PASSWORD, code });
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe("/operator");
    const cookie = String(ok.headers["set-cookie"]);
    expect(cookie).toMatch(/^bazaar_operator=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    // The same code again is refused, even with the right password.
    expect((await login({ email: "second@example.com", password: OPERATOR_PASSWORD, code })).status).toBe(400);
    // The session id is stored hashed.
    const sessions = await t.db.selectFrom("platform.operator_sessions").select("id_hash").execute();
    expect(sessions.some((s) => cookie.includes(s.id_hash))).toBe(false);
  });

  it("are throttled after five failures, even with the right code afterwards", async () => {
    const victim = await addOperator(t.db, "throttled@example.com");
    for (let i = 0; i < 5; i++) expect((await login({ email: "throttled@example.com", password: "guess-number-" + i, code: "123456" })).status).toBe(400);
    const blocked = await login({ email: "throttled@example.com", password: OPERATOR_PASSWORD, code: currentTotpCode(victim.secret) });
    expect(blocked.status).toBe(429);
  });

  it("are the only way in: a merchant's session or credentials never reach the console", async () => {
    for (const path of ["/operator", `/operator/shops/${shopIds.alpha}`, "/operator/plans", "/operator/log"]) {
      const res = await adminGet(app, ownerCookie, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toMatch(/^\/operator\/login\?redirectTo=/);
    }
    const post = await adminPost(app, ownerCookie, `/operator/shops/${shopIds.alpha}`, { intent: "suspend", reason: "Mine now", confirm: "alpha" });
    expect(post.status).toBe(302);
    expect((await t.db.selectFrom("platform.shops").select("status").where("id", "=", shopIds.alpha).executeTakeFirstOrThrow()).status).toBe("active");
    const merchantLogin = await login({ email: "owner@example.com", password: "owner-pass", code: "123456" });
    expect(merchantLogin.status).toBe(400);
    // And an operator's session opens no merchant admin.
    expect((await adminGet(app, operatorCookie, "/admin")).headers.location).toMatch(/^\/login/);
  });

  it("log out, which ends the session", async () => {
    const cookie = await logInOperator(app, "ops@example.com", operatorSecret, Date.now() + 30_000);
    const out = await app.request(PLATFORM, "/operator/logout", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(out.status).toBe(302);
    expect((await adminGet(app, cookie, "/operator")).status).toBe(302);
  });
});

describe("operator console", () => {
  it("lists and searches shops", async () => {
    const all = await app.request(PLATFORM, "/operator", { headers: { cookie: operatorCookie } });
    expect(all.status).toBe(200);
    expect(all.body).toContain("Alpha Apparel");
    expect(all.body).toContain("Beta Books");
    expect(all.body).toContain("Spare shops ready for signups: 0 of 2.");
    const found = await app.request(PLATFORM, "/operator?q=book", { headers: { cookie: operatorCookie } });
    expect(found.body).toContain("Beta Books");
    expect(found.body).not.toContain("Alpha Apparel");
  });

  it("shows how many spare shops are ready, and lists only real shops", async () => {
    await replenishSpareShops(t.db, 2);
    const page = await app.request(PLATFORM, "/operator", { headers: { cookie: operatorCookie } });
    expect(page.body).toContain("Spare shops ready for signups: 2 of 2.");
    expect(page.body.match(/href="\/operator\/shops\/\d+"/g)).toHaveLength(2);
  });

  it("suspends a shop, whose storefront then answers 'unavailable' while the other stays up, and reactivates it", async () => {
    const post = (intent: string, shopId: string, fields: Record<string, string> = {}) =>
      app.request(PLATFORM, `/operator/shops/${shopId}`, {
        method: "POST",
        form: { intent, reason: "Checked by the operator test", ...fields },
        headers: { cookie: operatorCookie, origin: ORIGIN },
      });
    expect((await app.request("alpha.shops.test", "/")).status).toBe(200);
    expect((await post("suspend", shopIds.alpha, { confirm: "alpha" })).status).toBe(200);
    expect((await app.request("alpha.shops.test", "/")).status).toBe(503);
    expect((await app.request("beta.shops.test", "/")).status).toBe(200);
    expect((await post("reactivate", shopIds.alpha)).status).toBe(200);
    expect((await app.request("alpha.shops.test", "/")).status).toBe(200);
    const log = await adminGet(app, operatorCookie, "/operator/log");
    expect(log.body).toContain("shop.suspend");
    expect(log.body).toContain("shop.reactivate");
    const entries = await t.db
      .selectFrom("platform.operator_actions")
      .select(["operator_email", "action", "shop_id", "detail"])
      .where("shop_id", "=", shopIds.alpha)
      .orderBy("id")
      .execute();
    expect(entries).toEqual([
      { operator_email: "ops@example.com", action: "shop.suspend", shop_id: shopIds.alpha, detail: "Checked by the operator test" },
      { operator_email: "ops@example.com", action: "shop.reactivate", shop_id: shopIds.alpha, detail: "Checked by the operator test" },
    ]);
  });

  it("refuses an unknown action without changing anything", async () => {
    const res = await app.request(PLATFORM, `/operator/shops/${shopIds.beta}`, {
      method: "POST",
      form: { intent: "delete", reason: "No" },
      headers: { cookie: operatorCookie, origin: ORIGIN },
    });
    expect(res.status).toBe(409);
    const beta = await t.db.selectFrom("platform.shops").select("status").where("id", "=", shopIds.beta).executeTakeFirstOrThrow();
    expect(beta.status).toBe("active");
  });
});
