import type { ActionFunctionArgs } from "@remix-run/node";
import { bundleFileName, logOperatorAction, shopBundleStream } from "../domain.server.ts";
import { requireOperator, requireOperatorShop } from "../utils/guards.server.ts";

/** POST: a shop's whole bundle for the operator (a backup, or a restore elsewhere), recorded in the operator log. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const operator = requireOperator(context, request);
  const shop = await requireOperatorShop(context, params.id);
  if (shop.purged_at) throw new Response("This shop's data has been deleted.", { status: 410 });
  const fileName = bundleFileName(shop);
  await logOperatorAction(context.services.db, operator, { action: "shop.export", shopId: shop.id, detail: fileName, ip: context.clientAddress });
  return new Response(shopBundleStream(context.services.db, context.services.media, shop), {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
