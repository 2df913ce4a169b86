import type { AddressInfo } from "node:net";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createApp } from "../../server/app.server.ts";
import { readConfig, type Config } from "../../server/config.ts";
import { createServices, type Services } from "../../server/services.server.ts";

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestApp {
  services: Services;
  config: Config;
  port: number;
  /** Sends a request with an explicit Host header, as a browser at that host would. */
  request(
    host: string,
    pathname: string,
    init?: { method?: string; headers?: Record<string, string>; form?: Record<string, string> | [string, string][] },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

/** The real Express app and Remix build (built in global setup) on a random port. */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}, port = 0): Promise<TestApp> {
  const build: ServerBuild = await import(pathToFileURL(path.resolve("build/index.js")).href);
  // Hosts are fixed strings; the port the server binds to doesn't matter because requests carry their own Host.
  // The recommendations budget is the one setting a suite sets for all its files (tests/browser/vitest.config.ts).
  const config = readConfig({
    PLATFORM_HOST: "bazaar.test",
    STORE_DOMAIN: "shops.test",
    RECOMMENDATIONS_BUDGET_MS: process.env.RECOMMENDATIONS_BUDGET_MS,
    ...env,
  });
  const services = await createServices(config, databaseUrl, { ...process.env, ...env });
  const server = createApp(services, build).listen(port, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const boundPort = (server.address() as AddressInfo).port;

  return {
    services,
    config,
    port: boundPort,
    request(host, pathname, { method = "GET", headers = {}, form } = {}) {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: "127.0.0.1",
            port: boundPort,
            path: pathname,
            method,
            headers: {
              host,
              ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } : {}),
              ...headers,
            },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await services.close();
    },
  };
}

/** The `name=value` pair of a Set-Cookie header, for sending back as Cookie. */
export function cookiePair(setCookie: string | string[] | undefined, name: string): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in ${JSON.stringify(all)}`);
  return found.split(";")[0];
}

/** One directive of an answer's Content-Security-Policy, e.g. "frame-ancestors 'none'", or undefined. */
export function policyDirective(res: TestResponse, name: string): string | undefined {
  return String(res.headers["content-security-policy"] ?? "")
    .split(";")
    .map((directive) => directive.trim())
    .find((directive) => directive.split(" ")[0] === name);
}
