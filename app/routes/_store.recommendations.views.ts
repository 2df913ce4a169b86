import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { recommendationSource, recordSignal, visitorFor } from "../domain.server.ts";
import { shopperContext } from "../utils/shopper.server.ts";

/** A transparent 1×1 GIF: what the no-JavaScript view pixel answers. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** Records a product page's view; a refused or unknown one is simply not recorded. */
async function recordView(request: Request, context: ActionFunctionArgs["context"], fields: { get(name: string): unknown }) {
  const { db, shopper, secure, headers } = await shopperContext(context, request);
  const visitor = visitorFor(request, secure);
  if (visitor) {
    const recorded = await recordSignal(db, {
      visitorId: visitor.visitorId,
      customerId: shopper?.id,
      productId: String(fields.get("productId") ?? ""),
      kind: "view",
      source: recommendationSource(String(fields.get("ref") ?? "")),
    });
    if (recorded && visitor.setCookie) headers.append("Set-Cookie", visitor.setCookie);
  }
  headers.set("Cache-Control", "no-store");
  return headers;
}

// POST /recommendations/views (productId, ref): a product page's view, sent by the page once shown. Answers 204.
export async function action({ request, context }: ActionFunctionArgs) {
  const headers = await recordView(request, context, await request.formData());
  return new Response(null, { status: 204, headers });
}

// GET /recommendations/views?productId=…&ref=…: the same view from a browser without JavaScript, as the product
// page's <noscript> image. Only the shop's own pages may count one: the browser says so in Sec-Fetch-Site, which
// no other site can forge, so an image on another site can't inflate views.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const sent = request.headers;
  const ownImage = sent.get("sec-fetch-site") === "same-origin" && sent.get("sec-fetch-dest") === "image";
  const headers = ownImage ? await recordView(request, context, new URL(request.url).searchParams) : new Headers({ "Cache-Control": "no-store" });
  headers.set("Content-Type", "image/gif");
  return new Response(PIXEL, { status: 200, headers });
}
