import { createHash } from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { PlatformDb } from "../db/database.server.ts";

/**
 * Every throttle in Bazaar (docs/decisions/026-rate-limits.md): rate-limiter-flexible on one PostgreSQL table,
 * `platform.rate_limits`, so the web processes share the counts and the demo needs no Redis. A point is taken
 * atomically (an upsert that returns the new count) BEFORE the work it guards, so a burst of parallel requests
 * can't all be evaluated on a stale count; a successful login gives its points back.
 *
 * @example
 *   const gate = await limits.consume("signup", clientAddress);
 *   if (!gate.ok) return data({ error: tooManyAttempts(gate) }, { status: 429 });
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** What each limit counts, how many per window, and the window in seconds. */
export const LIMITS = {
  /** Failed logins for one account from one address: an attacker elsewhere can't lock the owner out. */
  login: { points: 5, duration: 15 * MINUTE },
  /** Failed logins from one address over every account it tries. */
  loginAddress: { points: 30, duration: 15 * MINUTE },
  /** Signup attempts (each may take a spare shop) per address. */
  signup: { points: 10, duration: HOUR },
  /** Registration attempts per shop and address. */
  registration: { points: 10, duration: HOUR },
  /** Invitation emails per shop. */
  invitationMail: { points: 50, duration: 24 * HOUR },
  /** Password reset emails asked for, per address. */
  passwordReset: { points: 5, duration: HOUR },
  /** Verification emails sent again, per shop: the mail goes to its owners, whoever asks. */
  verificationMail: { points: 5, duration: HOUR },
  /** Checkouts opened per shop and address. */
  checkout: { points: 30, duration: 10 * MINUTE },
} as const;

export type LimitName = keyof typeof LIMITS;
export type Gate = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The guard a login form uses; `account` names who is logging in where, e.g. "shopper:12:ada@example.com". */
export interface LoginGuard {
  guardLogin(account: string, address: string): Promise<Gate>;
  loginSucceeded(account: string, address: string): Promise<void>;
}

/** "Too many attempts. Try again in 4 minutes." */
export function tooManyAttempts(gate: Extract<Gate, { ok: false }>): string {
  const minutes = Math.max(1, Math.ceil(gate.retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

export class RateLimits implements LoginGuard {
  private readonly limiters: Record<LimitName, RateLimiterPostgres>;

  constructor(private readonly pool: pg.Pool) {
    const entries = Object.entries(LIMITS).map(([name, { points, duration }]) => [
      name,
      // The table comes from the platform migrations (0012_rate_limits): the library must not create it.
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: "pool",
        schemaName: "platform",
        tableName: "rate_limits",
        tableCreated: true,
        keyPrefix: name,
        points,
        duration,
      }),
    ]);
    this.limiters = Object.fromEntries(entries) as Record<LimitName, RateLimiterPostgres>;
  }

  /** Takes one point of `name` for `key`; refused once the window's points are spent. */
  async consume(name: LimitName, key: string): Promise<Gate> {
    try {
      await this.limiters[name].consume(hashKey(key));
      return { ok: true };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.ceil(error.msBeforeNext / 1000) };
      throw error;
    }
  }

  async guardLogin(account: string, address: string): Promise<Gate> {
    const pair = await this.consume("login", `${account}|${address}`);
    if (!pair.ok) return pair;
    return this.consume("loginAddress", address);
  }

  /** The right password: this account and address start afresh, and the address gets its point back. */
  async loginSucceeded(account: string, address: string): Promise<void> {
    await this.limiters.login.delete(hashKey(`${account}|${address}`));
    await this.limiters.loginAddress.reward(hashKey(address), 1);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Keys hold emails and addresses of any length; the table's key column takes 255 characters. */
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

/** A pool of its own for the limiter: a few connections, so a login burst never starves the app's pool. */
export function createRateLimits(databaseUrl: string): RateLimits {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // As the app's pool (db/database.server.ts): a connection that dies must not crash the process.
  const logLost = (error: Error) => console.error("postgres (rate limits): connection lost:", error.message);
  pool.on("error", logLost);
  pool.on("connect", (client) => client.on("error", logLost));
  return new RateLimits(pool);
}

/** Housekeeping for the maintenance job: counters whose window has passed. */
export async function purgeExpiredRateLimits(db: PlatformDb, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom("platform.rate_limits").where("expire", "<", String(now)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
