import type { LoaderFunctionArgs } from "@remix-run/node";
import { platformRobots, shopLaunched, shopRobots } from "../domain.server.ts";

// /robots.txt answers on both kinds of host, like "/".
export async function loader({ context }: LoaderFunctionArgs) {
  const { site } = context;
  const body = site.kind === "platform" ? platformRobots() : shopRobots(context.origin, await shopLaunched(site.db));
  return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
