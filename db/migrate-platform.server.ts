import { Migrator, type Migration } from "kysely";
import type { PlatformDb } from "./database.server.ts";
import * as registry from "./migrations/0001_registry.ts";
import * as staff from "./migrations/0002_staff.ts";
import * as extensions from "./migrations/0003_extensions.ts";
import * as spareShops from "./migrations/0004_spare_shops.ts";
import * as shopLifecycle from "./migrations/0005_shop_lifecycle.ts";
import * as plans from "./migrations/0006_plans.ts";
import * as operators from "./migrations/0007_operators.ts";
import * as metering from "./migrations/0008_metering.ts";
import * as ledgerMonths from "./migrations/0009_ledger_months.ts";
import * as billing from "./migrations/0010_billing.ts";
import * as invoices from "./migrations/0011_invoices.ts";
import * as rateLimits from "./migrations/0012_rate_limits.ts";
import * as stripe from "./migrations/0013_stripe.ts";
import * as hashedSessions from "./migrations/0014_hashed_sessions.ts";
import * as passwordResets from "./migrations/0015_password_resets.ts";
import * as emailVerification from "./migrations/0016_email_verification.ts";

// Imported statically so the list is the same under tsx, the Remix build and tests.
const migrations: Record<string, Migration> = {
  "0001_registry": registry,
  "0002_staff": staff,
  "0003_extensions": extensions,
  "0004_spare_shops": spareShops,
  "0005_shop_lifecycle": shopLifecycle,
  "0006_plans": plans,
  "0007_operators": operators,
  "0008_metering": metering,
  "0009_ledger_months": ledgerMonths,
  "0010_billing": billing,
  "0011_invoices": invoices,
  "0012_rate_limits": rateLimits,
  "0013_stripe": stripe,
  "0014_hashed_sessions": hashedSessions,
  "0015_password_resets": passwordResets,
  "0016_email_verification": emailVerification,
};

/** Migrates the shared `platform` schema with Kysely's own Migrator (one schema, run rarely). */
export async function migratePlatform(db: PlatformDb): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: "platform",
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`platform migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
}
