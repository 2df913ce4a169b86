import type { PlatformDb } from "../db/database.server.ts";
import { createUser } from "./accounts.server.ts";
import { tenantDb } from "./handle.server.ts";
import { provisionShop } from "./provision.server.ts";
import { findShopBySlug } from "./registry.server.ts";

export const DEMO_PASSWORD = "bazaar-demo";
export const DEMO_MERCHANT = "merchant@demo.bazaar.test";
export const DEMO_OPERATOR = "operator@demo.bazaar.test";

export const DEMO_SHOPS = [
  { slug: "north-coffee", name: "North Coffee Roasters", headline: "Small-batch coffee, roasted on Mondays.", welcome: "Single origins and house blends, shipped the week they are roasted." },
  { slug: "paper-and-ink", name: "Paper & Ink", headline: "Notebooks for people who still write by hand.", welcome: "Stitched notebooks, fountain-pen-friendly paper and refills." },
  { slug: "fern-and-clay", name: "Fern & Clay", headline: "House plants and the pots they deserve.", welcome: "Hardy plants, hand-thrown planters and advice that keeps them alive." },
] as const;

/** Creates the demo logins and shops once; a second run finds them and changes nothing. */
export async function seedDemo(db: PlatformDb): Promise<void> {
  const existing = await db.selectFrom("platform.users").select(["id", "email"]).where("email", "in", [DEMO_MERCHANT, DEMO_OPERATOR]).execute();
  const byEmail = new Map(existing.map((u) => [u.email, u.id]));
  const merchantId = byEmail.get(DEMO_MERCHANT) ?? (await createUser(db, { email: DEMO_MERCHANT, password: DEMO_PASSWORD })).id;
  if (!byEmail.has(DEMO_OPERATOR)) await createUser(db, { email: DEMO_OPERATOR, password: DEMO_PASSWORD, isOperator: true });
  for (const demo of DEMO_SHOPS) {
    if (await findShopBySlug(db, demo.slug)) continue;
    const shop = await provisionShop(db, { slug: demo.slug, name: demo.name, ownerId: merchantId });
    await tenantDb(db, shop.schema_name).updateTable("settings").set({ headline: demo.headline, welcome_text: demo.welcome }).execute();
  }
}
