import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replenishSpareShops } from "../../tenants/provision.server.ts";
import { findShopBySlug } from "../../tenants/registry.server.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { readMailDir } from "../support/mail.ts";

let t: TestDatabase;
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let base: string;
let spareSchema: string;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(tmpdir(), "bazaar-signup-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const port = await freePort();
  // Chromium resolves *.localhost to loopback, so shops get real subdomains.
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  // One spare shop ready, as the worker keeps in production: the signup below claims it.
  await replenishSpareShops(t.db, 1);
  spareSchema = (await t.db.selectFrom("platform.spare_shops").select("schema_name").executeTakeFirstOrThrow()).schema_name;
  browser = await launchBrowser();
  context = browser.context;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

describe("a merchant signs up in a browser", () => {
  it("suggests and checks the address, lands in the admin, and the shop answers on its subdomain", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "01-landing.png") });
    await page.getByRole("link", { name: "Open your shop" }).click();
    await page.waitForURL(`http://${base}/signup`);

    await page.getByLabel("Shop name").pressSequentially("Lumen Candles");
    await expect.poll(() => page.getByLabel("Shop address").inputValue()).toBe("lumen-candles");
    await page.getByText(`lumen-candles.${base} is available.`).waitFor();
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.screenshot({ path: path.join(SCREENSHOTS, "02-signup-filled.png") });
    await page.getByRole("button", { name: "Create my shop" }).click();

    await page.waitForURL(`http://${base}/admin/lumen-candles`);
    await page.getByRole("heading", { level: 1, name: "Lumen Candles" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "03-admin.png") });
    expect((await findShopBySlug(t.db, "lumen-candles"))?.schema_name).toBe(spareSchema);

    const cookies = await context.cookies(`http://${base}`);
    const session = cookies.find((c) => c.name === "bazaar_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", domain: "localhost" });
    // Host-only: the shop's subdomain never receives the merchant's session.
    expect(await context.cookies(`http://lumen-candles.${base}`)).toEqual([]);

    const [storefront] = await Promise.all([context.waitForEvent("page"), page.getByRole("link", { name: "View shop" }).click()]);
    await storefront.waitForLoadState();
    expect(storefront.url()).toBe(`http://lumen-candles.${base}/`);
    await storefront.getByRole("heading", { level: 1, name: "Lumen Candles" }).waitFor();
    await storefront.screenshot({ path: path.join(SCREENSHOTS, "04-storefront.png") });

    // The shop launches once the merchant follows the link mailed to them; they may ask for it again.
    const verify = page.getByText("Verify maker@lumen.example before the shop launches: follow the link we emailed to it.");
    await verify.waitFor();
    expect(await page.getByRole("button", { name: "Launch my shop" }).count()).toBe(0);
    await page.getByRole("button", { name: "Send the email again" }).click();
    await page.getByRole("status").getByText("We emailed a new link to maker@lumen.example.").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "06-verify-first.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SCREENSHOTS, "06-verify-first-phone.png"), fullPage: true });
    const mails = readMailDir(mailDir).filter((m) => m.to === "maker@lumen.example" && m.subject === "Verify your Bazaar email");
    expect(mails).toHaveLength(2);
    await page.goto(`http://${base}${/\/verify-email\/[A-Za-z0-9_-]{43}/.exec(mails[1].text)![0]}`);
    await page.getByRole("status").getByText("maker@lumen.example is verified").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "07-verified-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, "07-verified.png"), fullPage: true });
    await page.getByRole("link", { name: "Go to your shops" }).click();
    await page.getByRole("button", { name: "Launch my shop" }).click();
    await page.getByRole("alert").getByRole("button", { name: "Launch anyway" }).click();
    await page.waitForURL(`http://${base}/admin/lumen-candles?launched=1`);
  });

  it("shows what is wrong when the address is taken, and logs out and back in", async () => {
    const page = await context.newPage();
    await page.goto(`http://${base}/admin/lumen-candles`);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`http://${base}/`);

    await page.goto(`http://${base}/signup`);
    await page.getByLabel("Shop name").fill("Copy Cat");
    await page.getByLabel("Shop address").fill("lumen-candles");
    await page.getByText("That address is already taken.").waitFor();
    await page.getByLabel("Email").fill("copy@cat.example");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create my shop" }).click();
    await page.getByText("Use at least 8 characters.").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "05-signup-errors.png") });
    expect(page.url()).toBe(`http://${base}/signup`);
    // After a refused submission, the address message follows what is typed next, not the old answer.
    await page.getByText("That address is already taken.").waitFor();
    await page.getByLabel("Shop address").fill("copy-cat-candles");
    await page.getByText("copy-cat-candles.").first().waitFor();
    await expect.poll(() => page.getByText("That address is already taken.").count()).toBe(0);
    await page.getByText(/copy-cat-candles\..* is available\./).waitFor();

    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("maker@lumen.example");
    await page.getByLabel("Password").fill("wax-and-wick-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/lumen-candles`);
  });
});
