import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { requireMember } from "../utils/guards.server.ts";

// Any other address under a shop's admin: "Not found" inside the admin's layout, with its navigation.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  // Like every admin page, a closed admin sends this to its billing page.
  await requireMember(context, request, params.shop);
  throw new Response("Not found", { status: 404 });
}

export const meta: MetaFunction = () => [{ title: "Not found · Bazaar admin" }];

// Never rendered (the loader always throws), but a route without a component would answer with the bare Response.
export default function AdminNotFound() {
  return null;
}

export const ErrorBoundary = AdminErrorBoundary;
