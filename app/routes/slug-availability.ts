import type { LoaderFunctionArgs } from "@remix-run/node";
import { findShopBySlug } from "../domain.server.ts";
import { SLUG_MESSAGES, slugProblem } from "../../tenants/slugs.ts";
import { requirePlatform } from "../utils/guards.server.ts";

/** Live check for the signup form: `?slug=acme` → { available, message }. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatform(context);
  const slug = new URL(request.url).searchParams.get("slug") ?? "";
  const problem = slugProblem(slug) ?? ((await findShopBySlug(context.services.db, slug)) ? "taken" : null);
  return Response.json({ slug, available: !problem, message: problem ? SLUG_MESSAGES[problem] : "Available." }, { headers: { "Cache-Control": "no-store" } });
}
