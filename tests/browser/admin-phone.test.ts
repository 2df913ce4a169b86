import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../shop/audit.server.ts";
import { saveDiscount } from "../../shop/discounts.server.ts";
import { recordOrder } from "../../shop/orders.server.ts";
import { axeViolations, waitForHydration, launchBrowser, openSeededStorefront, SCREENSHOTS, type SeededStorefront } from "../support/browser.ts";

// Every admin page of a seeded shop on a 390×844 phone: nothing scrolls sideways, and the menu is one disclosure.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let storefront: SeededStorefront;
let admin: string;
/** Admin pages, as [screenshot name, path under /admin/lumen]. */
let pages: [string, string][];

beforeAll(async () => {
  storefront = await openSeededStorefront();
  const { db, store } = storefront;
  admin = `${store.replace("lumen.", "")}/admin/lumen`;
  const mug = await db.selectFrom("products").select("id").where("handle", "=", "stoneware-mug").executeTakeFirstOrThrow();
  const collection = await db.selectFrom("collections").select("id").orderBy("title").executeTakeFirstOrThrow();
  const page = await db.selectFrom("pages").select("id").executeTakeFirstOrThrow();
  const order = await recordOrder(db, {
    email: "ada.lovelace-with-a-long-address@example.com",
    customerName: { firstName: "Ada", lastName: "Lovelace" },
    currency: "USD",
    lines: [{ productId: mug.id, title: "Stoneware Mug – Sand / 12 oz, glazed by hand in small batches", unitPrice: 2800, quantity: 2 }],
    shippingTotal: 500,
    financialStatus: "paid",
  });
  const discount = await saveDiscount(
    db,
    SYSTEM_ACTOR,
    {
      code: "WELCOME-TO-THE-STUDIO-2026",
      kind: "percentage",
      value: "10",
      appliesTo: "order",
      collectionIds: [],
      productIds: [],
      minSubtotal: "",
      startsAt: "",
      endsAt: "",
      usageLimit: "",
      perCustomerLimit: "",
    },
    { currency: "USD", locale: "en-US" },
  );
  if (!discount.ok) throw new Error(JSON.stringify(discount.errors));
  pages = [
    ["home", ""],
    ["products", "/products"],
    ["product-new", "/products/new"],
    ["product-editor", `/products/${mug.id}`],
    ["product-media", `/products/${mug.id}/media`],
    ["product-recommendations", `/products/${mug.id}/recommendations`],
    ["collections", "/collections"],
    ["collection-new", "/collections/new"],
    ["collection", `/collections/${collection.id}`],
    ["transfers", "/transfers"],
    ["orders", "/orders"],
    ["order", `/orders/${order.number}`],
    ["customers", "/customers"],
    ["customer", `/customers/${order.customerId}`],
    ["discounts", "/discounts"],
    ["discount-new", "/discounts/new"],
    ["discount", `/discounts/${discount.id}`],
    ["themes", "/themes"],
    ["theme-editor", "/themes/minimal"],
    ["pages", "/pages"],
    ["page-new", "/pages/new"],
    ["page", `/pages/${page.id}`],
    ["settings", "/settings"],
    ["settings-policies", "/settings/policies"],
    ["settings-shipping", "/settings/shipping"],
    ["settings-taxes", "/settings/taxes"],
    ["settings-checkout", "/settings/checkout"],
    ["staff", "/staff"],
    ["audit", "/audit"],
    ["payments", "/payments"],
    ["billing", "/billing"],
    ["billing-checkout", "/billing/checkout?plan=growth"],
    ["not-found", "/nope"],
  ];
}, 120_000);
afterAll(() => storefront?.close());

/** What sticks out sideways: the page's scroll width and every visible element past the viewport's edges that no scrolling box clips. */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el: Element) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") return true;
      }
      return false;
    };
    const sticking = [...document.body.querySelectorAll("*")].filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && (box.right > width + 0.5 || box.left < -0.5) && !clipped(el);
    });
    // The outermost ones: a wide table names the table, not each of its cells.
    const wide = sticking
      .filter((el) => !sticking.includes(el.parentElement!))
      .map((el) => {
        const box = el.getBoundingClientRect();
        return `${el.tagName.toLowerCase()}${typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} ${Math.round(box.left)}–${Math.round(box.right)}`;
      });
    return { scrollWidth: document.documentElement.scrollWidth, wide };
  });
}

async function logIn(page: Page) {
  await page.goto(`${admin.replace(/\/admin\/lumen$/, "")}/login`);
  await page.getByLabel("Email").fill("maker@lumen.example");
  await page.getByLabel("Password").fill("wax-and-wick-2026");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(admin);
}

/** The page's axe violations, one line each. */
async function axeFindings(page: Page): Promise<string[]> {
  return (await axeViolations(page)).map((v) => `${v.id}: ${v.help}: ${v.targets.join(", ")}`);
}

describe("the admin on a phone", () => {
  it("fits every admin page into 390 px with no axe violations, the menu behind one disclosure", { timeout: 240_000 }, async () => {
    const page = await storefront.context.newPage();
    await page.setViewportSize(PHONE);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 404/.test(message.text())) errors.push(message.text());
    });
    await logIn(page);
    const found: Record<string, { scrollWidth: number; wide: string[] }> = {};
    const inaccessible: string[] = [];
    for (const [name, where] of pages) {
      const res = await page.goto(`${admin}${where}`);
      expect(res?.status(), where).toBe(name === "not-found" ? 404 : 200);
      await waitForHydration(page);
      // The menu is closed: the page's own heading comes first, not the twelve links.
      const menu = page.getByRole("navigation", { name: "Shop admin" });
      expect(await menu.getByRole("link", { name: "Customers" }).isVisible(), where).toBe(false);
      await page.screenshot({ path: path.join(SCREENSHOTS, `admin-phone-${name}.png`), fullPage: true });
      const measured = await overflow(page);
      if (measured.scrollWidth > PHONE.width || measured.wide.length) found[where || "/"] = measured;
      inaccessible.push(...(await axeFindings(page)).map((v) => `${where || "/"}: ${v}`));
    }
    expect(found).toEqual({});
    expect(inaccessible).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("opens the menu (still no axe violations), goes to a section, and keeps the variants' prices in view", async () => {
    const page = await storefront.context.newPage();
    await page.setViewportSize(PHONE);
    await page.goto(admin);
    await page.getByRole("navigation", { name: "Shop admin" }).getByText("Menu").click();
    expect(await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Customers" }).isVisible()).toBe(true);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-phone-menu-open.png") });
    await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Products" }).click();
    await page.getByRole("heading", { name: "Products", level: 1 }).waitFor();

    await page.getByRole("link", { name: "Stoneware Mug" }).click();
    const price = page.getByRole("textbox", { name: /Price.*Sand \/ 8 oz/ });
    await price.scrollIntoViewIfNeeded();
    const box = (await price.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-phone-variants.png") });
  });

  it("keeps the side menu on a desktop, with no axe violations", async () => {
    const page = await storefront.context.newPage();
    await page.setViewportSize(DESKTOP);
    for (const [name, where] of pages.filter(([name]) => ["home", "product-editor", "order", "settings"].includes(name))) {
      await page.goto(`${admin}${where}`);
      expect(await page.getByRole("navigation", { name: "Shop admin" }).getByRole("link", { name: "Customers" }).isVisible()).toBe(true);
      expect(await axeFindings(page)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `admin-desktop-${name}.png`), fullPage: true });
      expect((await overflow(page)).wide).toEqual([]);
    }
  });
});

describe("the admin's not-found page", () => {
  it("keeps the admin's navigation and hydrates without errors", async () => {
    const page = await storefront.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 404/.test(message.text())) errors.push(message.text());
    });
    const res = await page.goto(`${admin}/nope`);
    expect(res?.status()).toBe(404);
    await page.waitForLoadState("networkidle");
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    expect(await page.title()).toBe("Not found · Bazaar admin");
    const menu = page.getByRole("navigation", { name: "Shop admin" });
    await menu.getByRole("link", { name: "Orders" }).click();
    await page.waitForURL(`${admin}/orders`);
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    expect(errors).toEqual([]);
  });
});

describe("the admin's phone menu without JavaScript", () => {
  it("opens and leads to a section", async () => {
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize(PHONE);
      await logIn(page);
      const menu = page.getByRole("navigation", { name: "Shop admin" });
      expect(await menu.getByRole("link", { name: "Orders" }).isVisible()).toBe(false);
      await menu.getByText("Menu").click();
      await menu.getByRole("link", { name: "Orders" }).click();
      await page.waitForURL(`${admin}/orders`);
      await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
      expect(await menu.getByText("Menu · Orders").count()).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
