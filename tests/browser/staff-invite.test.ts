import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../tenants/accounts.server.ts";
import { provisionShop } from "../../tenants/provision.server.ts";
import { freePort, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startTestApp, type TestApp } from "../support/http.ts";
import { invitationLinkFor } from "../support/mail.ts";

let t: TestDatabase;
let app: TestApp;
let mailDir: string;
let owner: Awaited<ReturnType<typeof launchBrowser>>;
let base: string;

const shot = (name: string) => path.join(SCREENSHOTS, `settings-${name}.png`);

beforeAll(async () => {
  mailDir = mkdtempSync(path.join(os.tmpdir(), "bazaar-mail-"));
  process.env.MAIL_DIR = mailDir;
  t = await createTestDatabase();
  const merchant = await createUser(t.db, { email: "rosa@fern.example", password: "fern-and-moss-2026" });
  await provisionShop(t.db, { slug: "fern", name: "Fern & Moss", ownerId: merchant.id });
  const port = await freePort();
  base = `localhost:${port}`;
  app = await startTestApp(t.url, { PLATFORM_HOST: base, STORE_DOMAIN: base }, port);
  owner = await launchBrowser();
});
afterAll(async () => {
  await owner?.close();
  await app?.close();
  await t?.drop();
  rmSync(mailDir, { recursive: true, force: true });
});

describe("staff invitations in a browser", () => {
  it("the owner invites a staff member, who signs up through the emailed link and sees only staff sections", async () => {
    const page = await owner.context.newPage();
    await page.goto(`http://${base}/login`);
    await page.getByLabel("Email").fill("rosa@fern.example");
    await page.getByLabel("Password").fill("fern-and-moss-2026");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`http://${base}/admin/fern`);

    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Staff" }).click();
    await page.waitForURL(`http://${base}/admin/fern/staff`);
    await page.getByLabel("Email", { exact: true }).fill("milo@fern.example");
    await page.getByLabel("Role", { exact: true }).selectOption("staff");
    await page.getByRole("button", { name: "Send invitation" }).click();
    // No SMTP server here: the mailer filed the message, and the page says no email went out and shows the link.
    await page.getByRole("alert").getByText("Invitation saved, but no email went out", { exact: false }).waitFor();
    await page.getByRole("cell", { name: "milo@fern.example", exact: true }).waitFor();
    await page.screenshot({ path: shot("01-staff-invited"), fullPage: true });

    const { url } = invitationLinkFor(mailDir, "milo@fern.example");
    expect(url.host).toBe(base);
    expect(await page.getByLabel("Invitation link", { exact: true }).inputValue()).toBe(url.href);
    await owner.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: `http://${base}` });
    await page.getByRole("button", { name: "Copy link" }).click();
    await page.getByText("Link copied.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url.href);

    // The invitee opens the link in a browser of their own: no session, no shared cookies.
    const invitee = await launchBrowser();
    try {
      const join = await invitee.context.newPage();
      await join.goto(url.href);
      await join.getByRole("heading", { level: 1, name: "Join Fern & Moss" }).waitFor();
      expect(await join.getByLabel("Email").inputValue()).toBe("milo@fern.example");
      await join.screenshot({ path: shot("02-invitation"), fullPage: true });

      await join.getByLabel("Choose a password").fill("short");
      await join.getByRole("button", { name: "Create account and join" }).click();
      await join.getByText("Use at least 8 characters.").waitFor();
      await join.screenshot({ path: shot("03-invitation-error"), fullPage: true });

      await join.getByLabel("Choose a password").fill("milo-packs-boxes");
      await join.getByRole("button", { name: "Create account and join" }).click();
      await join.waitForURL(`http://${base}/admin/fern`);
      const nav = join.getByRole("navigation", { name: "Shop admin" });
      await nav.getByRole("link", { name: "Products" }).waitFor();
      const sections = await nav.getByRole("link").allTextContents();
      expect(sections).toEqual(expect.arrayContaining(["Home", "Products", "Orders", "Customers", "Discounts"]));
      expect(sections).not.toContain("Settings");
      expect(sections).not.toContain("Staff");
      expect(sections).not.toContain("Audit log");
      await join.screenshot({ path: shot("04-staff-admin"), fullPage: true });

      // Typing the address of a section the role lacks shows why, inside the admin.
      await join.goto(`http://${base}/admin/fern/settings`);
      await join.getByRole("heading", { name: "Not available to your role" }).waitFor();
      await join.screenshot({ path: shot("05-staff-forbidden"), fullPage: true });

      // The link worked once.
      const again = await invitee.context.newPage();
      const response = await again.goto(url.href);
      expect(response?.status()).toBe(410);
      await again.getByText("This invitation has already been used.").waitFor();
    } finally {
      await invitee.close();
    }

    await page.reload();
    await page.getByRole("cell", { name: "milo@fern.example", exact: true }).waitFor();
    expect(await page.getByText("No pending invitations.").isVisible()).toBe(true);

    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(`http://${base}/admin/fern/audit`);
    await page.getByRole("cell", { name: "milo@fern.example joined as staff" }).waitFor();
    await page.screenshot({ path: shot("06-audit"), fullPage: true });
  });

  it("the owner edits settings: a refused currency, a shipping zone with rates, taxes and a policy", async () => {
    const page = await owner.context.newPage();
    await page.goto(`http://${base}/admin/fern/settings`);
    await page.getByLabel("Contact email").fill("not-an-email");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Enter a valid email address.").waitFor();
    await page.screenshot({ path: shot("07-general-error"), fullPage: true });
    await page.getByLabel("Contact email").fill("hello@fern.example");
    await page.getByLabel("Currency").selectOption("EUR");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Settings saved.").waitFor();

    await page.getByRole("link", { name: "Shipping" }).click();
    await page.waitForURL(`http://${base}/admin/fern/settings/shipping`);
    await page.getByLabel("Zone name").fill("Europe");
    await page.getByLabel("Countries").fill("FR, DE, BE, NL, XX");
    await page.getByRole("button", { name: "Add zone" }).click();
    await page.getByText("Unknown country code: XX.").waitFor();
    await page.getByLabel("Countries").fill("FR, DE, BE, NL");
    await page.getByRole("button", { name: "Add zone" }).click();
    await page.getByRole("heading", { name: "Europe" }).waitFor();
    await page.getByLabel("New rate name for Europe").fill("Standard");
    await page.getByLabel("New rate price for Europe").fill("-4");
    await page.getByRole("button", { name: "Add rate" }).click();
    await page.getByText("Enter a price of zero or more in EUR, like 4.95.").waitFor();
    await page.getByLabel("New rate price for Europe").fill("4.90");
    await page.getByRole("button", { name: "Add rate" }).click();
    await page.getByLabel("Price of rate Standard").waitFor();
    await page.getByLabel("New rate name for Europe").fill("Free over 60");
    await page.getByLabel("New rate price for Europe").fill("0");
    await page.getByLabel("New rate minimum subtotal for Europe").fill("60");
    await page.getByRole("button", { name: "Add rate" }).click();
    await page.getByLabel("Price of rate Free over 60").waitFor();
    expect(await page.getByLabel("Minimum subtotal of rate Free over 60").inputValue()).toBe("60.00");
    await page.screenshot({ path: shot("08-shipping"), fullPage: true });

    await page.getByRole("link", { name: "Taxes" }).click();
    await page.getByLabel("Tax rate (%)").fill("100.5");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Enter a rate from 0 to 100 with at most two decimals").waitFor();
    await page.getByLabel("Tax rate (%)").fill("21");
    await page.getByLabel("Prices I enter include tax").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Tax settings saved.").waitFor();
    await page.screenshot({ path: shot("09-taxes"), fullPage: true });

    await page.getByRole("link", { name: "Policies" }).click();
    await page.getByLabel("Refund policy").fill("<p>Returns within <strong>30 days</strong>.</p><script>alert(1)</script>");
    await page.getByRole("button", { name: "Save policies" }).click();
    await page.getByText("Saved: Refund policy.").waitFor();
    await page.getByText("Preview").click();
    await page.screenshot({ path: shot("10-policies"), fullPage: true });
    expect(await page.getByLabel("Refund policy").inputValue()).toBe("<p>Returns within <strong>30 days</strong>.</p>");

    await page.getByRole("link", { name: "General" }).click();
    await page.screenshot({ path: shot("11-general"), fullPage: true });
  });

  it("resends an invitation with a new link that replaces the old one", async () => {
    const page = await owner.context.newPage();
    await page.goto(`http://${base}/admin/fern/staff`);
    await page.getByLabel("Email", { exact: true }).fill("ivy@fern.example");
    await page.getByRole("button", { name: "Send invitation" }).click();
    const first = await page.getByLabel("Invitation link", { exact: true }).inputValue();
    await page.getByRole("button", { name: "Resend the invitation to ivy@fern.example" }).click();
    await expect.poll(() => page.getByLabel("Invitation link", { exact: true }).inputValue()).not.toBe(first);
    const second = await page.getByLabel("Invitation link", { exact: true }).inputValue();
    expect(second).toBe(invitationLinkFor(mailDir, "ivy@fern.example").url.href);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: "/tmp/bazaar-shots/staff-resent-phone.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: "/tmp/bazaar-shots/staff-resent-desktop.png", fullPage: true });
    // The first link no longer works; the new one does.
    const visitor = await launchBrowser();
    try {
      const join = await visitor.context.newPage();
      expect((await join.goto(first))?.status()).toBe(404);
      await join.goto(second);
      await join.getByRole("heading", { level: 1, name: "Join Fern & Moss" }).waitFor();
    } finally {
      await visitor.close();
    }
  });
});
