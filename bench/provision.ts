import { sql } from "kysely";
import { createDatabase } from "../db/database.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { countSpareShops, provisionShop, replenishSpareShops } from "../tenants/provision.server.ts";
import { heading, ms, printTable, seconds, summarize, type Figure, type Stats } from "./support.ts";

const GOAL_MS_PER_SHOP = 50;
// Provisioning gets slower as the catalog grows, so the first and last shops are shown apart.
const EDGE = 100;
// Signups that find the spare pool empty and provision from scratch, measured after the others.
const COLD_SIGNUPS = 50;

export interface ProvisionResult {
  /** Slugs of the shops created, in order. */
  slugs: string[];
  figures: Figure[];
}

export const benchSlug = (i: number) => `bench-${String(i).padStart(4, "0")}`;

async function timed(count: number, step: (i: number) => Promise<unknown>): Promise<{ durations: number[]; totalMs: number }> {
  const durations: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= count; i++) {
    const t0 = performance.now();
    await step(i);
    durations.push(performance.now() - t0);
  }
  return { durations, totalMs: performance.now() - started };
}

function printStats(what: string, durations: number[]): Stats {
  const all = summarize(durations);
  const row = (label: string, s: Stats) => [label, ms(s.mean), ms(s.p50), ms(s.p95), ms(s.max)];
  const table = [row(`all ${durations.length}`, all)];
  if (durations.length >= 2 * EDGE) {
    table.push(row(`first ${EDGE}`, summarize(durations.slice(0, EDGE))), row(`last ${EDGE}`, summarize(durations.slice(-EDGE))));
  }
  printTable([what, "mean", "p50", "p95", "max"], table);
  return all;
}

/**
 * Provisions `shops` shops one after another, as signups would arrive, the way
 * production does it (docs/decisions/013-spare-shop-pool.md):
 *
 * 1. the worker fills the spare pool, one migrated schema per transaction
 *    (`replenishSpareShops`, timed per spare: this is where the DDL goes);
 * 2. signups claim those spares (`provisionShop`: registry row, spare claimed
 *    and checked up to date, settings row, owner's membership, one transaction);
 * 3. the last COLD_SIGNUPS signups find the pool empty and provision from
 *    scratch (schema and every tenant migration inside the signup).
 */
export async function benchProvision(databaseUrl: string, { shops }: { shops: number }): Promise<ProvisionResult> {
  const cold = Math.min(COLD_SIGNUPS, Math.floor(shops / 10));
  const warm = shops - cold;
  heading(`provision: ${shops} shops, one at a time (${warm} from the spare pool, ${cold} with it empty)`);
  // One transaction at a time; the second connection is spare.
  const db = createDatabase({ url: databaseUrl, max: 2 });
  try {
    // Argon2 hashing makes createUser slow on purpose, so it stays out of the timings.
    const owner = await createUser(db, { email: "bench-owner@example.com", password: "bench-password" });
    // Warm the connection so the first shop doesn't pay for the connect.
    await sql`select 1`.execute(db);

    const refill = await timed(warm, (i) => replenishSpareShops(db, i));
    if ((await countSpareShops(db)) !== warm) throw new Error(`expected ${warm} spare shops`);
    const refillStats = printStats("spare refill (worker), per shop", refill.durations);
    console.log(`refill total for ${warm} spares: ${seconds(refill.totalMs)} (${(warm / (refill.totalMs / 1000)).toFixed(1)} spares/s, one at a time)`);

    const slugs = Array.from({ length: shops }, (_, i) => benchSlug(i + 1));
    const claims = await timed(warm, (i) => provisionShop(db, { slug: slugs[i - 1], name: `Bench Shop ${i}`, ownerId: owner.id }));
    if ((await countSpareShops(db)) !== 0) throw new Error("expected every spare to be claimed");
    const claimStats = printStats("signup, spare ready, per shop", claims.durations);
    console.log(`total for ${warm} signups: ${seconds(claims.totalMs)}`);

    const scratch = await timed(cold, (i) => provisionShop(db, { slug: slugs[warm + i - 1], name: `Bench Shop ${warm + i}`, ownerId: owner.id }));
    const scratchStats = cold ? printStats("signup, pool empty, per shop", scratch.durations) : null;

    const { rows } = await sql<{ n: number }>`select count(*)::int as n from platform.shops`.execute(db);
    if (rows[0]?.n !== shops) throw new Error(`expected ${shops} shops in the registry, found ${rows[0]?.n}`);

    const goal = `< ${GOAL_MS_PER_SHOP} ms`;
    const figures: Figure[] = [
      { benchmark: "provision: signup with a spare ready, mean", measured: ms(claimStats.mean), goal, met: claimStats.mean < GOAL_MS_PER_SHOP },
      { benchmark: "provision: signup with a spare ready, p95", measured: ms(claimStats.p95), goal, met: claimStats.p95 < GOAL_MS_PER_SHOP },
      { benchmark: `provision: total, ${warm} signups with spares ready`, measured: seconds(claims.totalMs) },
      { benchmark: "provision: spare refill by the worker, mean (p95)", measured: `${ms(refillStats.mean)} (${ms(refillStats.p95)})` },
      { benchmark: `provision: spare refill, total for ${warm}`, measured: seconds(refill.totalMs) },
    ];
    if (scratchStats) {
      figures.push({ benchmark: "provision: signup with the pool empty, mean (p95)", measured: `${ms(scratchStats.mean)} (${ms(scratchStats.p95)})` });
    }
    return { slugs, figures };
  } finally {
    await db.destroy();
  }
}
