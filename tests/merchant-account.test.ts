import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, verifyCredentials } from "../tenants/accounts.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminGet, adminPost, logIn, ORIGIN, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { readMailDir } from "./support/mail.ts";

// Two merchants, each with a shop: one changing their password or email touches nothing of the other's.
let t: TestDatabase;
let app: TestApp;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-account-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const ada = await createUser(t.db, { email: "ada@example.com", password: "ada-password-1" });
  const bob = await createUser(t.db, { email: "bob@example.com", password: "bob-password-1" });
  await provisionShop(t.db, { slug: "ada-shop", name: "Ada", ownerId: ada.id });
  await provisionShop(t.db, { slug: "bob-shop", name: "Bob", ownerId: bob.id });
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

/** Whether a session cookie still opens the admin (a dead one is sent to the login page). */
const signedIn = async (cookie: string) => (await adminGet(app, cookie, "/admin/ada-shop")).status === 200;

describe("a merchant's account page", () => {
  it("changes the password after the current one is given again, and signs out every other session", async () => {
    const here = await logIn(app, "ada@example.com", "ada-password-1");
    const elsewhere = await logIn(app, "ada@example.com", "ada-password-1");
    const bob = await logIn(app, "bob@example.com", "bob-password-1");
    const page = await adminGet(app, here, "/account");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Change your password");

    const wrong = await adminPost(app, here, "/account", { intent: "password", currentPassword: "guess-1234", password: "new-password-2" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("That isn&#x27;t your current password.");
    const short = await adminPost(app, here, "/account", { intent: "password", currentPassword: "ada-password-1", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body).toContain("Use at least 8 characters.");
    expect(await verifyCredentials(t.db, "ada@example.com", "ada-password-1")).not.toBeNull();
    expect(await signedIn(elsewhere)).toBe(true);

    const changed = await adminPost(app, here, "/account", { intent: "password", currentPassword: "ada-password-1", password: "new-password-2" });
    expect(changed.status).toBe(302);
    expect(changed.headers.location).toBe("/account?changed=password");
    expect((await adminGet(app, here, "/account?changed=password")).body).toContain("Password changed.");
    expect(await verifyCredentials(t.db, "ada@example.com", "ada-password-1")).toBeNull();
    expect(await verifyCredentials(t.db, "ada@example.com", "new-password-2")).not.toBeNull();
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    // The other merchant keeps their password and session.
    expect(await verifyCredentials(t.db, "bob@example.com", "bob-password-1")).not.toBeNull();
    expect((await adminGet(app, bob, "/admin/bob-shop")).status).toBe(200);
  });

  it("changes the email after the password is given again, tells the old address, and signs out every other session", async () => {
    const here = await logIn(app, "ada@example.com", "new-password-2");
    const elsewhere = await logIn(app, "ada@example.com", "new-password-2");
    for (const [fields, message] of [
      [{ email: "ada@new.example", currentPassword: "wrong-password" }, "That isn&#x27;t your current password."],
      [{ email: "bob@example.com", currentPassword: "new-password-2" }, "Another account uses this email."],
      [{ email: "not an email", currentPassword: "new-password-2" }, "Enter a valid email address."],
    ] as const) {
      const refused = await adminPost(app, here, "/account", { intent: "email", ...fields });
      expect(refused.status, fields.email).toBe(400);
      expect(refused.body).toContain(message);
    }
    expect(await signedIn(elsewhere)).toBe(true);
    expect(readMailDir(mailDir).filter((m) => m.to === "ada@example.com")).toEqual([]);

    const changed = await adminPost(app, here, "/account", { intent: "email", email: " Ada@New.example ", currentPassword: "new-password-2" });
    expect(changed.status).toBe(302);
    expect(await verifyCredentials(t.db, "ada@new.example", "new-password-2")).not.toBeNull();
    expect(await verifyCredentials(t.db, "ada@example.com", "new-password-2")).toBeNull();
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    const notice = readMailDir(mailDir).filter((m) => m.to === "ada@example.com");
    expect(notice.map((m) => m.subject)).toEqual(["Your Bazaar email was changed"]);
    expect(notice[0].text).toContain("from ada@example.com to ada@new.example");
    expect(await verifyCredentials(t.db, "bob@example.com", "bob-password-1")).not.toBeNull();
  });

  it("refuses a post from another origin, an unknown intent, and anyone signed out", async () => {
    const here = await logIn(app, "bob@example.com", "bob-password-1");
    const crossSite = await app.request(PLATFORM, "/account", {
      method: "POST",
      form: { intent: "password", currentPassword: "bob-password-1", password: "stolen-password-1" },
      headers: { cookie: here, origin: "http://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect((await adminPost(app, here, "/account", { intent: "delete" })).status).toBe(400);
    expect(await verifyCredentials(t.db, "bob@example.com", "bob-password-1")).not.toBeNull();
    const anonymous = await app.request(PLATFORM, "/account", { headers: { origin: ORIGIN } });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe("/login?redirectTo=%2Faccount");
  });
});
