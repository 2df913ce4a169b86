import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMemberships } from "../domain.server.ts";
import { PlatformHeader } from "../components/platform-header.tsx";
import { requireUser } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Your shops · Bazaar" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const memberships = await listMemberships(context.services.db, user.id);
  if (memberships.length === 1) throw redirect(`/admin/${memberships[0].shop.slug}`);
  return {
    email: user.email,
    shops: memberships.map(({ shop, role }) => ({ slug: shop.slug, name: shop.name, role })),
  };
}

export default function AdminShops() {
  const { email, shops } = useLoaderData<typeof loader>();
  return (
    <>
      <PlatformHeader email={email} />
      <main className="wide">
        <h1>Your shops</h1>
        {shops.length === 0 ? <p>You are not a member of any shop yet.</p> : null}
        <div className="grid">
          {shops.map((shop) => (
            <Link key={shop.slug} className="card" to={`/admin/${shop.slug}`}>
              <strong>{shop.name}</strong>
              <div className="muted">
                {shop.slug} · {shop.role}
              </div>
            </Link>
          ))}
        </div>
      </main>
    </>
  );
}
