import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import styles from "../styles/settings.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

const TABS = [
  { to: "", label: "General" },
  { to: "policies", label: "Policies" },
  { to: "shipping", label: "Shipping" },
  { to: "taxes", label: "Taxes" },
  { to: "checkout", label: "Checkout" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireShopAdmin(context, request, params.shop, "settings");
  return { slug: shop.slug };
}

export default function SettingsLayout() {
  const { slug } = useLoaderData<typeof loader>();
  return (
    <main className="settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="tabs" aria-label="Settings sections">
        {TABS.map((tab) => (
          <NavLink key={tab.to} to={`/admin/${slug}/settings${tab.to ? `/${tab.to}` : ""}`} end>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
