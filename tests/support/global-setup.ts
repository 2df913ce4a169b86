import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDatabase } from "../../db/database.server.ts";
import { startEmbeddedPostgres } from "../../db/embedded.server.ts";
import { migratePlatform } from "../../db/migrate-platform.server.ts";
import { buildAppForTests } from "./remix-build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Server URL without a database name; each test file creates its own database from the template. */
    serverUrl: string;
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL for the run (DATABASE_URL's server, or an embedded one), a
 * template database with the platform schema migrated, and an up-to-date Remix
 * build for the HTTP tests.
 */
export default async function setup(project: TestProject) {
  buildAppForTests();

  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: path.resolve(".data/test-postgres"), port: 5434, database: "postgres" });
  const serverUrl = new URL(process.env.DATABASE_URL ?? embedded!.url);
  serverUrl.pathname = "/";

  const templateDatabase = `bazaar_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: new URL("/postgres", serverUrl).href });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  const db = createDatabase({ url: new URL(`/${templateDatabase}`, serverUrl).href, max: 2 });
  await migratePlatform(db);
  await db.destroy();

  project.provide("serverUrl", serverUrl.href);
  project.provide("templateDatabase", templateDatabase);

  return async () => {
    await admin.query(`drop database if exists ${templateDatabase}`);
    await admin.end();
    await embedded?.stop();
  };
}
