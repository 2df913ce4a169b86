import type { ServerBuild } from "@remix-run/node";
import type { Site } from "./context.ts";

/**
 * Which host each top-level route (with everything nested in it) answers on. A shop's address has no signup, login,
 * admin or operator pages: any address there that isn't the shop's own reaches the storefront's catch-all
 * (`_store.$`) and gets the shop's themed "Page not found". The platform host has no storefront routes, so its
 * unknown addresses keep the platform's not-found page. "/" and robots.txt answer on both and branch on the site;
 * every top-level route not listed here is the platform's.
 */
const SHOP_ROUTES = new Set(["routes/_store", "routes/password", "routes/media.$", "routes/logo.$hash", "routes/$sitemap[.]xml"]);
const SHARED_ROUTES = new Set(["root", "routes/_index", "routes/robots[.]txt"]);

function routeHost(routes: ServerBuild["routes"], id: string): Site["kind"] | "both" {
  let top = id;
  for (let parent = routes[top]?.parentId; parent && parent !== "root"; parent = routes[top]?.parentId) top = parent;
  if (SHARED_ROUTES.has(top)) return "both";
  return SHOP_ROUTES.has(top) ? "shop" : "platform";
}

function onHost(build: ServerBuild, kind: Site["kind"]): ServerBuild {
  const answers = ([id]: [string, unknown]) => [kind, "both"].includes(routeHost(build.routes, id));
  return {
    ...build,
    routes: Object.fromEntries(Object.entries(build.routes).filter(answers)),
    // The browser's route manifest must match the server's routes, or it would discover pages the server doesn't serve.
    assets: { ...build.assets, routes: Object.fromEntries(Object.entries(build.assets.routes).filter(answers)) },
  };
}

/** The Remix build with only the routes that answer on this kind of host (a development build is reloaded per request). */
export function buildForHost(build: ServerBuild | (() => Promise<ServerBuild>), kind: Site["kind"]): ServerBuild | (() => Promise<ServerBuild>) {
  return typeof build === "function" ? async () => onHost(await build(), kind) : onHost(build, kind);
}
