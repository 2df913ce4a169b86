import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { resetPassword } from "../tenants/password-reset.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { readMailDir } from "./support/mail.ts";

// Two merchants: resetting one's password touches nothing of the other's.
const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
let t: TestDatabase;
let app: TestApp;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-reset-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const ada = await createUser(t.db, { email: "ada@example.com", password: "old-password-1" });
  const bob = await createUser(t.db, { email: "bob@example.com", password: "bobs-password-1" });
  await provisionShop(t.db, { slug: "ada-shop", name: "Ada", ownerId: ada.id });
  await provisionShop(t.db, { slug: "bob-shop", name: "Bob", ownerId: bob.id });
  app = await startTestApp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const post = (pathname: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(PLATFORM, pathname, { method: "POST", form, headers: { origin: ORIGIN, ...headers } });
const login = (email: string, password: string) => post("/login", { email, password });

function resetLinkFor(to: string): string {
  const mail = readMailDir(mailDir)
    .filter((m) => m.to === to)
    .at(-1);
  const match = /https?:\/\/\S+(\/reset-password\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? "");
  if (!match) throw new Error(`no reset link to ${to}`);
  return match[1];
}

describe("password reset", () => {
  it("answers the same for any email, mails a link only to a merchant, and the link sets a new password once", async () => {
    const bobSession = cookiePair((await login("bob@example.com", "bobs-password-1")).headers["set-cookie"], "bazaar_session");
    const adaOld = cookiePair((await login("ada@example.com", "old-password-1")).headers["set-cookie"], "bazaar_session");
    const unknown = await post("/forgot-password", { email: "nobody@example.com" });
    const known = await post("/forgot-password", { email: "Ada@Example.com" });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    const sent = "If that email has a Bazaar account, a link to choose a new password is on its way.";
    expect(unknown.body).toContain(sent);
    expect(known.body).toContain(sent);
    expect(readMailDir(mailDir).map((m) => m.to)).toEqual(["ada@example.com"]);

    const link = resetLinkFor("ada@example.com");
    expect((await app.request(PLATFORM, link)).body).toContain("Choose a new password");
    const short = await post(link, { password: "short" });
    expect(short.status).toBe(400);
    expect(short.body).toContain("Use at least 8 characters.");
    const done = await post(link, { password: "new-password-2" });
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe("/admin");

    expect((await login("ada@example.com", "old-password-1")).status).toBe(400);
    expect((await login("ada@example.com", "new-password-2")).status).toBe(302);
    // Whoever held the old session is signed out; the other merchant is not.
    expect((await app.request(PLATFORM, "/admin/ada-shop", { headers: { cookie: adaOld } })).status).toBe(302);
    expect((await app.request(PLATFORM, "/admin/bob-shop", { headers: { cookie: bobSession } })).status).toBe(200);
    // The link works once.
    const again = await post(link, { password: "third-password-3" });
    expect(again.status).toBe(400);
    expect(again.body).toContain("This link has expired or was already used.");
  });

  it("refuses an expired link and a made-up one", async () => {
    await post("/forgot-password", { email: "bob@example.com" });
    const token = resetLinkFor("bob@example.com").split("/").at(-1)!;
    const later = new Date(Date.now() + 61 * 60_000);
    expect(await resetPassword(t.db, token, "bobs-new-password", later)).toEqual({ ok: false, field: "token", message: expect.stringContaining("expired") });
    expect((await app.request(PLATFORM, `/reset-password/${"x".repeat(43)}`)).body).toContain("This link has expired or was already used.");
    expect((await login("bob@example.com", "bobs-password-1")).status).toBe(302);
  });
});
