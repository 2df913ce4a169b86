import { sql } from "kysely";
import { createDatabase } from "../db/database.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { heading, ms, printTable, seconds, summarize, type Figure, type Stats } from "./support.ts";

const GOAL_MS_PER_SHOP = 50;
// Provisioning gets slower as the catalog grows, so the first and last shops are shown apart.
const EDGE = 100;

export interface ProvisionResult {
  /** Slugs of the shops created, in order. */
  slugs: string[];
  figures: Figure[];
}

export const benchSlug = (i: number) => `bench-${String(i).padStart(4, "0")}`;

/**
 * Provisions `shops` shops one after another, as signups would arrive, timing
 * each provisionShop call: registry row, schema, tenant migrations, settings
 * row and membership, all in one transaction.
 */
export async function benchProvision(databaseUrl: string, { shops }: { shops: number }): Promise<ProvisionResult> {
  heading(`provision: ${shops} shops, one at a time`);
  // One transaction at a time; the second connection is spare.
  const db = createDatabase({ url: databaseUrl, max: 2 });
  try {
    // Argon2 hashing makes createUser slow on purpose, so it stays out of the timings.
    const owner = await createUser(db, { email: "bench-owner@example.com", password: "bench-password" });
    // Warm the connection so the first shop doesn't pay for the connect.
    await sql`select 1`.execute(db);

    const durations: number[] = [];
    const slugs: string[] = [];
    const started = performance.now();
    for (let i = 1; i <= shops; i++) {
      const slug = benchSlug(i);
      const t0 = performance.now();
      await provisionShop(db, { slug, name: `Bench Shop ${i}`, ownerId: owner.id });
      durations.push(performance.now() - t0);
      slugs.push(slug);
    }
    const totalMs = performance.now() - started;

    const { rows } = await sql<{ n: number }>`select count(*)::int as n from platform.shops`.execute(db);
    if (rows[0]?.n !== shops) throw new Error(`expected ${shops} shops in the registry, found ${rows[0]?.n}`);

    const all = summarize(durations);
    const row = (label: string, s: Stats) => [label, ms(s.mean), ms(s.p50), ms(s.p95), ms(s.max)];
    const table = [row(`all ${shops}`, all)];
    if (shops >= 2 * EDGE) {
      table.push(row(`first ${EDGE}`, summarize(durations.slice(0, EDGE))), row(`last ${EDGE}`, summarize(durations.slice(-EDGE))));
    }
    printTable(["per shop", "mean", "p50", "p95", "max"], table);
    console.log(`total for ${shops} shops: ${seconds(totalMs)}`);

    const goal = `< ${GOAL_MS_PER_SHOP} ms`;
    return {
      slugs,
      figures: [
        { benchmark: "provision: mean per shop", measured: ms(all.mean), goal, met: all.mean < GOAL_MS_PER_SHOP },
        { benchmark: "provision: p50 per shop", measured: ms(all.p50), goal, met: all.p50 < GOAL_MS_PER_SHOP },
        { benchmark: "provision: p95 per shop", measured: ms(all.p95), goal, met: all.p95 < GOAL_MS_PER_SHOP },
        { benchmark: `provision: total, ${shops} shops`, measured: seconds(totalMs) },
      ],
    };
  } finally {
    await db.destroy();
  }
}
