import type { LoaderFunctionArgs } from "@remix-run/node";
import { logoResponse } from "../domain.server.ts";
import { requireShop } from "../utils/guards.server.ts";

// The shop's logo on its storefront host: /logo/<hash>, from the shop the host resolved to.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = requireShop(context);
  return logoResponse(context.services.media, shop.id, params.hash ?? "", request, { cache: "public" });
}
