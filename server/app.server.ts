import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import { classifyHost } from "../tenants/hosts.ts";
import type { RequestContext, Site } from "./context.ts";
import { unavailableShopPage, unknownShopPage } from "./pages.ts";
import type { Services } from "./services.server.ts";

type Locals = { site: Site; origin: string; context: RequestContext };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function requestHost(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || req.get("host") || "";
}

/** The Express app: assets, tenant resolution, origin check, session, then Remix. */
export function createApp(services: Services, build: ServerBuild | (() => Promise<ServerBuild>)) {
  const { config, registry } = services;
  const app = express();
  app.disable("x-powered-by");
  // Makes req.protocol and req.ip honour X-Forwarded-* only behind a trusted proxy.
  app.set("trust proxy", config.trustProxy);

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  // Resolve the tenant before anything can read shop data.
  app.use(async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    try {
      const host = requestHost(req, config.trustProxy);
      res.locals.origin = `${req.protocol}://${host}`;
      const target = classifyHost(host, config);
      if (target.kind === "platform") {
        res.locals.site = { kind: "platform" };
        return next();
      }
      const shop = await registry.resolve(target);
      if (!shop) return res.status(404).type("html").send(unknownShopPage(config));
      if (shop.status !== "active") return res.status(503).set("Retry-After", "3600").type("html").send(unavailableShopPage(config));
      res.locals.site = { kind: "shop", shop, db: services.tenantDb(shop) };
      next();
    } catch (error) {
      next(error);
    }
  });

  // Mutations must come from this exact origin: a sibling shop subdomain is same-site, so SameSite alone is not enough.
  app.use((req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (req.get("origin") !== res.locals.origin) return res.status(403).type("text").send("Cross-origin request refused.");
    next();
  });

  app.use(async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    try {
      const site = res.locals.site;
      const { user, session, setCookie } =
        site.kind === "platform" ? await services.auth.readSession(req.get("cookie")) : { user: null, session: null, setCookie: null };
      if (setCookie) res.append("Set-Cookie", setCookie);
      res.locals.context = {
        services,
        site,
        origin: res.locals.origin,
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        user,
        session,
      };
      next();
    } catch (error) {
      next(error);
    }
  });

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.production ? "production" : "development",
      getLoadContext: (_req, res) => (res as Response<unknown, Locals>).locals.context,
    }),
  );
  return app;
}
