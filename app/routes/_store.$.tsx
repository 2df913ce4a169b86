import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { storeErrorMeta, StoreNotFound } from "../components/store/not-found.tsx";
import { storeFromMatches } from "../components/store/seo.ts";
import { requireStorefront } from "../utils/storefront.server.ts";

// Every other address on a shop host (platform pages don't answer there: server/host-routes.ts) is the shop's
// "Page not found", in its layout and theme. After the gate: a shop behind its password page shows only that page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStorefront(context, request);
  return data(null, { status: 404 });
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => storeErrorMeta("notFound.title", storeFromMatches(matches));

export default function NotFound() {
  return <StoreNotFound />;
}
