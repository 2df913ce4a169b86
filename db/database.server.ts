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
  return new Kysely<PlatformDatabase>({ dialect: new PostgresDialect({ pool }) });
}
