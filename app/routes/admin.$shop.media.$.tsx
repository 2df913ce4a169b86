import type { LoaderFunctionArgs } from "@remix-run/node";
import { mediaResponse } from "../domain.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

/** The admin's view of a shop's images, on the platform host, for its members only. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  // Private: behind a login, so shared caches must not keep a copy.
  return mediaResponse(context.services.media, shop.id, params["*"] ?? "", request, { cache: "private" });
}
