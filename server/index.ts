import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import { statSync, watch } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resolveDatabaseUrl } from "../db/embedded.server.ts";
import { createApp } from "./app.server.ts";
import { readConfig, type Config } from "./config.ts";
import { createServices, type Services } from "./services.server.ts";
import { cookieSecrets, MissingSecretError } from "../shop/storefront-access.server.ts";

const BUILD_PATH = path.resolve("build/index.js");

async function importBuild(): Promise<ServerBuild> {
  // The query string busts Node's module cache after a rebuild in development.
  return import(`${pathToFileURL(BUILD_PATH).href}?t=${statSync(BUILD_PATH).mtimeMs}`);
}

/** Loads the Remix build and serves it; `remix dev` rebuilds into the same path. */
export async function startServer(config: Config, services: Services): Promise<Server> {
  let build = await importBuild();
  if (config.production && build.mode !== "production") {
    throw new Error("build/ holds a development build (from `npm run dev`). Run `npm run build` before `npm start`.");
  }
  const app = createApp(services, config.production ? build : () => Promise.resolve(build));
  const server = app.listen(config.port, () => {
    if (build.mode === "development") void broadcastDevReady(build);
  });
  if (!config.production) {
    watch(BUILD_PATH, async () => {
      try {
        build = await importBuild();
        // Only `remix dev` listens for this; a production build (`npm run demo`) has no dev server to tell.
        if (build.mode === "development") await broadcastDevReady(build);
      } catch (error) {
        // A rebuild caught half-written; the next change event loads the finished one.
        console.error("could not reload the Remix build:", error instanceof Error ? error.message : error);
      }
    });
  }
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return server;
}

/** Fail at startup with one clear line, before starting a database, not on the first request that needs a secret. */
export function refuseToStartWithoutSecrets(env: Record<string, string | undefined> = process.env): void {
  try {
    cookieSecrets(env);
  } catch (error) {
    if (!(error instanceof MissingSecretError)) throw error;
    console.error(`Bazaar can't start: ${error.message}`);
    process.exit(1);
  }
}

// `npm start` / `npm run dev`: the web app alone; run the worker with `npm run worker`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const config = readConfig();
  refuseToStartWithoutSecrets();
  const database = await resolveDatabaseUrl(config.databaseUrl);
  const services = await createServices(config, database.url);
  const server = await startServer(config, services);
  console.log(`Bazaar listening on http://${config.platformHost}`);
  const shutdown = () =>
    server.close(async () => {
      await services.close();
      await database.stop();
      process.exit(0);
    });
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
