import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportShopperData } from "../domain.server.ts";
import { requireShopper } from "../utils/shopper.server.ts";

// /account/data: everything this shop holds about the signed-in shopper, as a JSON download.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shopper, shop, headers } = await requireShopper(context, request);
  const body = JSON.stringify(await exportShopperData(db, shopper), null, 2);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Content-Disposition", `attachment; filename="${shop.slug}-account-data.json"`);
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(body, { headers });
}
