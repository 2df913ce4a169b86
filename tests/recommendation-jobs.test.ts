import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { Job, type Queue } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "../db/types.ts";
import { runMaintenance } from "../jobs/processors/maintenance.server.ts";
import {
  RECOMMENDATIONS_QUEUE,
  requestRecommendations,
  scheduleRecommendations,
  startRecommendationsWorker,
  unscheduleRecommendations,
  type RecommendationJob,
} from "../jobs/processors/recommendations.server.ts";
import { jobStore, openQueue, type JobStore } from "../jobs/queues.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { runRecommendations } from "../shop/recommendations/recommendations.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { createProduct, variant } from "./support/storefront.ts";
import { failedJob, waitFor } from "./support/wait.ts";

// The recommendations queue against real Redis: one scheduler per shop, one pending job however often a shop asks,
// retries, and a worker killed mid-run.
if (process.env.CI && !process.env.REDIS_URL) throw new Error("CI must set REDIS_URL");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/1";
// This run's own keys, so no other test or worker shares the queue.
const PREFIX = `bazaar-recs-test-${process.pid}`;

let t: TestDatabase;
let store: JobStore;
let queue: Queue<RecommendationJob>;
let north: Shop;
let south: Shop;
let northDb: TenantDb;

/** The shop's jobs that haven't run yet: waiting, delayed or prioritised. */
async function pendingJobs(shopId: string) {
  const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
  return jobs.filter((job) => job.data.shopId === shopId);
}

beforeAll(async () => {
  t = await createTestDatabase();
  store = jobStore({ redisUrl: REDIS_URL, databaseUrl: t.url, prefix: PREFIX });
  queue = openQueue<RecommendationJob>(store, RECOMMENDATIONS_QUEUE);
  await queue.obliterate({ force: true });
  const owner = await createUser(t.db, { email: "owner@jobs.example", password: "jobs-password-1" });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  south = await provisionShop(t.db, { slug: "south", name: "South", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  const mug = await createProduct(northDb, { title: "Mug", variants: [variant([], 1000)] });
  const saucer = await createProduct(northDb, { title: "Saucer", variants: [variant([], 500)] });
  const variants = await northDb.selectFrom("variants").select(["id", "product_id"]).execute();
  const variantOf = (productId: string) => variants.find((v) => v.product_id === productId)!.id;
  for (let i = 0; i < 3; i++) {
    await recordOrder(northDb, {
      email: `buyer${i}@example.com`,
      currency: "USD",
      financialStatus: "paid",
      lines: [mug, saucer].map((p) => ({ productId: p.id, variantId: variantOf(p.id), title: "x", quantity: 1, unitPrice: 1000 })),
    });
  }
}, 120_000);

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await t?.drop();
});

describe("each shop's scheduler", () => {
  it("is created once per shop, keeps one pending job, and goes when the shop closes", async () => {
    await scheduleRecommendations(queue, north.id);
    await scheduleRecommendations(queue, north.id);
    await scheduleRecommendations(queue, south.id);
    const schedulers = await queue.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).toEqual([`recommendations-${north.id}`, `recommendations-${south.id}`].sort());
    expect(await pendingJobs(north.id)).toHaveLength(1);
    // The two shops run at different minutes of the day.
    expect(schedulers[0].pattern).not.toBe(schedulers[1].pattern);
    await unscheduleRecommendations(queue, south.id);
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toEqual([`recommendations-${north.id}`]);
    // No run of it is scheduled any more (one already waiting to start would be skipped as the shop is closed).
    expect((await pendingJobs(south.id)).filter((job) => job.delay > 0)).toEqual([]);
  });

  it("the hourly sync gives an open shop a missing scheduler and takes a closed shop's away, and nothing else", async () => {
    await t.db.updateTable("platform.shops").set({ status: "closed" }).where("id", "=", north.id).execute();
    try {
      expect(await runMaintenance(t.db, { data: { task: "sync-recommendation-schedulers" } }, store)).toEqual({ created: 1, removed: 1 });
      expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toEqual([`recommendations-${south.id}`]);
      expect(await runMaintenance(t.db, { data: { task: "sync-recommendation-schedulers" } }, store)).toEqual({ created: 0, removed: 0 });
    } finally {
      await t.db.updateTable("platform.shops").set({ status: "active" }).where("id", "=", north.id).execute();
      await runMaintenance(t.db, { data: { task: "sync-recommendation-schedulers" } }, store);
    }
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort()).toEqual([`recommendations-${north.id}`, `recommendations-${south.id}`].sort());
  });

  it("a burst of requests moves the shop's one pending job forward instead of adding jobs", async () => {
    // Let the immediate first runs go, so the pending job is the next scheduled one, hours away.
    const worker = startRecommendationsWorker(store, t.db);
    try {
      await waitFor(async () => ((await pendingJobs(north.id))[0]?.delay ?? 0) > 60_000 || undefined);
    } finally {
      await worker.close();
    }
    const results = await Promise.all(Array.from({ length: 20 }, () => requestRecommendations(queue, north.id, 5_000)));
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const pending = await pendingJobs(north.id);
    expect(pending).toHaveLength(1);
    const dueIn = pending[0].timestamp + pending[0].delay - Date.now();
    expect(dueIn).toBeLessThanOrEqual(5_000);
    // The other shop's job didn't move.
    const other = await pendingJobs(south.id);
    expect(other).toHaveLength(1);
    expect(other[0].timestamp + other[0].delay - Date.now()).toBeGreaterThan(60_000);
  });
});

describe("the worker", () => {
  it("retries a failing run with exponential backoff, and never retries a job for a shop that is gone", async () => {
    const worker = startRecommendationsWorker(store, t.db);
    try {
      const gone = await queue.add("compute", { shopId: "987654" }, { attempts: 5, backoff: { type: "exponential", delay: 30_000 } });
      const failed = await failedJob(queue, gone.id!);
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/unknown shop/);

      // The shop's schema is unreachable for a moment: the run fails and waits for its retry.
      await sql`alter schema ${sql.id(north.schema_name)} rename to ${sql.id(`${north.schema_name}_away`)}`.execute(t.db);
      let retrying;
      try {
        const job = await queue.add("compute", { shopId: north.id }, { attempts: 5, backoff: { type: "exponential", delay: 30_000 } });
        retrying = await waitFor(async () => {
          const current = await Job.fromId<RecommendationJob>(queue, job.id!);
          return current && current.attemptsMade === 1 && (await current.getState()) === "delayed" ? current : undefined;
        });
      } finally {
        await sql`alter schema ${sql.id(`${north.schema_name}_away`)} rename to ${sql.id(north.schema_name)}`.execute(t.db);
      }
      expect(retrying.opts.backoff).toEqual({ type: "exponential", delay: 30_000 });
      expect(retrying.delay).toBeGreaterThanOrEqual(30_000);
      await retrying.remove();
    } finally {
      await worker.close();
    }
  });

  it("a run that dies mid-transaction leaves the previous lists in place; the job runs again and completes", async () => {
    // Only this test's job on the queue.
    await queue.obliterate({ force: true });
    await runRecommendations(northDb);
    const lists = () =>
      northDb.selectFrom("recommendations").select(["list", "subject", "product_id"]).orderBy("list").orderBy("subject").orderBy("product_id").execute();
    const before = await lists();
    const { generation } = await northDb.selectFrom("recommendation_state").select("generation").executeTakeFirstOrThrow();
    expect(before.length).toBeGreaterThan(0);

    // The run's writes fail after it has deleted the old lists inside its transaction (a constraint that refuses
    // new rows only, as a database failure half-way would).
    const table = sql.id(north.schema_name, "recommendations");
    await sql`alter table ${table} add constraint test_refuses_rows check (score < -1) not valid`.execute(t.db);
    const worker = startRecommendationsWorker(store, t.db);
    try {
      const job = await queue.add("compute", { shopId: north.id }, { attempts: 3, backoff: { type: "exponential", delay: 1_000 } });
      await waitFor(async () => ((await Job.fromId(queue, job.id!))?.attemptsMade ? true : undefined));
      expect((await Job.fromId(queue, job.id!))!.failedReason).toMatch(/test_refuses_rows/);
      expect(await lists()).toEqual(before);
      expect((await northDb.selectFrom("recommendation_state").select("generation").executeTakeFirstOrThrow()).generation).toBe(generation);
      await sql`alter table ${table} drop constraint test_refuses_rows`.execute(t.db);

      // The retry runs to the end: a new generation with the same lists.
      await waitFor(async () => ((await Job.fromId(queue, job.id!))?.finishedOn ? true : undefined));
      expect(await (await Job.fromId(queue, job.id!))!.getState()).toBe("completed");
      expect((await northDb.selectFrom("recommendation_state").select("generation").executeTakeFirstOrThrow()).generation).toBe(String(Number(generation) + 1));
      expect(await lists()).toEqual(before);
    } finally {
      await sql`alter table ${table} drop constraint if exists test_refuses_rows`.execute(t.db);
      await worker.close();
    }
  });
});

describe("a Redis restart", () => {
  /** A Redis of this test's own, so restarting it disturbs nobody else's queues. */
  async function startRedis(port: number): Promise<ChildProcess> {
    const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor(() => redisAnswers(port));
    return redis;
  }
  function redisAnswers(port: number): Promise<true | undefined> {
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG") || undefined);
      });
      socket.once("error", () => resolve(undefined));
      socket.once("connect", () => socket.write("PING\r\n"));
    });
  }

  it("leaves the worker and the queue running: once Redis is back, the next job runs", async () => {
    const port = 16_379 + (process.pid % 1000);
    let redis = await startRedis(port);
    const ownStore = jobStore({ redisUrl: `redis://127.0.0.1:${port}/0`, databaseUrl: t.url });
    const ownQueue = openQueue<RecommendationJob>(ownStore, RECOMMENDATIONS_QUEUE);
    const worker = startRecommendationsWorker(ownStore, t.db);
    const completed = (id: string) => async () => ((await Job.fromId(ownQueue, id))?.finishedOn ? true : undefined);
    try {
      const first = await ownQueue.add("compute", { shopId: north.id });
      await waitFor(completed(first.id!));

      // Redis goes away (its data with it, as a restart without persistence does) and comes back.
      const exited = new Promise((resolve) => redis.once("exit", resolve));
      redis.kill("SIGKILL");
      await exited;
      redis = await startRedis(port);

      // The queue reconnects on its own; a job added now is picked up by the same worker.
      const second = await waitFor(() => ownQueue.add("compute", { shopId: north.id }).catch(() => undefined));
      await waitFor(completed(second.id!), 30_000);
      expect(await (await Job.fromId(ownQueue, second.id!))!.getState()).toBe("completed");
    } finally {
      await worker.close(true);
      await ownQueue.close();
      redis.kill("SIGKILL");
    }
  }, 60_000);
});
