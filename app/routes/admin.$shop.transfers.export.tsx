import type { ActionFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { shopOrigin } from "../../server/config.ts";
import { exportProductsCsv, finishExport, productImageUrl, startExport } from "../domain.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

/**
 * POST: the catalogue as a Shopify product CSV download. Streamed straight
 * from the database a batch at a time, so a large catalogue needs no job and no
 * temporary file, and the browser shows the download's progress.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const { currency } = await db.selectFrom("settings").select("currency").executeTakeFirstOrThrow();
  const fileName = `${shop.slug}-products-${new Date().toISOString().slice(0, 10)}.csv`;
  const transfer = await startExport(db, actor, fileName);
  const origin = shopOrigin(context.services.config, shop.slug);
  const csv = exportProductsCsv(db, { currency, imageUrl: (image) => origin + productImageUrl(image) }, (outcome) => {
    finishExport(db, transfer.id, outcome).catch((error) => console.error("recording the export failed:", error));
  });
  return new Response(createReadableStreamFromReadable(csv), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
