import type { LoaderFunctionArgs } from "@remix-run/node";
import { logoResponse } from "../domain.server.ts";
import { requireMember } from "../utils/guards.server.ts";

// The logo as the admin shows it: only members of the shop get it, and only that shop's file.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireMember(context, request, params.shop);
  return logoResponse(context.services.media, shop.id, params.hash ?? "", request, { cache: "private" });
}
