// Child process of bench/tenant-overhead.ts (argv: database URL, shop slug): serves one shop's home page twice, through the
// real app and through a copy with the tenant hard-wired. It runs apart from autocannon so
// the load generator never shares an event loop with the servers it measures.
import { randomBytes } from "node:crypto";
import type { ServerBuild } from "@remix-run/node";
import type express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findShopBySlug, type ShopRegistry } from "../tenants/registry.server.ts";
import { createApp } from "../server/app.server.ts";
import { readConfig } from "../server/config.ts";
import { createServices } from "../server/services.server.ts";

export interface TenantServerReady {
  kind: "ready";
  /** The Host header a browser would send for the shop. */
  host: string;
  shopName: string;
  realPort: number;
  fixedPort: number;
}

/** Child to parent. */
export type TenantServerMessage = TenantServerReady | { kind: "cpu"; micros: number } | { kind: "error"; message: string };
/** Parent to child: "cpu" asks for the process's CPU time so far, "stop" shuts down. */
export type TenantServerCommand = "cpu" | "stop";

async function listen(app: express.Express): Promise<Server> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  return server;
}

async function main(): Promise<void> {
  const [databaseUrl, slug] = process.argv.slice(2);
  if (!databaseUrl || !slug) throw new Error("usage: tenant-server.ts <database-url> <shop-slug>");

  const build: ServerBuild = await import(pathToFileURL(path.resolve("build/index.js")).href);
  if (build.mode !== "production") throw new Error(`build/index.js is a ${build.mode} build; run \`npx remix build\``);
  // Production settings, with the default development hosts: shops answer at <slug>.localhost:3000.
  const config = readConfig({ NODE_ENV: "production", PLATFORM_HOST: "localhost:3000", STORE_DOMAIN: "localhost:3000" });
  // Nothing this run signs outlives it: a random secret does.
  process.env.PREVIEW_SECRET ||= randomBytes(32).toString("hex");
  const services = await createServices(config, databaseUrl);
  const shop = await findShopBySlug(services.db, slug);
  if (!shop) throw new Error(`no shop ${slug}`);
  const host = `${slug}.${config.storeDomain}`;

  // A: the real app, resolving the tenant from the Host header on every request.
  const real = createApp(services, build);

  // B: the same app, with the registry replaced by one that returns this shop without looking at
  // the Host header's shop or the cache: the difference between A and B is tenant resolution.
  const hardWired = Object.create(services.registry) as ShopRegistry;
  hardWired.resolve = async () => shop;
  const fixed = createApp({ ...services, registry: hardWired }, build);

  const servers = [await listen(real), await listen(fixed)];
  const [realPort, fixedPort] = servers.map((s) => (s.address() as AddressInfo).port);

  const stop = async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await services.close();
    process.exit(0);
  };
  process.on("message", (command: TenantServerCommand) => {
    if (command === "stop") void stop();
    if (command === "cpu") {
      // All threads, GC included: what a request really costs the server.
      const { user, system } = process.cpuUsage();
      process.send?.({ kind: "cpu", micros: user + system } satisfies TenantServerMessage);
    }
  });
  // An orphan must not keep its connections open and block DROP DATABASE.
  process.on("disconnect", () => void stop());
  process.send?.({ kind: "ready", host, shopName: shop.name, realPort, fixedPort } satisfies TenantServerMessage);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (!process.send) {
    console.error(message);
    process.exit(1);
  }
  process.send({ kind: "error", message } satisfies TenantServerMessage, () => process.exit(1));
});
