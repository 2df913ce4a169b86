import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseSitemapName, shopLaunched, sitemapChild, sitemapIndex } from "../domain.server.ts";
import { requireShop } from "../utils/guards.server.ts";

// /sitemap.xml (the index) and its children /sitemap-<kind>-<n>.xml, all at the site root: a sitemap may
// only list URLs under its own folder. The route path ":sitemap.xml" matches any "<name>.xml" one level deep.

const XML_HEADERS = { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=300" };

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db } = requireShop(context);
  const name = params.sitemap ?? "";
  if (name !== "sitemap" && !parseSitemapName(name)) return notFound();
  // A shop behind its password page has nothing to index.
  if (!(await shopLaunched(db))) return notFound();
  if (name === "sitemap") return new Response(await sitemapIndex(db, context.origin), { headers: XML_HEADERS });
  const { kind, page } = parseSitemapName(name)!;
  const body = await sitemapChild(db, context.origin, kind, page);
  return body ? new Response(body, { headers: XML_HEADERS }) : notFound();
}
