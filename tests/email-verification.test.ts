import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { verifyEmail } from "../tenants/email-verification.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { requestPasswordReset } from "../tenants/password-reset.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { adminGet, adminPost, logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { readMailDir } from "./support/mail.ts";

// Ada signs up (unverified); Bob was made by an operator (verified) and owns a shop of his own.
let t: TestDatabase;
let app: TestApp;
let mailDir: string;
let ada: string;
let bob: string;

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-verify-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const bobUser = await createUser(t.db, { email: "bob@example.com", password: "bobs-password-1" });
  await provisionShop(t.db, { slug: "bob-shop", name: "Bob", ownerId: bobUser.id });
  app = await startTestApp(t.url);
  const signup = await app.request(PLATFORM, "/signup", {
    method: "POST",
    form: { shopName: "Ada's Atelier", slug: "ada-atelier", email: "ada@example.com", password: "lovelace-1815" },
    headers: { origin: ORIGIN },
  });
  expect(signup.status).toBe(302);
  ada = cookiePair(signup.headers["set-cookie"], "bazaar_session");
  bob = await logIn(app, "bob@example.com", "bobs-password-1");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

/** The path of every verification link mailed to `to`, oldest first. */
const linksTo = (to: string) =>
  readMailDir(mailDir)
    .filter((m) => m.to === to && m.subject === "Verify your Bazaar email")
    .map((m) => /https?:\/\/\S+(\/verify-email\/[A-Za-z0-9_-]{43})/.exec(m.text)![1]);
const verifiedAt = async (email: string) =>
  (await t.db.selectFrom("platform.users").select("email_verified_at").where("email", "=", email).executeTakeFirstOrThrow()).email_verified_at;
const launchedAt = async (slug: string) => {
  const shop = (await findShopBySlug(t.db, slug))!;
  return (await tenantDb(t.db, shop.schema_name).selectFrom("settings").select("launched_at").executeTakeFirstOrThrow()).launched_at;
};
const launch = (cookie: string, slug: string) =>
  adminPost(app, cookie, `/admin/${slug}?index`, { intent: "launch", confirmed: "product,theme,payouts,policies" });

describe("email verification", () => {
  it("mails a link on signup; the shop can't launch until it is followed, once", async () => {
    const [link] = linksTo("ada@example.com");
    expect(await verifiedAt("ada@example.com")).toBeNull();

    const home = await adminGet(app, ada, "/admin/ada-atelier");
    expect(home.body).toContain("Verify ada@example.com before the shop launches");
    expect(home.body).toContain("Send the email again");
    const refused = await launch(ada, "ada-atelier");
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("Verify ada@example.com before the shop launches: follow the link we emailed to it.");
    expect(await launchedAt("ada-atelier")).toBeNull();

    // Asking again mails a new link, a few times an hour per shop.
    const resent = await adminPost(app, ada, "/admin/ada-atelier?index", { intent: "verify-email" });
    expect(resent.status).toBe(200);
    expect(resent.body).toContain("We emailed a new link to ada@example.com.");
    for (let i = 0; i < 4; i++) expect((await adminPost(app, ada, "/admin/ada-atelier?index", { intent: "verify-email" })).status).toBe(200);
    const throttled = await adminPost(app, ada, "/admin/ada-atelier?index", { intent: "verify-email" });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toContain("Too many attempts.");
    expect(linksTo("ada@example.com")).toHaveLength(6);

    // Opened in any browser, even one signed in as someone else: the link verifies its own account only.
    const opened = await adminGet(app, bob, link);
    expect(opened.status).toBe(200);
    expect(opened.body).toContain("ada@example.com is verified");
    expect(await verifiedAt("ada@example.com")).not.toBeNull();
    // Once: that link and the others sent before it are spent.
    for (const used of [link, linksTo("ada@example.com").at(-1)!]) {
      const again = await app.request(PLATFORM, used);
      expect(again.status).toBe(400);
      expect(again.body).toContain("This link has expired or was already used.");
    }

    expect((await adminGet(app, ada, "/admin/ada-atelier")).body).not.toContain("Send the email again");
    expect((await launch(ada, "ada-atelier")).status).toBe(302);
    expect(await launchedAt("ada-atelier")).not.toBeNull();
  });

  it("refuses a made-up, expired or password-reset link, and never verifies through another account's link", async () => {
    expect((await app.request(PLATFORM, `/verify-email/${"x".repeat(43)}`)).status).toBe(400);
    expect((await app.request(PLATFORM, "/verify-email/short")).status).toBe(400);
    await t.db.updateTable("platform.users").set({ email_verified_at: null }).where("email", "=", "bob@example.com").execute();
    const refused = await launch(bob, "bob-shop");
    expect(refused.status).toBe(409);

    await requestPasswordReset(t.db, app.services.deliverMail, "bob@example.com", ORIGIN);
    const reset = /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(readMailDir(mailDir).findLast((m) => m.to === "bob@example.com")!.text)![1];
    expect((await app.request(PLATFORM, `/verify-email/${reset}`)).status).toBe(400);

    await adminPost(app, bob, "/admin/bob-shop?index", { intent: "verify-email" });
    const token = linksTo("bob@example.com")[0].split("/").at(-1)!;
    expect(await verifyEmail(t.db, token, new Date(Date.now() + 25 * 3_600_000))).toBeNull();
    expect(await verifiedAt("bob@example.com")).toBeNull();
    // Ada may not ask for Bob's link, nor launch his shop.
    expect((await adminPost(app, ada, "/admin/bob-shop?index", { intent: "verify-email" })).status).toBe(404);
    expect(await verifyEmail(t.db, token)).toEqual({ email: "bob@example.com" });
  });

  it("signs a merchant up even when the mail can't go; the dashboard sends it again", async () => {
    process.env.SMTP_URL = "smtp://127.0.0.1:9";
    let signup;
    try {
      signup = await app.request(PLATFORM, "/signup", {
        method: "POST",
        form: { shopName: "Carol's", slug: "carols", email: "carol@example.com", password: "carols-password-1" },
        headers: { origin: ORIGIN },
      });
    } finally {
      delete process.env.SMTP_URL;
    }
    expect(signup.status).toBe(302);
    expect(linksTo("carol@example.com")).toEqual([]);
    const carol = cookiePair(signup.headers["set-cookie"], "bazaar_session");
    expect((await adminPost(app, carol, "/admin/carols?index", { intent: "verify-email" })).status).toBe(200);
    expect(linksTo("carol@example.com")).toHaveLength(1);
  });

  it("asks for the new address to be verified after an email change; links sent to the old one stop working", async () => {
    // A link sent to the old address, not yet followed when the email changes.
    await t.db.updateTable("platform.users").set({ email_verified_at: null }).where("email", "=", "bob@example.com").execute();
    expect((await adminPost(app, bob, "/admin/bob-shop?index", { intent: "verify-email" })).body).toContain("We emailed a new link to bob@example.com.");
    const old = linksTo("bob@example.com").at(-1)!;
    const changed = await adminPost(app, bob, "/account", { intent: "email", email: "bob@new.example", currentPassword: "bobs-password-1" });
    expect(changed.status).toBe(302);
    expect(await verifiedAt("bob@new.example")).toBeNull();
    expect((await adminGet(app, bob, "/account")).body).toContain("It isn&#x27;t verified yet");
    expect((await app.request(PLATFORM, old)).status).toBe(400);
    expect((await launch(bob, "bob-shop")).status).toBe(409);
    const [fresh] = linksTo("bob@new.example");
    expect((await app.request(PLATFORM, fresh)).body).toContain("bob@new.example is verified");
    expect((await launch(bob, "bob-shop")).status).toBe(302);
  });
});
