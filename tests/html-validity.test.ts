import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { publishTheme } from "../shop/themes.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { seedBrowserCatalogue } from "./support/storefront-catalogue.ts";

// The Nu HTML Checker (vnu-jar, the W3C validator's engine) on every theme's storefront pages as the server sends
// them: no errors.

const VNU_JAR = createRequire(import.meta.url).resolve("vnu-jar/build/dist/vnu.jar");
const THEMES = ["minimal", "editorial", "classic"];
const PAGES = ["/", "/collections/kitchen", "/products/stoneware-mug", "/search?q=mug", "/cart", "/pages/about", "/policies/refund-policy"];
const NOT_FOUND = "/no-such-page";

interface VnuMessage {
  type: string;
  subType?: string;
  url: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

let t: TestDatabase;
let app: TestApp;
let db: TenantDb;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestApp(t.url);
  const owner = await createUser(t.db, { email: "maker@lumen.example", password: "wax-and-wick-2026" });
  const shop = await provisionShop(t.db, { slug: "lumen", name: "Lumen & Clay", ownerId: owner.id });
  db = tenantDb(t.db, shop.schema_name);
  await seedBrowserCatalogue(db, app.services.media, shop);
  dir = mkdtempSync(path.join(os.tmpdir(), "bazaar-vnu-"));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("storefront HTML", () => {
  it("has no Nu HTML Checker errors on any theme's home, collection, product, cart, content, policy and not-found pages", async () => {
    const files = new Map<string, string>();
    for (const themeId of THEMES) {
      await publishTheme(db, SYSTEM_ACTOR, themeId);
      for (const [i, pathname] of [...PAGES, NOT_FOUND].entries()) {
        const res = await app.request("lumen.shops.test", pathname);
        expect(res.status, pathname).toBe(pathname === NOT_FOUND ? 404 : 200);
        const file = path.join(dir, `${themeId}-${i}.html`);
        writeFileSync(file, res.body);
        files.set(`file:${file}`, `${themeId} ${pathname}`);
      }
    }
    // vnu exits 1 when it reports errors; the JSON on stderr says which.
    const run = await promisify(execFile)("java", ["-jar", VNU_JAR, "--errors-only", "--format", "json", ...[...files.keys()].map((f) => f.slice(5))], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stderr?: string }) => ({ stderr: error.stderr ?? String(error) }));
    const { messages } = JSON.parse(run.stderr || '{"messages":[]}') as { messages: VnuMessage[] };
    const errors = messages
      .filter((m) => m.type === "error" || m.subType === "fatal")
      .map((m) => `${files.get(m.url) ?? m.url}:${m.lastLine ?? "?"} ${m.message} ${m.extract ?? ""}`.trim());
    expect(errors).toEqual([]);
  }, 120_000);
});
