import { createPostgresBackend, createRedisBackend, Queue, Worker, type BackendFactory, type Processor, type WorkerOptions } from "bullmq";

/** Where BullMQ keeps its state: Redis in production, or our own PostgreSQL when REDIS_URL is unset. */
export interface JobStore {
  kind: "redis" | "postgres";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one field holds either backend's factory
  factory: BackendFactory<any, any>;
  connection: unknown;
  /** Namespace of the Redis keys (BullMQ's default "bull"), so runs sharing one Redis keep apart. */
  prefix?: string;
}

export function jobStore({ redisUrl, databaseUrl, prefix }: { redisUrl?: string; databaseUrl: string; prefix?: string }): JobStore {
  if (redisUrl) {
    const url = new URL(redisUrl);
    return {
      kind: "redis",
      factory: createRedisBackend,
      prefix,
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        username: url.username || undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        db: Number(url.pathname.slice(1) || 0),
        tls: url.protocol === "rediss:" ? {} : undefined,
      },
    };
  }
  // A schema of its own keeps BullMQ's tables apart from the registry and the shops.
  return { kind: "postgres", factory: createPostgresBackend, connection: { connectionString: databaseUrl, schema: "bullmq", migrate: true } };
}

export function openQueue<Data>(store: JobStore, name: string): Queue<Data> {
  return new Queue<Data>(name, { connection: store.connection, prefix: store.prefix } as never, store.factory);
}

/**
 * A worker for platform-wide jobs. A job about one shop (its data has a `shopId`) can't use it: it goes through
 * startShopWorker (jobs/shop-jobs.server.ts), which honours the shop's lifecycle.
 */
export function startWorker<Data>(
  store: JobStore,
  name: Data extends { shopId: unknown } ? "per-shop jobs go through startShopWorker" : string,
  processor: Processor<Data>,
  options: Omit<WorkerOptions, "connection"> = {},
): Worker<Data> {
  return new Worker<Data>(name, processor, { ...options, connection: store.connection, prefix: store.prefix } as never, store.factory);
}
