import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { PlatformHeader } from "../components/platform-header.tsx";
import { requireMember } from "../utils/guards.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop, role } = await requireMember(context, request, params.shop);
  return {
    email: context.user!.email,
    shop: { slug: shop.slug, name: shop.name, status: shop.status, storefrontUrl: shopOrigin(context.services.config, shop.slug) },
    role,
  };
}

export default function ShopAdminLayout() {
  const { email, shop } = useLoaderData<typeof loader>();
  return (
    <>
      <PlatformHeader email={email}>
        <Link to={`/admin/${shop.slug}`}>{shop.name}</Link>
        <a href={shop.storefrontUrl} target="_blank" rel="noreferrer">View shop</a>
      </PlatformHeader>
      <Outlet />
    </>
  );
}
