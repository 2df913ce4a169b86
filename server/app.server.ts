import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { createHash } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { bumpStorefrontVersion, storefrontCacheState } from "../shop/page-cache.server.ts";
import { classifyHost, normalizeHost } from "../tenants/hosts.ts";
import { accessFor } from "../tenants/lifecycle.ts";
import type { RequestContext, Site } from "./context.ts";
import { limitBodies } from "./body-limits.ts";
import { contentSecurityPolicy, newNonce, refinePolicy } from "./csp.ts";
import { buildForHost } from "./host-routes.ts";
import { targetProblem } from "./input-text.ts";
import { PageCache, type CachedPage } from "./page-cache.ts";
import { readOperatorSession } from "./operator-auth.server.ts";
import { copyHeaders, createRemixRequest, sendRemixResponse } from "./remix-adapter.ts";
import { checkoutClosedPage, closedShopPage, serverErrorPage, unavailableShopPage, unknownShopPage } from "./pages.ts";
import type { Services } from "./services.server.ts";

type Locals = { site: Site; origin: string; nonce: string; context: RequestContext; body?: Buffer | Readable };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const CHECKOUT_PATH = /^\/checkouts?(\/|$)/i;
const OPERATOR_PATH = /^\/operator(\/|\.data$|$)/;
const STRIPE_WEBHOOK_PATH = /^\/webhooks\/stripe(\/connect|\/thin)?$/;

const HOST = /^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

/**
 * The origin the request was sent to, written as browsers write `Origin` (lower case, no trailing dot, no default
 * port), or null if the Host isn't a host name. X-Forwarded-Host counts only behind a trusted proxy.
 */
function requestOrigin(req: Request, trustProxy: boolean): URL | null {
  const forwarded = trustProxy ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = normalizeHost(forwarded || req.get("host") || "");
  return HOST.test(host) ? new URL(`${req.protocol}://${host}`) : null;
}

/**
 * A request line naming an absolute URI (`GET http://host/path`, as sent to proxies) is the request for that path
 * at that host, as HTTP says: its host replaces the Host header. Null when the target is a path, or now is one;
 * otherwise why it can't be taken (`*`, or anything else that isn't a path).
 */
function originForm(req: Request): string | null {
  if (req.url.startsWith("/")) return null;
  if (!/^https?:\/\/[^/?#]+([/?]|$)/i.test(req.url) || !URL.canParse(req.url)) return "The request line must name a path.";
  const url = new URL(req.url);
  req.headers.host = url.host;
  req.url = req.originalUrl = url.pathname + url.search;
  return null;
}

/** The Express app: assets, tenant resolution, origin check, session, then Remix. */
export function createApp(services: Services, build: ServerBuild | (() => Promise<ServerBuild>)) {
  const { config, registry } = services;
  const app = express();
  app.disable("x-powered-by");
  // Makes req.protocol and req.ip honour X-Forwarded-* only behind a trusted proxy.
  app.set("trust proxy", config.trustProxy);

  // Headers every answer carries. The Content-Security-Policy is set once the host is known (server/csp.ts).
  app.use((_req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    // Shop addresses are subdomains of the store domain: HTTPS for all of them, once a browser has seen one.
    if (config.production) res.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });

  // An address we can't read (undecodable, or with control characters such as NUL) is refused before anything
  // looks at it: routes, queries and PostgreSQL only ever see clean text (server/input-text.ts).
  app.use((req, res, next) => {
    const problem = originForm(req) ?? targetProblem(req.url);
    if (problem) return res.status(400).type("text").send(problem);
    next();
  });

  // gzip or brotli for text (pages, scripts, styles, sitemaps), as the browser accepts.
  app.use(compression());
  // A missing asset (a stale chunk after a deploy) answers a plain 404 here, not a rendered shop page.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false, redirect: false, fallthrough: false }));
  // Only the top-level files public/ held at startup (a file added later needs a restart): a catch-all
  // static handler would stat the disk on every page request. Paths arrive URL-encoded, so the names are too.
  const publicFiles = new Set(
    (existsSync("public") ? readdirSync("public") : [])
      .filter((name) => statSync(path.join("public", name)).isFile())
      .map((name) => `/${encodeURIComponent(name)}`),
  );
  const servePublic = express.static("public", { maxAge: "1h", index: false });
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));

  // Resolve the tenant before anything can read shop data.
  app.use(async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    try {
      const origin = requestOrigin(req, config.trustProxy);
      if (!origin) return res.status(400).type("text").send("The Host header isn't a host name.");
      res.locals.origin = origin.origin;
      const target = classifyHost(origin.host, config);
      // A nonce per response; a route may refine the policy (a preview's frame-ancestors: copyHeaders).
      res.locals.nonce = newNonce();
      res.set("Content-Security-Policy", contentSecurityPolicy(target.kind === "platform" ? "platform" : "shop", req.path, res.locals.nonce, config));
      if (target.kind === "platform") {
        res.locals.site = { kind: "platform" };
        return next();
      }
      const shop = await registry.resolve(target);
      if (!shop) return res.status(404).type("html").send(unknownShopPage(config));
      // The lifecycle decides, here and only here, whether a shop's address answers at all (tenants/lifecycle.ts).
      const access = accessFor(shop.status);
      if (access.storefront === "closed") return res.status(410).type("html").send(closedShopPage(config));
      if (access.storefront === "unavailable") return res.status(503).set("Retry-After", "3600").type("html").send(unavailableShopPage(config));
      // Checkout addresses (Shopify's /checkout and /checkouts/…) of a shop that takes no orders, whatever the route.
      if (!access.checkout && CHECKOUT_PATH.test(req.path)) return res.status(503).type("html").send(checkoutClosedPage(config, shop.name));
      res.locals.site = { kind: "shop", shop, db: services.tenantDb(shop) };
      next();
    } catch (error) {
      next(error);
    }
  });

  // Mutations must come from this exact origin: a sibling shop subdomain is same-site, so SameSite alone is not enough.
  app.use((req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // Stripe's servers send no Origin; a webhook is authenticated by its signature over the raw body instead.
    if (res.locals.site.kind === "platform" && STRIPE_WEBHOOK_PATH.test(req.path)) return next();
    if (req.get("origin") !== res.locals.origin) return res.status(403).type("text").send("Cross-origin request refused.");
    next();
  });

  // Every body is capped and checked before any route runs; a new route gets the default rule (server/body-limits.ts).
  app.use(limitBodies);

  app.use(async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    try {
      const site = res.locals.site;
      const { user, session, setCookie } =
        site.kind === "platform" ? await services.auth.readSession(req.get("cookie")) : { user: null, session: null, setCookie: null };
      if (setCookie) res.append("Set-Cookie", setCookie);
      const operator = site.kind === "platform" && OPERATOR_PATH.test(req.path) ? await readOperatorSession(services.db, req.get("cookie")) : null;
      res.locals.context = {
        services,
        site,
        origin: res.locals.origin,
        nonce: res.locals.nonce,
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        user,
        session,
        operator,
      };
      next();
    } catch (error) {
      next(error);
    }
  });

  // Remix's development mode sends errors' messages and stacks to the browser: only under `remix dev`.
  const mode = config.development ? "development" : "production";
  // Each kind of host answers only its own routes (server/host-routes.ts).
  const handlers = { platform: createRequestHandler(buildForHost(build, "platform"), mode), shop: createRequestHandler(buildForHost(build, "shop"), mode) };
  const pageCache = config.pageCache ? new PageCache() : null;

  app.all("*", async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    try {
      const { context, site } = res.locals;
      if (site.kind === "shop" && req.method === "GET") return await serveStorefront(req, res, site, context);
      const response = await handlers[site.kind](createRemixRequest(req, res, res.locals.origin, res.locals.body), context);
      // The edge refused the upload while the route was reading it and has answered already.
      if (res.headersSent) return;
      // The admin changed something a shopper may see: the shop's cached pages must not be served again.
      const adminSlug = site.kind === "platform" && !SAFE_METHODS.has(req.method) ? /^\/admin\/([^/]+)/.exec(req.path)?.[1] : undefined;
      if (adminSlug && context.user && response.status < 400) {
        const shop = await registry.resolve({ kind: "subdomain", slug: adminSlug });
        if (shop) await bumpStorefrontVersion(services.tenantDb(shop));
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      if (!res.headersSent) next(error);
    }
  });

  /**
   * Storefront GETs: rendered pages (documents and their `.data` twins) are buffered; a 200 gets an ETag, so a
   * browser revalidates with a cheap 304, and visitor-independent ones are kept in the page cache.
   */
  async function serveStorefront(req: Request, res: Response<unknown, Locals>, site: Extract<Site, { kind: "shop" }>, context: RequestContext) {
    // Anonymous only: no cookie means no cart, shopper session, password or preview, so the page is the same for all.
    const anonymous = !req.get("cookie") && !("preview_token" in req.query);
    const state = pageCache && anonymous ? await storefrontCacheState(site.db) : null;
    const key = state?.launched ? PageCache.key(site.shop.id, state.version, res.locals.origin + req.originalUrl) : null;
    const hit = key ? pageCache!.get(key) : undefined;
    if (hit) return sendPage(req, res, hit, "hit");

    const response = await handlers.shop(createRemixRequest(req, res, res.locals.origin, undefined), context);
    const type = response.headers.get("content-type") ?? "";
    if (!response.body || !/^text\/(html|x-script)/.test(type)) return sendRemixResponse(res, response);
    const body = type.startsWith("text/html") ? closeDocument(Buffer.from(await response.arrayBuffer())) : Buffer.from(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    // Pages, "Page not found" too, show the visitor's cart and session: browsers may keep them but must ask first;
    // shared caches must not.
    if (!headers.has("cache-control")) headers.set("Cache-Control", "private, no-cache");
    // The whole policy goes with the page, with the nonce its body holds: a cached copy is served with that one.
    headers.set("Content-Security-Policy", refinePolicy(String(res.get("Content-Security-Policy")), headers.get("content-security-policy") ?? ""));
    // Only a 200: made-up addresses would otherwise flood the page cache with 404s.
    if (response.status !== 200) {
      res.status(response.status);
      copyHeaders(res, headers);
      res.end(body);
      return;
    }
    // The same page rendered again differs only in its nonce: the ETag leaves it out, so a browser still gets its 304.
    const unique = body.toString("latin1").replaceAll(res.locals.nonce, "");
    const page: CachedPage = { status: 200, headers: [...headers], body, etag: `W/"${createHash("sha1").update(unique, "latin1").digest("base64url")}"` };
    const storable = key && !headers.has("set-cookie") && !/no-store/.test(headers.get("cache-control") ?? "");
    if (storable) pageCache!.set(key, page);
    sendPage(req, res, page, key ? "miss" : null);
  }

  // Express's own final handler prints the stack whenever NODE_ENV isn't "production" (tests, the demo): ours shows
  // it only in development. A 4xx passed on by a middleware (a missing asset under /build) keeps its status.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: unknown } | null)?.status;
    const clientError = typeof status === "number" && status >= 400 && status < 500;
    if (!clientError) console.error(error);
    if (res.headersSent) return next(error);
    if (clientError)
      return res
        .status(status)
        .type("text")
        .send(STATUS_CODES[status] ?? "Bad request");
    if (config.development)
      return res
        .status(500)
        .type("text")
        .send(error instanceof Error ? (error.stack ?? error.message) : String(error));
    res.status(500).type("html").send(serverErrorPage(config));
  });
  return app;
}

/**
 * Remix renders its data-transfer script after the root element, i.e. after `</html>`. Parsers append such
 * content to <body> anyway (with a parse error): moving it there ourselves gives the same page as valid HTML.
 */
function closeDocument(html: Buffer): Buffer {
  const end = html.lastIndexOf("</body></html>");
  if (end < 0 || end + 14 === html.length) return html;
  return Buffer.concat([html.subarray(0, end), html.subarray(end + 14), Buffer.from("</body></html>")]);
}

const ETAG_LIST = /(?:W\/)?"[^"]*"/g;

function sendPage(req: Request, res: Response, page: CachedPage, cacheStatus: "hit" | "miss" | null): void {
  res.status(page.status);
  copyHeaders(res, page.headers);
  res.set("ETag", page.etag);
  if (cacheStatus) res.set("X-Page-Cache", cacheStatus);
  // Weak, because the same page goes out gzipped, brotli'd or plain; If-None-Match compares weakly anyway.
  const tags = (req.get("if-none-match") ?? "").match(ETAG_LIST)?.map((tag) => tag.replace(/^W\//, "")) ?? [];
  if (tags.includes(page.etag.slice(2)) || req.get("if-none-match")?.trim() === "*") {
    res.removeHeader("Content-Length");
    // The browser keeps its copy, rendered with another nonce: a 304's headers replace the stored ones, so this
    // response's policy (with its own nonce) must not go out with it; the stored policy matches the stored body.
    res.removeHeader("Content-Security-Policy");
    res.status(304).end();
    return;
  }
  res.set("Content-Length", String(page.body.length));
  res.end(page.body);
}
