import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { cookieSecrets, createStorefrontAccess } from "../shop/storefront-access.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";

const OLD = "old-secret-2025-rotated-out-soon-0123456789";
const NEW = "new-secret-2026-signs-everything-now-98765";

let t: TestDatabase;
let shops: Shop[];
beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "keys@example.com", password: "correct horse battery" });
  shops = [
    await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id }),
    await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id }),
  ];
  // Two unlaunched shops with different storefront passwords.
  await tenantDb(t.db, shops[0].schema_name).updateTable("settings").set({ storefront_password: "north-door" }).execute();
  await tenantDb(t.db, shops[1].schema_name).updateTable("settings").set({ storefront_password: "south-door" }).execute();
});
afterAll(() => t?.drop());

async function withApp<T>(env: Record<string, string>, run: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(t.url, env);
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

const enter = (app: TestApp, slug: string, password: string) =>
  app.request(`${slug}.shops.test`, "/password", { method: "POST", form: { password }, headers: { origin: `http://${slug}.shops.test` } });
const home = (app: TestApp, slug: string, cookie: string) => app.request(`${slug}.shops.test`, "/", { headers: { cookie } });
const opens = (body: string) => !body.includes("Opening soon");

describe("PREVIEW_SECRET", () => {
  it("is a list, newest first, and nothing but `npm run dev` goes without one", () => {
    expect(cookieSecrets({ PREVIEW_SECRET: ` ${NEW} , ${OLD},` })).toEqual([NEW, OLD]);
    for (const env of [{}, { NODE_ENV: "production" }, { NODE_ENV: "test" }, { PREVIEW_SECRET: " , " }]) {
      expect(() => cookieSecrets(env), JSON.stringify(env)).toThrow(/PREVIEW_SECRET is not set/);
    }
    // Development gets a random secret per run, never a fixed one.
    const [a, b] = [cookieSecrets({ NODE_ENV: "development" }), cookieSecrets({ NODE_ENV: "development" })];
    expect(a).toHaveLength(1);
    expect(a[0]).not.toEqual(b[0]);
  });

  it("a web server without one refuses to start with a clear message, whether or not NODE_ENV is set", () => {
    for (const nodeEnv of [[], ["NODE_ENV=production"]]) {
      // env(1) unsets NODE_ENV (the test runner's "test"), then sets it again for the production case.
      const command = ["-u", "NODE_ENV", ...nodeEnv, "npx", "tsx", "server/index.ts"];
      const run = spawnSync("env", command, { env: { ...process.env, PREVIEW_SECRET: "", PORT: "0" }, encoding: "utf8", timeout: 60_000 });
      expect(run.status, nodeEnv.join() || "no NODE_ENV").toBe(1);
      expect(run.stderr).toContain("Bazaar can't start: PREVIEW_SECRET is not set.");
    }
  });

  it("rotates: cookies and preview tokens signed with the old secret still open the shop, new ones use the newest", async () => {
    const [north, south] = shops;
    const { oldCookie, oldToken } = await withApp({ PREVIEW_SECRET: OLD }, async (app) => {
      const entered = await enter(app, "north", "north-door");
      expect(entered.status).toBe(302);
      return {
        oldCookie: cookiePair(entered.headers["set-cookie"], "bazaar_storefront"),
        oldToken: await app.services.storefrontAccess.createPreviewToken(south.id),
      };
    });

    await withApp({ PREVIEW_SECRET: `${NEW},${OLD}` }, async (app) => {
      expect(opens((await home(app, "north", oldCookie)).body)).toBe(true);
      // A grant names its shop: north's cookie doesn't open south.
      expect(opens((await home(app, "south", oldCookie)).body)).toBe(false);
      const previewed = await app.request("south.shops.test", `/?preview_token=${encodeURIComponent(oldToken)}`);
      expect(previewed.status).toBe(302);
      const previewCookie = cookiePair(previewed.headers["set-cookie"], "bazaar_storefront");
      // What this server signs now verifies with the newest secret alone.
      const newest = createStorefrontAccess([NEW], { secure: false });
      expect(await newest.readAccessCookie(previewCookie, { id: south.id, password: "south-door" })).toEqual({ kind: "preview", themeId: null });
      expect(await newest.readAccessCookie(oldCookie, { id: north.id, password: "north-door" })).toBeNull();
    });

    await withApp({ PREVIEW_SECRET: NEW }, async (app) => {
      // Once the old secret is dropped, what it signed stops working.
      expect(opens((await home(app, "north", oldCookie)).body)).toBe(false);
      const previewed = await app.request("south.shops.test", `/?preview_token=${encodeURIComponent(oldToken)}`);
      expect(previewed.headers["set-cookie"]).toBeUndefined();
    });
  });

  it("the access cookie is host-only, HttpOnly and SameSite=Lax, and Secure in production", async () => {
    for (const [env, secure] of [
      [{}, false],
      [{ NODE_ENV: "production" }, true],
    ] as const) {
      const setCookie = await withApp(env, async (app) => String((await enter(app, "south", "south-door")).headers["set-cookie"]));
      const [, ...attributes] = setCookie.split("; ");
      expect(attributes.sort()).toEqual(["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Lax", ...(secure ? ["Secure"] : [])].sort());
    }
  });
});
