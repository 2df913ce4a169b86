import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { requireMember } from "../utils/guards.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireMember(context, request, params.shop);
  // Every read of the shop's own data goes through its handle.
  const settings = await context.services
    .tenantDb(shop)
    .selectFrom("settings")
    .select(["headline", "currency"])
    .executeTakeFirstOrThrow();
  return { name: shop.name, status: shop.status, plan: shop.plan, storefrontUrl: shopOrigin(context.services.config, shop.slug), ...settings };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.name ?? "Shop"} · Bazaar admin` }];

export default function ShopAdminHome() {
  const shop = useLoaderData<typeof loader>();
  return (
    <main className="wide">
      <h1>{shop.name}</h1>
      <p>
        Your storefront is live at <a href={shop.storefrontUrl}>{shop.storefrontUrl}</a>.
      </p>
      <div className="grid">
        <section className="card">
          <h2>Status</h2>
          <p><span className={`status ${shop.status}`}>{shop.status}</span></p>
        </section>
        <section className="card">
          <h2>Plan</h2>
          <p>{shop.plan}</p>
        </section>
        <section className="card">
          <h2>Currency</h2>
          <p>{shop.currency}</p>
        </section>
      </div>
    </main>
  );
}
