import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { shopOrigin } from "../../server/config.ts";
import { can, type Capability } from "../../shop/permissions.ts";
import { adminAllows, STATUS_LABELS, statusExplanation } from "../../tenants/lifecycle.ts";
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
  { to: "payments", label: "Payments", capability: "payouts" },
  { to: "billing", label: "Plan & billing", capability: "billing" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  // The layout shows in every state; the pages in it need the whole admin unless they say otherwise.
  const { shop, role } = await requireMember(context, request, params.shop, "notice");
  const open = adminAllows(shop.status, "full");
  return {
    email: context.user!.email,
    shop: { slug: shop.slug, name: shop.name, status: shop.status, storefrontUrl: shopOrigin(context.services.config, shop.slug) },
    role,
    // A shop whose admin is closed shows only its billing page, to every member: that is where it says why.
    sections: open ? SECTIONS.filter((s) => can(role, s.capability)).map(({ to, label }) => ({ to, label })) : [{ to: "billing", label: "Plan & billing" }],
    notice: shop.status === "active" ? null : { label: STATUS_LABELS[shop.status], text: statusExplanation(shop), status: shop.status },
  };
}

export default function ShopAdminLayout() {
  const { email, shop, sections, notice } = useLoaderData<typeof loader>();
  // The billing page says the same at length.
  const { pathname } = useLocation();
  // On a phone the menu is a disclosure; following one of its links closes it again.
  // Only a change of page closes it: closing on hydration would shut a menu tapped before the scripts ran.
  const menu = useRef<HTMLDetailsElement>(null);
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    if (menu.current) menu.current.open = false;
  }, [pathname]);
  const href = (to: string) => `/admin/${shop.slug}${to ? `/${to}` : ""}`;
  const current = sections.find((s) => pathname === href(s.to) || (s.to && pathname.startsWith(`${href(s.to)}/`)));
  const links = sections.map((s) => (
    <NavLink key={s.to} to={href(s.to)} end={!s.to}>
      {s.label}
    </NavLink>
  ));
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
          {/* A closed admin has one page: its link needs no menu around it. */}
          {sections.length > 1 ? (
            <details ref={menu}>
              <summary>Menu{current ? <span className="muted"> · {current.label}</span> : null}</summary>
              {links}
            </details>
          ) : (
            links
          )}
        </nav>
        <div className="admin-main">
          {notice && !pathname.endsWith("/billing") ? (
            <p className={`lifecycle-notice ${notice.status}`} role="status">
              <strong>{notice.label}.</strong> {notice.text}{" "}
              {sections.some((s) => s.to === "billing") ? <Link to={`/admin/${shop.slug}/billing`}>Plan &amp; billing</Link> : null}
            </p>
          ) : null}
          <Outlet />
        </div>
      </div>
    </>
  );
}
