import type { ActionFunctionArgs } from "@remix-run/node";
import { recommendationSource, recordSignal, visitorFor } from "../domain.server.ts";
import { shopperContext } from "../utils/shopper.server.ts";

// POST /recommendations/views (productId, ref): a product page's view, sent by the page once shown. It answers
// 204 whatever happens to the view: a refused or unknown one is simply not recorded.
export async function action({ request, context }: ActionFunctionArgs) {
  const { db, shopper, secure, headers } = await shopperContext(context, request);
  const form = await request.formData();
  const visitor = visitorFor(request, secure);
  if (visitor) {
    const source = recommendationSource(String(form.get("ref") ?? ""));
    const recorded = await recordSignal(db, {
      visitorId: visitor.visitorId,
      customerId: shopper?.id,
      productId: String(form.get("productId") ?? ""),
      kind: "view",
      source,
    });
    if (recorded && visitor.setCookie) headers.append("Set-Cookie", visitor.setCookie);
  }
  headers.set("Cache-Control", "no-store");
  return new Response(null, { status: 204, headers });
}
