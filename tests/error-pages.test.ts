import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp, type TestResponse } from "./support/http.ts";

// An unexpected error (here: the registry's tables renamed away under a running app) answers a plain 500 page.
// Outside development it says nothing about the error: no stack, no database message.
let t: TestDatabase;
let app: TestApp;
let dev: TestApp;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestApp(t.url);
  dev = await startTestApp(t.url, { NODE_ENV: "development" });
  await sql`alter table platform.shops rename to shops_gone`.execute(t.db);
  await sql`alter table platform.plans rename to plans_gone`.execute(t.db);
});
afterAll(async () => {
  await dev?.close();
  await app?.close();
  await t?.drop();
});

/** Anything that would tell an attacker about the error: its database text, a stack frame, a source path. */
function expectNothingLeaked(res: TestResponse) {
  expect(res.body).not.toMatch(/shops|plans|relation|does not exist/i);
  expect(res.body).not.toMatch(/\bat .*:\d+:\d+|node_modules|\.ts\b/);
}

describe("unexpected errors", () => {
  it("in the Express layer (the shop's host can't be resolved): a plain 500 page", async () => {
    const res = await app.request("north.shops.test", "/");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("Something went wrong");
    expectNothingLeaked(res);
  });

  it("in a Remix loader (the pricing page's plans): the error page, and its data without the message", async () => {
    const page = await app.request(PLATFORM, "/pricing");
    expect(page.status).toBe(500);
    expect(page.body).toContain("Something went wrong");
    expectNothingLeaked(page);
    const data = await app.request(PLATFORM, "/pricing.data");
    expect(data.status).toBe(500);
    expectNothingLeaked(data);
  });

  it("in development, shows the stack", async () => {
    const res = await dev.request("north.shops.test", "/");
    expect(res.status).toBe(500);
    expect(res.body).toContain('relation "platform.shops" does not exist');
    expect(res.body).toMatch(/\n\s+at /);
  });

  it("a 4xx passed on by a middleware keeps its status, as plain text (a missing build asset)", async () => {
    const res = await app.request(PLATFORM, "/build/gone-ABC123.js");
    expect(res.status).toBe(404);
    expect(res.body).toBe("Not Found");
  });
});
