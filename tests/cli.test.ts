import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { SHOPIFY_COLUMNS } from "../shop/csv/shopify-format.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let t: TestDatabase;
let north: Shop;
let south: Shop;
let northDb: TenantDb;
let southDb: TenantDb;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), "bazaar-cli-"));
  t = await createTestDatabase();
  const owner = await createUser(t.db, { email: "owner@example.com", password: "owner-pass-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  southDb = tenantDb(t.db, south.schema_name);
  await northDb.updateTable("settings").set({ currency: "EUR" }).execute();
  await southDb.updateTable("settings").set({ currency: "JPY" }).execute();
});
afterAll(async () => {
  await t?.drop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command as a merchant types it: through npm, so the package.json script is tested too. */
function bazaar(...args: string[]): Promise<Run> {
  return bazaarWith({}, ...args);
}

function bazaarWith(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "bazaar", "--", ...args],
      { env: { ...process.env, DATABASE_URL: t.url, MEDIA_DIR: path.join(scratch, "media"), ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run bazaar", () => {
  it("create-operator makes an operator account and prints its TOTP secret once", async () => {
    const weak = await bazaarWith({ OPERATOR_PASSWORD: "short" }, "create-operator", "--email", "boss@example.com");
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("OPERATOR_PASSWORD: Use at least 8 characters.");
    const run = await bazaarWith({ OPERATOR_PASSWORD: "a-long-operator-password" }, "create-operator", "--email", "Boss@Example.com");
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.email).toBe("boss@example.com");
    expect(printed.totpUri).toMatch(/^otpauth:\/\/totp\/Bazaar:boss%40example\.com\?issuer=Bazaar&secret=[A-Z2-7]{32}&/);
    const stored = await t.db.selectFrom("platform.operators").select(["email", "totp_secret"]).execute();
    expect(stored).toEqual([{ email: "boss@example.com", totp_secret: printed.totpSecret }]);
    const again = await bazaarWith({ OPERATOR_PASSWORD: "a-long-operator-password" }, "create-operator", "--email", "boss@example.com");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("import-products prints the report as one JSON object and exits 0, bad rows included", async () => {
    const run = await bazaar("import-products", "--shop", "north", "tests/fixtures/shopify-bad-rows.csv");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(report).toMatchObject({ created: 3, updated: 0, skipped: 6 });
    expect(report.errors.map((e: { line: number; handle: string }) => [e.line, e.handle])).toEqual([
      [3, "no-title"],
      [5, "bad-price"],
      [6, "bad-status"],
      [9, "dup-options"],
      [13, ""],
      [14, "long-seo"],
      [15, "bad-qty"],
    ]);
    expect(report.errors[1].message).toContain('"12,34.5"');
    // Diagnostics went to standard error.
    expect(run.stderr).toContain("of 14 rows");

    expect((await northDb.selectFrom("products").select("handle").orderBy("handle").execute()).map((p) => p.handle)).toEqual([
      "good-hat",
      "good-socks",
      "split-scarf",
    ]);
    expect(await southDb.selectFrom("products").select("id").execute()).toEqual([]);
    const transfer = await northDb.selectFrom("catalogue_transfers").selectAll().executeTakeFirstOrThrow();
    expect(transfer).toMatchObject({ kind: "import", status: "done", file_name: "shopify-bad-rows.csv", total_rows: 14, processed_rows: 14 });
    expect(transfer.created_by).toMatch(/^cli:/);
    const audit = await northDb.selectFrom("audit_events").select("action").where("subject_type", "=", "catalogue_transfer").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["catalogue.import_started", "catalogue.import_finished"]);
  });

  it("import-products reads prices in the shop's currency", async () => {
    const run = await bazaar("import-products", "--shop", "south", "tests/fixtures/shopify-jpy.csv");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: 1, skipped: 1, errors: [{ line: 3, handle: "yen-cup" }] });
  });

  it("export-products writes the shop's catalogue as CSV on standard output", async () => {
    const [run, southRun] = await Promise.all([bazaar("export-products", "--shop", "north"), bazaar("export-products", "--shop", "south")]);
    expect(run.code).toBe(0);
    const records: Record<string, string>[] = parse(run.stdout, { columns: true });
    expect(Object.keys(records[0])).toEqual([...SHOPIFY_COLUMNS]);
    expect([...new Set(records.map((r) => r.Handle))].sort()).toEqual(["good-hat", "good-socks", "split-scarf"]);
    expect(records.filter((r) => r.Handle === "split-scarf").map((r) => r["Variant Price"])).toEqual(["20.00", "22.00"]);
    const southRecords: Record<string, string>[] = parse(southRun.stdout, { columns: true });
    expect(southRecords.map((r) => [r.Handle, r["Variant Price"]])).toEqual([["yen-bowl", "1200"]]);
    expect(await northDb.selectFrom("catalogue_transfers").select(["kind", "status"]).where("kind", "=", "export").execute()).toEqual([
      { kind: "export", status: "done" },
    ]);
    expect(await southDb.selectFrom("catalogue_transfers").select(["kind", "status"]).where("kind", "=", "export").execute()).toEqual([
      { kind: "export", status: "done" },
    ]);
  });

  it("export-shop writes the whole shop as a bundle that restore-shop makes into a new shop", async () => {
    const bundle = await new Promise<Buffer>((resolve, reject) => {
      execFile(
        "npm",
        ["run", "--silent", "bazaar", "--", "export-shop", "--shop", "south"],
        { env: { ...process.env, DATABASE_URL: t.url, MEDIA_DIR: path.join(scratch, "media") }, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    const file = path.join(scratch, "south.bazaar.gz");
    writeFileSync(file, bundle);
    const [nobody, restored] = [
      await bazaar("restore-shop", "--shop", "south-copy", "--owner", "nobody@example.com", file),
      await bazaar("restore-shop", "--shop", "south-copy", "--owner", "owner@example.com", file),
    ];
    expect(nobody).toMatchObject({ code: 1, stdout: "" });
    expect(nobody.stderr).toContain("no merchant account with the email nobody@example.com");
    expect(restored.code, restored.stderr).toBe(0);
    const copy = JSON.parse(restored.stdout);
    expect(copy).toMatchObject({ slug: "south-copy", name: "South" });
    const schema = (await t.db.selectFrom("platform.shops").select("schema_name").where("id", "=", copy.id).executeTakeFirstOrThrow()).schema_name;
    const titles = (db: TenantDb) => db.selectFrom("products").select(["handle", "title"]).orderBy("handle").execute();
    expect(await titles(tenantDb(t.db, schema))).toEqual(await titles(southDb));
    expect((await tenantDb(t.db, schema).selectFrom("settings").select("currency").executeTakeFirstOrThrow()).currency).toBe("JPY");
  });

  it("fails with exit code 1 and nothing on standard output for an unknown shop, a missing file or a non-CSV", async () => {
    const notCsv = path.join(scratch, "list.csv");
    writeFileSync(notCsv, "Name,Price\nShirt,10\n");
    const [unknown, missing, wrong] = await Promise.all([
      bazaar("import-products", "--shop", "nowhere", "tests/fixtures/shopify-jpy.csv"),
      bazaar("import-products", "--shop", "north", path.join(scratch, "missing.csv")),
      bazaar("import-products", "--shop", "north", notCsv),
    ]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain("no shop with the address nowhere");
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toContain("cannot read");
    expect(wrong).toMatchObject({ code: 1, stdout: "" });
    expect(wrong.stderr).toContain("no Handle column");
  });

  it("explains its usage with exit code 2", async () => {
    const run = await bazaar("import-products", "tests/fixtures/shopify-jpy.csv");
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("--shop SLUG is required");
    expect(run.stderr).toContain("usage:");
  });
});
