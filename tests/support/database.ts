import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDatabase, type PlatformDb } from "../../db/database.server.ts";

export interface TestDatabase {
  url: string;
  db: PlatformDb;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: new URL("/postgres", inject("serverUrl")).href });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of its own, copied from the migrated template: empty registry, no shops. */
export async function createTestDatabase({ poolSize = 10 } = {}): Promise<TestDatabase> {
  const name = `bazaar_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create database ${name} template ${inject("templateDatabase")}`));
  const url = new URL(`/${name}`, inject("serverUrl")).href;
  const db = createDatabase({ url, max: poolSize });
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
