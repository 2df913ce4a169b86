import type { LoaderFunctionArgs } from "@remix-run/node";
import { mediaResponse } from "../domain.server.ts";
import { requireShop } from "../utils/guards.server.ts";

/**
 * A storefront's images: /media/products/<id>/<hash>/<width>[.avif|.webp].
 * Only ever the files of the shop this host belongs to.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = requireShop(context);
  return mediaResponse(context.services.media, shop.id, params["*"] ?? "", request, { cache: "public" });
}
