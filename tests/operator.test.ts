import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { provisionShop, replenishSpareShops } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
let t: TestDatabase;
let app: TestApp;
let operatorCookie: string;
let shopIds: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  await createUser(t.db, { email: "ops@example.com", password: "operator-pass", isOperator: true });
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass" });
  const alpha = await provisionShop(t.db, { slug: "alpha", name: "Alpha Apparel", ownerId: owner.id });
  const beta = await provisionShop(t.db, { slug: "beta", name: "Beta Books", ownerId: owner.id });
  shopIds = { alpha: alpha.id, beta: beta.id };
  app = await startTestApp(t.url, { SPARE_SHOPS: "2" });
  const res = await app.request(PLATFORM, "/login", {
    method: "POST",
    form: { email: "ops@example.com", password: "operator-pass" },
    headers: { origin: ORIGIN },
  });
  expect(res.headers.location).toBe("/operator");
  operatorCookie = cookiePair(res.headers["set-cookie"], "bazaar_session");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
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
