import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { MAINTENANCE_QUEUE, runMaintenance, type MaintenanceJob } from "../jobs/processors/maintenance.server.ts";
import { requestSpareShopRefill, SPARE_SHOPS_QUEUE, type SpareShopsJob } from "../jobs/processors/spare-shops.server.ts";
import { jobStore, openQueue } from "../jobs/queues.server.ts";
import { startWorkers } from "../jobs/worker.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { countSpareShops, provisionShop } from "../tenants/provision.server.ts";
import { ShopSweepError } from "../tenants/sweep.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { failedJob, waitFor } from "./support/wait.ts";

// The PostgreSQL backend always runs; Redis runs wherever REDIS_URL is set, which .ci/run guarantees.
if (process.env.CI && !process.env.REDIS_URL) throw new Error("CI must set REDIS_URL so the Redis backend is tested too");
const backends = [{ kind: "postgres" }, ...(process.env.REDIS_URL ? [{ kind: "redis", redisUrl: process.env.REDIS_URL }] : [])];

// Redis keys of this run's own, so another run or a local worker on the same Redis never shares these queues.
const REDIS_PREFIX = `bazaar-test-${process.pid}`;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

describe.each(backends)("maintenance worker on $kind", ({ redisUrl }) => {
  it("purges expired sessions and stale login failures, keeping live ones", async () => {
    const user = await createUser(t.db, { email: `worker-${Date.now()}@example.com`, password: "long-enough-1" });
    const store = jobStore({ redisUrl, databaseUrl: t.url, prefix: REDIS_PREFIX });
    const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
    // A schedule an earlier version registered, for a task this one no longer has.
    await queue.upsertJobScheduler(
      "retired-task",
      { every: 3600_000, startDate: Date.now() + 3600_000 },
      { name: "retired-task", data: { task: "retired-task" } as never },
    );
    const stop = await startWorkers(store, t.db, { spareShops: 0 });
    try {
      // Each schedule's first run starts right away; let them finish so the rows below meet our own job.
      const schedules = (await queue.getJobSchedulers()).length;
      await waitFor(async () => ((await queue.getCompletedCount()) >= schedules ? true : undefined));
      const hour = 3600_000;
      await t.db
        .insertInto("platform.sessions")
        .values([
          { id: `expired-${user.id}`, user_id: user.id, expires_at: new Date(Date.now() - hour) },
          { id: `live-${user.id}`, user_id: user.id, expires_at: new Date(Date.now() + hour) },
        ])
        .execute();
      await t.db
        .insertInto("platform.rate_limits")
        .values([
          { key: `old-${user.id}`, points: 5, expire: String(Date.now() - hour) },
          { key: `new-${user.id}`, points: 1, expire: String(Date.now() + hour) },
        ])
        .execute();

      const job = await queue.add("purge-expired-auth", { task: "purge-expired-auth" });
      const done = await waitFor(async () => {
        const current = await queue.getJob(job.id!);
        const state = await current?.getState();
        if (state === "failed") throw new Error(current?.failedReason);
        return state === "completed" ? current : undefined;
      });
      expect(done!.returnvalue).toEqual({ sessions: 1, rateLimits: 1, operatorSessions: 0 });
      const sessions = await t.db.selectFrom("platform.sessions").select("id").where("user_id", "=", user.id).execute();
      expect(sessions.map((s) => s.id)).toEqual([`live-${user.id}`]);
      const counters = await t.db.selectFrom("platform.rate_limits").select("key").where("key", "like", `%-${user.id}`).execute();
      expect(counters.map((c) => c.key)).toEqual([`new-${user.id}`]);

      // The recurring schedules are registered once, however often workers start, and retired ones are dropped.
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual([
        "freeze-lapsed-shops",
        "meter-shops",
        "purge-closed-shops",
        "purge-expired-auth",
        "purge-expired-shopper-records",
        "purge-old-signals",
        "purge-stale-invitations",
        "purge-stripe-events",
        "requeue-stripe-events",
        "sync-recommendation-schedulers",
      ]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await stop();
    }
  });

  it("purges expired carts and shopper sessions shop by shop, leaving live ones", async () => {
    const owner = await createUser(t.db, { email: `shops-${Date.now()}@example.com`, password: "long-enough-1" });
    const shops = [
      await provisionShop(t.db, { slug: `purge-a-${Date.now()}`, name: "A", ownerId: owner.id }),
      await provisionShop(t.db, { slug: `purge-b-${Date.now()}`, name: "B", ownerId: owner.id }),
    ];
    const hour = 3600_000;
    for (const shop of shops) {
      const db = tenantDb(t.db, shop.schema_name);
      await db
        .insertInto("carts")
        .values([
          { token_hash: `expired-${shop.id}`, expires_at: new Date(Date.now() - hour) },
          { token_hash: `live-${shop.id}`, expires_at: new Date(Date.now() + hour) },
        ])
        .execute();
    }
    const store = jobStore({ redisUrl, databaseUrl: t.url, prefix: REDIS_PREFIX });
    const stop = await startWorkers(store, t.db, { spareShops: 0 });
    const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
    try {
      const job = await queue.add("purge-expired-shopper-records", { task: "purge-expired-shopper-records" });
      await waitFor(async () => {
        const current = await queue.getJob(job.id!);
        const state = await current?.getState();
        if (state === "failed") throw new Error(current?.failedReason);
        return state === "completed" ? true : undefined;
      });
      for (const shop of shops) {
        const carts = await tenantDb(t.db, shop.schema_name).selectFrom("carts").select("token_hash").execute();
        expect(carts.map((c) => c.token_hash)).toEqual([`live-${shop.id}`]);
      }
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await stop();
    }
  });

  it("keeps the spare-shop pool at its target as signups draw on it", async () => {
    const owner = await createUser(t.db, { email: `spares-${Date.now()}@example.com`, password: "long-enough-1" });
    // Both backends share one database: aim two above whatever the other left.
    const target = (await countSpareShops(t.db)) + 2;
    const store = jobStore({ redisUrl, databaseUrl: t.url, prefix: REDIS_PREFIX });
    const stop = await startWorkers(store, t.db, { spareShops: target });
    const queue = openQueue<SpareShopsJob>(store, SPARE_SHOPS_QUEUE);
    const poolAt = (n: number) => waitFor(async () => ((await countSpareShops(t.db)) === n ? true : undefined));
    try {
      await poolAt(target); // the schedule's first run
      const spares = await t.db.selectFrom("platform.spare_shops").select("schema_name").orderBy("id").execute();
      const shop = await provisionShop(t.db, { slug: `spare-claim-${Date.now()}`, name: "Claimed", ownerId: owner.id });
      expect(shop.schema_name).toBe(spares[0].schema_name);
      expect(await countSpareShops(t.db)).toBe(target - 1);

      // A burst of signups asking at once queues at most one refill behind a running one.
      const idle = () => waitFor(async () => ((await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0 ? true : undefined));
      const requestedRefills = async () => (await queue.getJobs(["completed"])).filter((job) => !job.repeatJobKey).length;
      await idle();
      const before = await requestedRefills();
      await Promise.all(Array.from({ length: 5 }, () => requestSpareShopRefill(queue)));
      await poolAt(target);
      await idle();
      expect(await countSpareShops(t.db)).toBe(target);
      const ran = (await requestedRefills()) - before;
      expect(ran).toBeGreaterThanOrEqual(1);
      expect(ran).toBeLessThanOrEqual(2);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await stop();
    }
  });

  it("purges invitations that expired over a month ago", async () => {
    const owner = await createUser(t.db, { email: `inviter-${Date.now()}@example.com`, password: "long-enough-1" });
    const shop = await provisionShop(t.db, { slug: `invites-${Date.now()}`, name: "Invites", ownerId: owner.id });
    const store = jobStore({ redisUrl, databaseUrl: t.url, prefix: REDIS_PREFIX });
    const stop = await startWorkers(store, t.db, { spareShops: 0 });
    const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
    try {
      // Let the schedules' first runs finish, so only our own job meets the rows below.
      const schedules = (await queue.getJobSchedulers()).length;
      await waitFor(async () => ((await queue.getCompletedCount()) >= schedules ? true : undefined));
      const day = 86_400_000;
      const invite = (email: string, expiredDaysAgo: number) => ({
        shop_id: shop.id,
        email,
        role: "staff" as const,
        token_hash: `${email}-${shop.id}`,
        invited_by: owner.id,
        expires_at: new Date(Date.now() - expiredDaysAgo * day),
      });
      await t.db
        .insertInto("platform.invitations")
        .values([invite("stale@example.com", 31), invite("recent@example.com", 2), invite("pending@example.com", -2)])
        .execute();

      const job = await queue.add("purge-stale-invitations", { task: "purge-stale-invitations" });
      const done = await waitFor(async () => {
        const current = await queue.getJob(job.id!);
        const state = await current?.getState();
        if (state === "failed") throw new Error(current?.failedReason);
        return state === "completed" ? current : undefined;
      });
      expect(done!.returnvalue).toEqual({ invitations: 1 });
      const left = await t.db.selectFrom("platform.invitations").select("email").where("shop_id", "=", shop.id).orderBy("email").execute();
      expect(left.map((i) => i.email)).toEqual(["pending@example.com", "recent@example.com"]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await stop();
    }
  });

  it("fails a malformed job without touching the database", async () => {
    const store = jobStore({ redisUrl, databaseUrl: t.url, prefix: REDIS_PREFIX });
    const stop = await startWorkers(store, t.db, { spareShops: 0 });
    const queue = openQueue<MaintenanceJob>(store, MAINTENANCE_QUEUE);
    try {
      const before = await t.db.selectFrom("platform.sessions").select("id").execute();
      const job = await queue.add("bogus", { task: "drop-everything" } as unknown as MaintenanceJob);
      const failed = await failedJob(queue, job.id!);
      expect(failed.failedReason).toContain("unknown maintenance task");
      expect(await t.db.selectFrom("platform.sessions").select("id").execute()).toEqual(before);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await stop();
    }
  });
});

describe("maintenance sweeps over every shop", () => {
  it("a broken shop fails the sweep without stopping it for the shops after it", async () => {
    const owner = await createUser(t.db, { email: `sweep-${Date.now()}@example.com`, password: "long-enough-1" });
    const shops = [];
    for (const slug of ["sweep-a", "sweep-broken", "sweep-c"]) shops.push(await provisionShop(t.db, { slug, name: slug, ownerId: owner.id }));
    const hour = 3600_000;
    for (const shop of [shops[0], shops[2]])
      await tenantDb(t.db, shop.schema_name)
        .insertInto("carts")
        .values({ token_hash: `expired-${shop.id}`, expires_at: new Date(Date.now() - hour) })
        .execute();
    // A shop whose schema lost a table (a failed migration, a manual mistake).
    await sql`drop table ${sql.id(shops[1].schema_name, "customer_sessions")}`.execute(t.db);

    const failure = await runMaintenance(t.db, { data: { task: "purge-expired-shopper-records" } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ShopSweepError);
    expect((failure as ShopSweepError).failures.map((f) => f.shopId)).toEqual([shops[1].id]);
    for (const shop of [shops[0], shops[2]])
      expect(await tenantDb(t.db, shop.schema_name).selectFrom("carts").select("id").where("token_hash", "=", `expired-${shop.id}`).execute()).toEqual([]);
  });
});
