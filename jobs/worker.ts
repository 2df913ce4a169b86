import { pathToFileURL } from "node:url";
import { createDatabase, type PlatformDb } from "../db/database.server.ts";
import { resolveDatabaseUrl } from "../db/embedded.server.ts";
import { readConfig } from "../server/config.ts";
import { stripeFromEnv, type StripeSetup } from "../server/stripe.server.ts";
import { mediaStorageFromEnv, type MediaStorage } from "../shop/storage.server.ts";
import { startCatalogueTransferWorker } from "./processors/catalogue-transfer.server.ts";
import { startCheckoutReminderWorker } from "./processors/checkout-reminders.server.ts";
import { startMailWorker } from "./processors/mail.server.ts";
import { startRecommendationsWorker } from "./processors/recommendations.server.ts";
import { startStripeEventWorker } from "./processors/stripe-events.server.ts";
import { scheduleMaintenance, startMaintenanceWorker } from "./processors/maintenance.server.ts";
import { scheduleSpareShopRefills, startSpareShopWorker } from "./processors/spare-shops.server.ts";
import { jobStore, type JobStore } from "./queues.server.ts";

export interface StartWorkersOptions {
  /** How many provisioned spare shops to keep ready for signups (SPARE_SHOPS). */
  spareShops: number;
  media?: MediaStorage;
  /** Stripe, for its events' worker (STRIPE_SECRET_KEY…); null: no Stripe, no such worker. */
  stripe?: StripeSetup | null;
}

/** Starts every queue's worker and its schedules; returns a function that stops them. */
export async function startWorkers(
  store: JobStore,
  db: PlatformDb,
  { spareShops, media = mediaStorageFromEnv(), stripe = stripeFromEnv() }: StartWorkersOptions,
): Promise<() => Promise<void>> {
  await scheduleMaintenance(store);
  await scheduleSpareShopRefills(store);
  const stripeEvents = startStripeEventWorker(store, db, stripe);
  const workers = [
    startMaintenanceWorker(store, db),
    startCatalogueTransferWorker(store, db, media),
    startSpareShopWorker(store, db, spareShops),
    startCheckoutReminderWorker(store, db),
    startRecommendationsWorker(store, db),
    startMailWorker(store),
    ...(stripeEvents ? [stripeEvents] : []),
  ];
  for (const worker of workers) worker.on("failed", (job, error) => console.error(`job ${worker.name}/${job?.id} failed:`, error.message));
  return async () => void (await Promise.all(workers.map((w) => w.close())));
}

// `npm run worker`: the worker as its own process.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const config = readConfig();
  const database = await resolveDatabaseUrl(config.databaseUrl);
  const db = createDatabase({ url: database.url });
  const store = jobStore({ redisUrl: config.redisUrl, databaseUrl: database.url });
  const stop = await startWorkers(store, db, { spareShops: config.spareShops });
  console.log(`worker running on ${store.kind}`);
  const shutdown = async () => {
    await stop();
    await db.destroy();
    await database.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
