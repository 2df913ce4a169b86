import type { ActionFunctionArgs } from "@remix-run/node";
import { bundleFileName, recordAudit, shopBundleStream } from "../domain.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

/**
 * POST: the whole shop (catalogue, media, customers, orders, content, settings) as one bundle download, the
 * owner's in any state of the shop, closed included: their data stays theirs. Streamed from one snapshot.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "export", "notice");
  if (shop.purged_at) throw new Response("This shop's data has been deleted.", { status: 410 });
  const fileName = bundleFileName(shop);
  await recordAudit(db, actor, { action: "shop.exported", subjectType: "shop", subjectId: shop.id, summary: fileName });
  return new Response(shopBundleStream(context.services.db, context.services.media, shop), {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
