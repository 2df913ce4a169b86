import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { shopOrigin } from "../../server/config.ts";
import { findThemeManifest } from "../../themes/manifest.ts";
import { requireMember } from "../utils/guards.server.ts";

// "Preview shop": any member may look at the storefront before launch. The merchant's session cookie stays on the
// platform host, so the shop's host gets a short-lived signed token instead (?theme=<id> previews that theme's draft).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireMember(context, request, params.shop);
  const themeId = new URL(request.url).searchParams.get("theme");
  const theme = themeId && findThemeManifest(themeId) ? themeId : null;
  const query = new URLSearchParams({ preview_token: await context.services.storefrontAccess.createPreviewToken(shop.id, theme) });
  if (theme) query.set("preview", "draft");
  throw redirect(`${shopOrigin(context.services.config, shop.slug)}/?${query}`);
}
