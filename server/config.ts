import type { HostConfig } from "../tenants/hosts.ts";

export interface Config extends HostConfig {
  port: number;
  production: boolean;
  /** NODE_ENV=development (`remix dev`): error pages may show stacks. Everything else, tests and the demo included, hides them. */
  development: boolean;
  /** Honour X-Forwarded-Host/-Proto only behind a proxy we control. */
  trustProxy: boolean;
  /** Unset: an embedded PostgreSQL is started (db/embedded.ts). */
  databaseUrl: string | undefined;
  /** Unset: BullMQ uses its PostgreSQL backend in the same database. */
  redisUrl: string | undefined;
  /** Serve anonymous storefront pages from the in-process page cache (PAGE_CACHE=on|off; on in production). */
  pageCache: boolean;
  /** Provisioned shops the worker keeps ready so a signup claims one instead of waiting for its schema (SPARE_SHOPS). */
  spareShops: number;
  /** The most a storefront page waits for its recommendations before going without them (RECOMMENDATIONS_BUDGET_MS). */
  recommendationsBudgetMs: number;
}

const DEFAULT_SPARE_SHOPS = 3;
/** The read is normally a millisecond; a page never waits longer than this for it. */
const DEFAULT_RECOMMENDATIONS_BUDGET_MS = 250;

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const spareShopsText = env.SPARE_SHOPS || String(DEFAULT_SPARE_SHOPS);
  const spareShops = Number(spareShopsText);
  if (!/^\d{1,4}$/.test(spareShopsText) || spareShops > 1000) throw new Error(`SPARE_SHOPS must be a whole number from 0 to 1000, got ${env.SPARE_SHOPS}`);
  const budgetText = env.RECOMMENDATIONS_BUDGET_MS || String(DEFAULT_RECOMMENDATIONS_BUDGET_MS);
  if (!/^\d{1,5}$/.test(budgetText)) throw new Error(`RECOMMENDATIONS_BUDGET_MS must be a whole number of milliseconds, got ${env.RECOMMENDATIONS_BUDGET_MS}`);
  return {
    port,
    production: env.NODE_ENV === "production",
    development: env.NODE_ENV === "development",
    trustProxy: ["1", "true", "yes"].includes((env.TRUST_PROXY ?? "").toLowerCase()),
    platformHost: env.PLATFORM_HOST || `localhost:${port}`,
    storeDomain: env.STORE_DOMAIN || `localhost:${port}`,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    spareShops,
    recommendationsBudgetMs: Number(budgetText),
    pageCache: env.PAGE_CACHE ? ["1", "true", "on", "yes"].includes(env.PAGE_CACHE.toLowerCase()) : env.NODE_ENV === "production",
  };
}

/** The origin a browser uses for a shop, e.g. http://acme.localhost:3000. */
export function shopOrigin(config: Config, slug: string): string {
  return `${config.production ? "https" : "http"}://${slug}.${config.storeDomain}`;
}

export function platformOrigin(config: Config): string {
  return `${config.production ? "https" : "http"}://${config.platformHost}`;
}
