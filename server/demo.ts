import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDatabase } from "../db/database.server.ts";
import { resolveDatabaseUrl } from "../db/embedded.server.ts";
import { migrateAll } from "../db/migrate.ts";
import { mediaStorageFromEnv } from "../shop/storage.server.ts";
import { startWorkers } from "../jobs/worker.ts";
import { DEMO_MERCHANT, DEMO_OPERATOR, DEMO_OPERATOR_TOTP_SECRET, DEMO_PASSWORD, DEMO_SHOPS, seedDemo } from "../tenants/demo.server.ts";
import { platformOrigin, readConfig, shopOrigin } from "./config.ts";
import { startServer } from "./index.ts";
import { createServices } from "./services.server.ts";

/** The demo signs previews with a secret of its own, kept beside its data so password cookies survive a restart. */
function demoPreviewSecret(): string {
  const file = path.resolve(".data/preview-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("hex");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

// `npm run demo`: migrate, seed three shops, then serve the web app and a worker in one process.
process.env.PREVIEW_SECRET ||= demoPreviewSecret();
const config = readConfig();
const database = await resolveDatabaseUrl(config.databaseUrl);
const migrationDb = createDatabase({ url: database.url });
const report = await migrateAll(migrationDb);
if (report.failed.length) throw new Error(`migrations failed: ${JSON.stringify(report.failed)}`);
// The demo's product photos are drawn now and stored where the app will serve them from.
const seedMedia = mediaStorageFromEnv(process.env);
await seedDemo(migrationDb, seedMedia);
await seedMedia.close();
await migrationDb.destroy();

const services = await createServices(config, database.url);
const stopWorkers = await startWorkers(services.jobs, services.db, { media: services.media, spareShops: config.spareShops, stripe: services.stripe });
const server = await startServer(config, services);

console.log(`
Bazaar demo is running (jobs on ${services.jobs.kind}).

  Platform:   ${platformOrigin(config)}/
  Shops:
${DEMO_SHOPS.map((s) => `    ${s.name.padEnd(24)} ${shopOrigin(config, s.slug)}/`).join("\n")}

  Merchant login: ${DEMO_MERCHANT} / ${DEMO_PASSWORD}   (${platformOrigin(config)}/login)
  Operator login: ${DEMO_OPERATOR} / ${DEMO_PASSWORD}   (${platformOrigin(config)}/operator)
                  plus a code from an authenticator app set up with the secret ${DEMO_OPERATOR_TOTP_SECRET}
`);

const shutdown = () =>
  server.close(async () => {
    await stopWorkers();
    await services.close();
    await database.stop();
    process.exit(0);
  });
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
