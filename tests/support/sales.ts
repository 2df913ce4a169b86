import { expect } from "vitest";
import type { PlatformDb } from "../../db/database.server.ts";
import type { MemberRole, Shop } from "../../db/types.ts";
import { createUser } from "../../tenants/accounts.server.ts";
import { cookiePair, type TestApp } from "./http.ts";

// Shared by the orders, customers, discounts and dashboard tests.

export const PLATFORM = "bazaar.test";
export const ORIGIN = `http://${PLATFORM}`;
export const PASSWORD = "sales-test-pass";

/** A merchant with a role in a shop; the shop's owner comes from provisionShop. */
export async function addMember(db: PlatformDb, email: string, shop: Shop, role: MemberRole): Promise<string> {
  const user = await createUser(db, { email, password: PASSWORD });
  await db.insertInto("platform.memberships").values({ user_id: user.id, shop_id: shop.id, role }).execute();
  return user.id;
}

/** Logs in through the form and returns the session cookie to send back. */
export async function logIn(app: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
  expect(res.status).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

/** GET and POST on the platform host as a signed-in merchant. */
export function merchant(app: TestApp, cookie: string) {
  return {
    get: (path: string) => app.request(PLATFORM, path, { headers: { cookie } }),
    post: (path: string, form: Record<string, string>) => app.request(PLATFORM, path, { method: "POST", form, headers: { cookie, origin: ORIGIN } }),
  };
}

/** React escapes text; this is what a string looks like in the served HTML. */
export function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}
