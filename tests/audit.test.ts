import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { listAuditEvents } from "../shop/audit-log.server.ts";
import { recordAudit } from "../shop/audit.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { adminSave } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";

const PLATFORM = "bazaar.test";
const ORIGIN = `http://${PLATFORM}`;
const PASSWORD = "a-long-password";

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let south: Shop;
let northCookie: string;
let southCookie: string;

async function login(email: string): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password: PASSWORD }, headers: { origin: ORIGIN } });
  expect(res.status).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

const get = (pathname: string, cookie: string) => app.request(PLATFORM, pathname, { headers: { cookie } });

/** The table rows of an audit page, as "action|actor" pairs, in page order. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr><td class="nowrap"><time[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td><td><code>([^<]*)<\/code>/g)].map((m) => `${m[2]}|${m[1]}`);
}

function link(html: string, rel: "prev" | "next"): string | null {
  const match = new RegExp(`<a[^>]*href="([^"]*)"[^>]*rel="${rel}"|<a[^>]*rel="${rel}"[^>]*href="([^"]*)"`).exec(html);
  const href = match?.[1] ?? match?.[2];
  return href ? href.replaceAll("&amp;", "&") : null;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const northOwner = await createUser(t.db, { email: "owner@north.example", password: PASSWORD });
  const southOwner = await createUser(t.db, { email: "owner@south.example", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: northOwner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: southOwner.id });
  for (const [email, role] of [
    ["admin@north.example", "admin"],
    ["staff@north.example", "staff"],
  ] as const) {
    const user = await createUser(t.db, { email, password: PASSWORD });
    await t.db.insertInto("platform.memberships").values({ user_id: user.id, shop_id: north.id, role }).execute();
  }
  app = await startTestApp(t.url);
  northCookie = await login("owner@north.example");
  southCookie = await login("owner@south.example");
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe("audit log page", () => {
  it("is for the owner only", async () => {
    expect((await get("/admin/north/audit", northCookie)).status).toBe(200);
    expect((await get("/admin/north/audit", await login("admin@north.example"))).status).toBe(403);
    const staff = await get("/admin/north/audit", await login("staff@north.example"));
    expect(staff.status).toBe(403);
    expect(staff.body).not.toContain("audit-table");
    // Another shop's owner gets the same 404 as for a shop that doesn't exist.
    expect((await get("/admin/north/audit", southCookie)).status).toBe(404);
  });

  it("shows who did what to which object, when and from where, for admin actions over HTTP", async () => {
    const res = await adminSave(app, northCookie, "/admin/north/settings/taxes", { rate: "19" });
    expect(res.status).toBe(200);
    await app.request(PLATFORM, "/admin/north/staff", {
      method: "POST",
      form: { intent: "invite", email: "new@north.example", role: "staff" },
      headers: { origin: ORIGIN, cookie: northCookie },
    });
    const page = await get("/admin/north/audit", northCookie);
    expect(page.status).toBe(200);
    expect(rows(page.body).slice(0, 2)).toEqual(["invitation.created|owner@north.example", "settings.taxes_updated|owner@north.example"]);
    expect(page.body).toContain("Tax 0 % → 19 %, prices exclude tax");
    expect(page.body).toContain("Invited new@north.example as staff");
    expect(page.body).toMatch(/<td class="nowrap">(::ffff:)?127\.0\.0\.1<\/td>/);
    expect(page.body).toMatch(/<time dateTime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/);

    // South's log shows none of it.
    const southPage = await get("/admin/south/audit", southCookie);
    expect(rows(southPage.body)).toEqual([]);
    expect(southPage.body).toContain("Nothing has been recorded yet.");
    expect(southPage.body).not.toContain("new@north.example");
  });

  it("pages through many events by cursor and filters by action and actor", async () => {
    const db = tenantDb(t.db, north.schema_name);
    for (let i = 0; i < 120; i++) {
      const actor = { userId: null, email: i % 3 === 0 ? "robot@north.example" : "clerk@north.example", ip: "192.0.2.7" };
      await recordAudit(db, actor, {
        action: i % 2 ? "product.updated" : "order.fulfilled",
        subjectType: "thing",
        subjectId: String(i),
        summary: `event ${i}`,
      });
    }
    const total = 122;

    const first = await get("/admin/north/audit", northCookie);
    expect(rows(first.body)).toHaveLength(50);
    expect(first.body).toContain("event 119");
    expect(link(first.body, "prev")).toBeNull();
    const second = await get(`${link(first.body, "next")}`, northCookie);
    expect(rows(second.body)).toHaveLength(50);
    expect(second.body).toContain("event 69");
    expect(second.body).not.toContain("event 70<");
    const third = await get(`${link(second.body, "next")}`, northCookie);
    expect(rows(third.body)).toHaveLength(total - 100);
    expect(link(third.body, "next")).toBeNull();
    expect(third.body).toContain("Invited new@north.example as staff");
    // And back again.
    const back = await get(`${link(third.body, "prev")}`, northCookie);
    expect(rows(back.body)).toEqual(rows(second.body));
    const front = await get(`${link(back.body, "prev")}`, northCookie);
    expect(rows(front.body)).toEqual(rows(first.body));
    expect(link(front.body, "prev")).toBeNull();

    const filtered = await get("/admin/north/audit?action=order.fulfilled&actor=robot%40north.example", northCookie);
    const matching = rows(filtered.body);
    // i even and divisible by 3: i % 6 === 0, 0..114 → 20 events.
    expect(matching).toHaveLength(20);
    expect(new Set(matching)).toEqual(new Set(["order.fulfilled|robot@north.example"]));
    expect(link(filtered.body, "next")).toBeNull();
    expect(filtered.body).toContain('<option value="order.fulfilled" selected="">order.fulfilled</option>');
    expect(filtered.body).toContain("Clear filters");

    const byActor = await get("/admin/north/audit?actor=clerk%40north.example", northCookie);
    expect(rows(byActor.body)).toHaveLength(50);
    const nextByActor = link(byActor.body, "next")!;
    expect(nextByActor).toContain("actor=clerk%40north.example");
    const restByActor = await get(nextByActor, northCookie);
    expect(rows(restByActor.body)).toHaveLength(80 - 50);

    const none = await get("/admin/north/audit?action=nothing.like.this", northCookie);
    expect(none.body).toContain("No events match these filters.");
    const junk = await get("/admin/north/audit?before=abc&after=1;drop", northCookie);
    expect(junk.status).toBe(200);
    expect(rows(junk.body)).toHaveLength(50);
  });

  it("returns keyset pages that neither skip nor repeat events", async () => {
    const db = tenantDb(t.db, north.schema_name);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listAuditEvents(db, { before, limit: 7 });
      seen.push(...page.events.map((e) => e.id));
      if (!page.older) break;
      before = page.older;
    }
    const all = await db.selectFrom("audit_events").select("id").orderBy("id", "desc").execute();
    expect(seen).toEqual(all.map((r) => r.id));
    expect(await listAuditEvents(tenantDb(t.db, south.schema_name))).toEqual({ events: [], newer: null, older: null });
  });
});
