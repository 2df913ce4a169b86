import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { can, type Capability } from "../../shop/permissions.ts";
import { PlatformHeader } from "../components/platform-header.tsx";
import { requireMember } from "../utils/guards.server.ts";

const SECTIONS: { to: string; label: string; capability: Capability }[] = [
  { to: "", label: "Home", capability: "catalogue" },
  { to: "products", label: "Products", capability: "catalogue" },
  { to: "collections", label: "Collections", capability: "catalogue" },
  { to: "transfers", label: "Import & export", capability: "catalogue" },
  { to: "orders", label: "Orders", capability: "orders" },
  { to: "customers", label: "Customers", capability: "customers" },
  { to: "discounts", label: "Discounts", capability: "discounts" },
  { to: "themes", label: "Themes", capability: "themes" },
  { to: "pages", label: "Pages", capability: "pages" },
  { to: "settings", label: "Settings", capability: "settings" },
  { to: "staff", label: "Staff", capability: "staff" },
  { to: "audit", label: "Audit log", capability: "audit" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop, role } = await requireMember(context, request, params.shop);
  return {
    email: context.user!.email,
    shop: { slug: shop.slug, name: shop.name, status: shop.status, storefrontUrl: shopOrigin(context.services.config, shop.slug) },
    role,
    sections: SECTIONS.filter((s) => can(role, s.capability)).map(({ to, label }) => ({ to, label })),
  };
}

export default function ShopAdminLayout() {
  const { email, shop, sections } = useLoaderData<typeof loader>();
  return (
    <>
      <PlatformHeader email={email}>
        <span className="muted">{shop.name}</span>
        <a href={shop.storefrontUrl} target="_blank" rel="noreferrer">
          View shop
        </a>
      </PlatformHeader>
      <div className="admin">
        <nav className="admin-nav" aria-label="Shop admin">
          {sections.map((s) => (
            <NavLink key={s.to} to={`/admin/${shop.slug}${s.to ? `/${s.to}` : ""}`} end={!s.to}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        <div className="admin-main">
          <Outlet />
        </div>
      </div>
    </>
  );
}
