import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop, User } from "../db/types.ts";
import { MailUnavailableError } from "../shop/mail.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { changeShopPlan } from "../tenants/plans.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { acceptInvitation, changeMemberRole, findInvitation, inviteStaff, resendInvitation, StaffError } from "../tenants/staff.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { invitationLinkFor, readMailDir } from "./support/mail.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
const PASSWORD = "a-long-password";

let t: TestDatabase;
let app: TestApp;
let mailDir: string;
let north: Shop;
let south: Shop;
let northOwner: User;
let ownerCookie: string;

async function login(email: string, password = PASSWORD): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
  expect(res.status, `login ${email}`).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

function get(pathname: string, cookie?: string) {
  return app.request(PLATFORM, pathname, { headers: cookie ? { cookie } : {} });
}

function post(pathname: string, form: Record<string, string>, cookie?: string) {
  return app.request(PLATFORM, pathname, { method: "POST", form, headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}) } });
}

async function membership(shop: Shop, email: string) {
  return t.db
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select("m.role")
    .where("m.shop_id", "=", shop.id)
    .where("u.email", "=", email)
    .executeTakeFirst();
}

async function auditActions(shop: Shop) {
  return tenantDb(t.db, shop.schema_name).selectFrom("audit_events").selectAll().orderBy("id").execute();
}

/** Adds a member directly, as an accepted invitation would. */
async function addMember(shop: Shop, email: string, role: "owner" | "admin" | "staff"): Promise<User> {
  const user = await createUser(t.db, { email, password: PASSWORD });
  await t.db.insertInto("platform.memberships").values({ user_id: user.id, shop_id: shop.id, role }).execute();
  return user;
}

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-mail-"));
  // Read when each message is sent; no SMTP is configured, so messages land here as .eml files.
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  northOwner = await createUser(t.db, { email: "owner@north.example", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North Outfitters", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South Supplies", ownerId: southOwner.id });
  // More staff than the Starter plan allows (plan limits are tests/plans.test.ts's).
  await changeShopPlan(t.db, north.id, "pro", { kind: "operator" });
  app = await startTestApp(t.url);
  ownerCookie = await login("owner@north.example");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
  rmSync(mailDir, { recursive: true, force: true });
});

describe("staff invitations over HTTP", () => {
  it("emails a single-use link; the invitee signs up through it and lands in the admin without staff-only sections", async () => {
    const invited = await post("/admin/north/staff", { intent: "invite", email: "Casey@Staff.example", role: "staff" }, ownerCookie);
    expect(invited.status).toBe(200);
    // No SMTP server in the tests: the mailer wrote the message to MAIL_DIR, and the page says no email went out.
    expect(invited.body).toContain("Invitation saved, but no email went out: this Bazaar has no mail server set up.");

    const mails = readMailDir(mailDir).filter((m) => m.to === "casey@staff.example");
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe("You're invited to help run North Outfitters on Bazaar");
    const { url, token } = invitationLinkFor(mailDir, "casey@staff.example");
    expect(url.origin).toBe(ORIGIN);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);

    // Only the hash is stored, and the link expires after the default 72 hours.
    const row = await t.db.selectFrom("platform.invitations").selectAll().where("email", "=", "casey@staff.example").executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBeGreaterThan(71.9 * 3_600_000);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBeLessThan(72.1 * 3_600_000);

    const pending = await get("/admin/north/staff", ownerCookie);
    expect(pending.body).toContain("casey@staff.example");
    expect(pending.body).toContain("Pending invitations");

    const landing = await get(url.pathname);
    expect(landing.status).toBe(200);
    expect(landing.headers["cache-control"]).toBe("no-store");
    expect(landing.body).toContain("Join North Outfitters");
    expect(landing.body).toContain("Create account and join");

    const short = await post(url.pathname, { intent: "signup", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body).toContain("Use at least 8 characters.");
    expect(await membership(north, "casey@staff.example")).toBeUndefined();

    const joined = await post(url.pathname, { intent: "signup", password: PASSWORD });
    expect(joined.status).toBe(302);
    expect(joined.headers.location).toBe("/admin/north");
    const caseyCookie = cookiePair(joined.headers["set-cookie"], "bazaar_session");
    expect(await membership(north, "casey@staff.example")).toEqual({ role: "staff" });

    const admin = await get("/admin/north", caseyCookie);
    expect(admin.status).toBe(200);
    const nav = /<nav class="admin-nav"[^>]*>(.*?)<\/nav>/s.exec(admin.body)?.[1] ?? "";
    expect(nav).toContain('href="/admin/north/products"');
    expect(nav).not.toContain('href="/admin/north/settings"');
    expect(nav).not.toContain('href="/admin/north/staff"');
    expect(nav).not.toContain('href="/admin/north/audit"');
    for (const section of ["settings", "settings/shipping", "staff", "audit"]) {
      expect((await get(`/admin/north/${section}`, caseyCookie)).status, section).toBe(403);
    }
    expect((await post("/admin/north/staff", { intent: "invite", email: "x@example.com", role: "staff" }, caseyCookie)).status).toBe(403);

    // Used once: the same link is refused, signed in or not.
    const reused = await get(url.pathname);
    expect(reused.status).toBe(410);
    expect(reused.body).toContain("already been used");
    expect((await post(url.pathname, { intent: "signup", password: PASSWORD })).status).toBe(410);
    expect((await post(url.pathname, { intent: "accept" }, caseyCookie)).status).toBe(410);

    const audit = await auditActions(north);
    const accepted = audit.find((e) => e.action === "invitation.accepted");
    expect(accepted).toMatchObject({ actor_email: "casey@staff.example", subject_type: "member", summary: "casey@staff.example joined as staff" });
    expect(accepted!.ip).toMatch(/127\.0\.0\.1/);
    expect(audit.find((e) => e.action === "invitation.created")).toMatchObject({
      actor_email: "owner@north.example",
      summary: "Invited casey@staff.example as staff",
    });
    // The other shop's log knows nothing of it.
    expect(await auditActions(south)).toEqual([]);
  });

  it("lets an existing account log in through the link, and a signed-in invitee accept with one click", async () => {
    await createUser(t.db, { email: "dana@admin.example", password: PASSWORD });
    await post("/admin/north/staff", { intent: "invite", email: "dana@admin.example", role: "admin" }, ownerCookie);
    const { url } = invitationLinkFor(mailDir, "dana@admin.example");

    const landing = await get(url.pathname);
    expect(landing.body).toContain("Log in and join");
    const wrong = await post(url.pathname, { intent: "login", password: "not-the-password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("That password doesn&#x27;t match this account.");
    expect(await membership(north, "dana@admin.example")).toBeUndefined();
    const joined = await post(url.pathname, { intent: "login", password: PASSWORD });
    expect(joined.status).toBe(302);
    expect(joined.headers.location).toBe("/admin/north");
    expect(await membership(north, "dana@admin.example")).toEqual({ role: "admin" });

    // Already signed in with the invited email: a confirmation button, then the admin.
    await createUser(t.db, { email: "eli@staff.example", password: PASSWORD });
    await post("/admin/north/staff", { intent: "invite", email: "eli@staff.example", role: "staff" }, ownerCookie);
    const eli = invitationLinkFor(mailDir, "eli@staff.example");
    const eliCookie = await login("eli@staff.example");
    const page = await get(eli.url.pathname, eliCookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Join North Outfitters</button>");
    const accepted = await post(eli.url.pathname, { intent: "accept" }, eliCookie);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.location).toBe("/admin/north");
    expect(await membership(north, "eli@staff.example")).toEqual({ role: "staff" });
  });

  it("tells someone signed in with another email, and leaves the invitation unused", async () => {
    await post("/admin/north/staff", { intent: "invite", email: "fay@staff.example", role: "staff" }, ownerCookie);
    const { url } = invitationLinkFor(mailDir, "fay@staff.example");
    const page = await get(url.pathname, ownerCookie);
    expect(page.status).toBe(403);
    expect(page.body).toContain("You&#x27;re logged in as owner@north.example, but this invitation is for fay@staff.example.");
    const attempt = await post(url.pathname, { intent: "accept" }, ownerCookie);
    expect(attempt.status).toBe(403);
    expect(attempt.body).toContain("This invitation is for fay@staff.example");
    const row = await t.db.selectFrom("platform.invitations").select("accepted_at").where("email", "=", "fay@staff.example").executeTakeFirstOrThrow();
    expect(row.accepted_at).toBeNull();
  });

  it("refuses expired, unknown, revoked and replaced links with a clear message", async () => {
    await post("/admin/north/staff", { intent: "invite", email: "gus@staff.example", role: "staff" }, ownerCookie);
    const expired = invitationLinkFor(mailDir, "gus@staff.example");
    await t.db
      .updateTable("platform.invitations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("email", "=", "gus@staff.example")
      .execute();
    const page = await get(expired.url.pathname);
    expect(page.status).toBe(410);
    expect(page.body).toContain("This invitation has expired.");
    const attempt = await post(expired.url.pathname, { intent: "signup", password: PASSWORD });
    expect(attempt.status).toBe(410);
    expect(await t.db.selectFrom("platform.users").select("id").where("email", "=", "gus@staff.example").execute()).toEqual([]);

    const unknown = await get(`/invitations/${"A".repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("This invitation link isn&#x27;t valid.");
    expect((await get("/invitations/garbage")).status).toBe(404);
    // Only on the platform host: the shop's address (not launched yet) leads to its password page instead.
    const onShop = await app.request("north.shops.test", `/invitations/${expired.token}`);
    expect([onShop.status, onShop.headers.location]).toEqual([302, "/password"]);

    // Sending again replaces the old link.
    await post("/admin/north/staff", { intent: "invite", email: "gus@staff.example", role: "staff" }, ownerCookie);
    const fresh = invitationLinkFor(mailDir, "gus@staff.example");
    expect(fresh.token).not.toBe(expired.token);
    expect((await get(expired.url.pathname)).status).toBe(404);
    expect((await get(fresh.url.pathname)).status).toBe(200);

    const invitation = await t.db.selectFrom("platform.invitations").select("id").where("email", "=", "gus@staff.example").executeTakeFirstOrThrow();
    const revoked = await post("/admin/north/staff", { intent: "revoke", invitationId: invitation.id }, ownerCookie);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toContain("Invitation revoked.");
    expect((await get(fresh.url.pathname)).status).toBe(404);
    expect((await auditActions(north)).filter((e) => e.action === "invitation.revoked")).toHaveLength(1);
  });

  it("shows what is wrong with an invitation and sends nothing", async () => {
    const before = readMailDir(mailDir).length;
    const bad = await post("/admin/north/staff", { intent: "invite", email: "not-an-email", role: "staff" }, ownerCookie);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Enter a valid email address.");
    const owner = await post("/admin/north/staff", { intent: "invite", email: "new-owner@example.com", role: "owner" }, ownerCookie);
    expect(owner.status).toBe(400);
    expect(owner.body).toContain("Choose admin or staff.");
    const member = await post("/admin/north/staff", { intent: "invite", email: "casey@staff.example", role: "staff" }, ownerCookie);
    expect(member.status).toBe(400);
    expect(member.body).toContain("casey@staff.example is already a member of this shop.");
    expect(readMailDir(mailDir)).toHaveLength(before);
  });
});

describe("roles", () => {
  let adminCookie: string;
  let staffUser: User;

  beforeAll(async () => {
    await addMember(north, "ada@admin.example", "admin");
    staffUser = await addMember(north, "sam@staff.example", "staff");
    adminCookie = await login("ada@admin.example");
  });

  it("lets an admin invite staff but not admins, and manage staff but not owners or roles", async () => {
    const page = await get("/admin/north/staff", adminCookie);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("Change role");
    expect(page.body).not.toContain('<option value="admin">Admin</option>');

    const asAdmin = await post("/admin/north/staff", { intent: "invite", email: "hal@example.com", role: "admin" }, adminCookie);
    expect(asAdmin.status).toBe(400);
    expect(asAdmin.body).toContain("Admins can invite staff only.");
    expect(await t.db.selectFrom("platform.invitations").select("id").where("email", "=", "hal@example.com").execute()).toEqual([]);
    const asStaff = await post("/admin/north/staff", { intent: "invite", email: "hal@example.com", role: "staff" }, adminCookie);
    expect(asStaff.status).toBe(200);

    const promote = await post("/admin/north/staff", { intent: "change-role", userId: staffUser.id, role: "admin" }, adminCookie);
    expect(promote.status).toBe(403);
    expect(await membership(north, "sam@staff.example")).toEqual({ role: "staff" });
    const removeOwner = await post("/admin/north/staff", { intent: "remove", userId: northOwner.id }, adminCookie);
    expect(removeOwner.status).toBe(403);
    expect(await membership(north, "owner@north.example")).toEqual({ role: "owner" });

    // The owner's admin invitation is out of an admin's reach, but a staff one isn't.
    await post("/admin/north/staff", { intent: "invite", email: "ivy@example.com", role: "admin" }, ownerCookie);
    const ivy = await t.db.selectFrom("platform.invitations").select("id").where("email", "=", "ivy@example.com").executeTakeFirstOrThrow();
    expect((await post("/admin/north/staff", { intent: "revoke", invitationId: ivy.id }, adminCookie)).status).toBe(403);
    const downgrade = await post("/admin/north/staff", { intent: "invite", email: "ivy@example.com", role: "staff" }, adminCookie);
    expect(downgrade.status).toBe(400);
    expect(downgrade.body).toContain("only an owner can change that invitation");
    expect(await t.db.selectFrom("platform.invitations").select(["id", "role"]).where("email", "=", "ivy@example.com").execute()).toEqual([
      { id: ivy.id, role: "admin" },
    ]);
    const hal = await t.db.selectFrom("platform.invitations").select("id").where("email", "=", "hal@example.com").executeTakeFirstOrThrow();
    expect((await post("/admin/north/staff", { intent: "revoke", invitationId: hal.id }, adminCookie)).status).toBe(200);

    // Admins see settings but not the audit log.
    expect((await get("/admin/north/settings", adminCookie)).status).toBe(200);
    expect((await get("/admin/north/audit", adminCookie)).status).toBe(403);
  });

  it("lets the owner change roles and remove members, but never the last owner", async () => {
    const demoteSelf = await post("/admin/north/staff", { intent: "change-role", userId: northOwner.id, role: "admin" }, ownerCookie);
    expect(demoteSelf.status).toBe(400);
    expect(demoteSelf.body).toContain("A shop needs at least one owner.");
    const removeSelf = await post("/admin/north/staff", { intent: "remove", userId: northOwner.id }, ownerCookie);
    expect(removeSelf.status).toBe(400);
    expect(removeSelf.body).toContain("its last owner can&#x27;t be removed");
    expect(await membership(north, "owner@north.example")).toEqual({ role: "owner" });

    const promoted = await post("/admin/north/staff", { intent: "change-role", userId: staffUser.id, role: "owner" }, ownerCookie);
    expect(promoted.status).toBe(200);
    expect(await membership(north, "sam@staff.example")).toEqual({ role: "owner" });
    // Two owners: one may step down, and the other then can't.
    const stepDown = await post("/admin/north/staff", { intent: "change-role", userId: northOwner.id, role: "admin" }, ownerCookie);
    expect(stepDown.status).toBe(200);
    const samCookie = await login("sam@staff.example");
    expect((await post("/admin/north/staff", { intent: "change-role", userId: staffUser.id, role: "staff" }, samCookie)).status).toBe(400);
    expect((await post("/admin/north/staff", { intent: "change-role", userId: northOwner.id, role: "owner" }, samCookie)).status).toBe(200);

    const removed = await post("/admin/north/staff", { intent: "remove", userId: staffUser.id }, ownerCookie);
    expect(removed.status).toBe(200);
    expect(await membership(north, "sam@staff.example")).toBeUndefined();
    expect((await get("/admin/north", samCookie)).status).toBe(404);

    const log = await auditActions(north);
    expect(log.filter((e) => e.action === "member.role_changed").map((e) => e.summary)).toEqual([
      "sam@staff.example: staff → owner",
      "owner@north.example: owner → admin",
      "owner@north.example: admin → owner",
    ]);
    expect(log.find((e) => e.action === "member.removed")).toMatchObject({ actor_email: "owner@north.example", summary: "Removed sam@staff.example (owner)" });
    expect(log.find((e) => e.action === "member.removed")!.ip).toMatch(/127\.0\.0\.1/);
  });

  it("keeps one owner when two owners demote each other at the same moment", async () => {
    const first = await createUser(t.db, { email: "first@east.example", password: PASSWORD });
    const east = await provisionShop(t.db, { slug: "east", name: "East", ownerId: first.id });
    const second = await addMember(east, "second@east.example", "owner");
    const actor = (user: User) => ({ actor: { userId: user.id, email: user.email, ip: "" }, role: "owner" as const });
    const results = await Promise.allSettled([
      changeMemberRole(t.db, east, actor(first), second.id, "staff"),
      changeMemberRole(t.db, east, actor(second), first.id, "staff"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await t.db.selectFrom("platform.memberships").select("user_id").where("shop_id", "=", east.id).where("role", "=", "owner").execute();
    expect(owners).toHaveLength(1);
  });
});

describe("staff across shops", () => {
  it("answers 404 to a member of one shop reaching for another shop's staff, members or invitations", async () => {
    expect((await get("/admin/south/staff", ownerCookie)).status).toBe(404);
    expect((await post("/admin/south/staff", { intent: "invite", email: "spy@example.com", role: "admin" }, ownerCookie)).status).toBe(404);

    const southOwner = await t.db.selectFrom("platform.users").select("id").where("email", "=", "owner@south.example").executeTakeFirstOrThrow();
    const southCookie = await login("owner@south.example");
    await post("/admin/south/staff", { intent: "invite", email: "jo@south.example", role: "staff" }, southCookie);
    const southInvitation = await t.db.selectFrom("platform.invitations").select("id").where("email", "=", "jo@south.example").executeTakeFirstOrThrow();

    // North's owner names south's objects through north's page.
    expect((await post("/admin/north/staff", { intent: "revoke", invitationId: southInvitation.id }, ownerCookie)).status).toBe(404);
    expect((await post("/admin/north/staff", { intent: "remove", userId: southOwner.id }, ownerCookie)).status).toBe(404);
    expect((await post("/admin/north/staff", { intent: "change-role", userId: southOwner.id, role: "staff" }, ownerCookie)).status).toBe(404);
    expect(await t.db.selectFrom("platform.invitations").select("id").where("id", "=", southInvitation.id).execute()).toHaveLength(1);

    const northPage = await get("/admin/north/staff", ownerCookie);
    expect(northPage.body).not.toContain("jo@south.example");
    expect(northPage.body).not.toContain("owner@south.example");
    const southPage = await get("/admin/south/staff", southCookie);
    expect(southPage.body).toContain("jo@south.example");
    expect(southPage.body).not.toContain("casey@staff.example");
  });
});

describe("staff domain functions", () => {
  const owner = () => ({ actor: { userId: northOwner.id, email: northOwner.email, ip: "203.0.113.9" }, role: "owner" as const });

  it("keeps the invitation when its email can't be sent, says so, and hands back the link", async () => {
    const before = (await auditActions(north)).length;
    const invitation = await inviteStaff(
      t.db,
      north,
      owner(),
      { email: "kim@example.com", role: "staff" },
      {
        platformOrigin: ORIGIN,
        // Neither the mail server nor the job queue took it.
        send: async () => {
          throw new MailUnavailableError(new Error("SMTP down"));
        },
      },
    );
    expect(invitation).toMatchObject({ email: "kim@example.com", delivery: "failed", link: `${ORIGIN}/invitations/${invitation.token}` });
    expect(await findInvitation(t.db, invitation.token)).toMatchObject({ state: "pending", email: "kim@example.com" });
    expect(await auditActions(north)).toHaveLength(before + 1);
    // The page hears what the mailer did: sent, or filed (no SMTP server).
    const sent = await inviteStaff(
      t.db,
      north,
      owner(),
      { email: "kim@example.com", role: "staff" },
      { platformOrigin: ORIGIN, send: async () => "sent" as const },
    );
    expect(sent.delivery).toBe("sent");
    const filed = await inviteStaff(
      t.db,
      north,
      owner(),
      { email: "kim@example.com", role: "staff" },
      { platformOrigin: ORIGIN, send: async () => "no-mail-server" as const },
    );
    expect(filed.delivery).toBe("no-mail-server");
    // Each new invitation replaced the one before: only the newest link works.
    expect(await findInvitation(t.db, invitation.token)).toBeNull();
    expect(await findInvitation(t.db, filed.token)).toMatchObject({ state: "pending" });
  });

  it("resends an invitation with a new link, only within its own shop", async () => {
    const first = await inviteStaff(
      t.db,
      north,
      owner(),
      { email: "rue@example.com", role: "staff" },
      { platformOrigin: ORIGIN, send: async () => "sent" as const },
    );
    const again = await resendInvitation(t.db, north, owner(), first.id, { platformOrigin: ORIGIN, send: async () => "sent" as const });
    expect(again).toMatchObject({ email: "rue@example.com", role: "staff", delivery: "sent" });
    expect(await findInvitation(t.db, first.token)).toBeNull();
    expect(await findInvitation(t.db, again.token)).toMatchObject({ state: "pending", email: "rue@example.com" });
    // South's owner can't resend North's invitation: it isn't there for them.
    const southOwner = {
      actor: {
        userId: (await t.db.selectFrom("platform.users").select("id").where("email", "=", "owner@south.example").executeTakeFirstOrThrow()).id,
        email: "owner@south.example",
        ip: "",
      },
      role: "owner" as const,
    };
    await expect(resendInvitation(t.db, south, southOwner, again.id, { platformOrigin: ORIGIN, send: async () => "sent" as const })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      resendInvitation(t.db, north, owner(), "99999999999999999999", { platformOrigin: ORIGIN, send: async () => "sent" as const }),
    ).rejects.toBeInstanceOf(StaffError);
  });

  it("honours the lifetime and lets a link be used exactly once even when opened twice at once", async () => {
    const sent: string[] = [];
    const invitation = await inviteStaff(
      t.db,
      north,
      owner(),
      { email: "lee@example.com", role: "staff" },
      {
        platformOrigin: ORIGIN,
        ttlHours: 1,
        send: async (m) => (sent.push(m.text), "sent" as const),
      },
    );
    expect(sent[0]).toContain(`${ORIGIN}/invitations/${invitation.token}`);
    expect(invitation.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(invitation.expiresAt.getTime() - Date.now()).toBeGreaterThan(3_590_000);

    const lee = await createUser(t.db, { email: "lee@example.com", password: PASSWORD });
    const results = await Promise.allSettled([
      acceptInvitation(t.db, invitation.token, lee, "198.51.100.1"),
      acceptInvitation(t.db, invitation.token, lee, "198.51.100.1"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { problem: "used" } });
    const accepted = (await auditActions(north)).filter((e) => e.action === "invitation.accepted" && e.actor_email === "lee@example.com");
    expect(accepted).toHaveLength(1);
    expect(accepted[0].ip).toBe("198.51.100.1");
  });
});
