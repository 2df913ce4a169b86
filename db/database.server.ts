import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { PlatformDatabase } from "./types.ts";

// BIGINT ids come back as strings (safe for ids); COUNT(*) etc. are cast where needed.
export type PlatformDb = Kysely<PlatformDatabase>;

export interface DatabaseOptions {
  url: string;
  /** Pool size: keep it at or above the migrator's concurrency. */
  max?: number;
}

export function createDatabase({ url, max = 10 }: DatabaseOptions): PlatformDb {
  const pool = new pg.Pool({ connectionString: url, max });
  // A connection that dies (server restart, terminated backend) must not crash the process: the query
  // in flight fails, and the pool drops the connection and opens a new one on demand.
  const logLost = (error: Error) => console.error("postgres: connection lost:", error.message);
  pool.on("error", logLost);
  pool.on("connect", (client) => client.on("error", logLost));
  return new Kysely<PlatformDatabase>({ dialect: new PostgresDialect({ pool }) });
}
