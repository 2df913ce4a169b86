import { NavLink } from "@remix-run/react";
import { PlatformHeader } from "./platform-header.tsx";

const SECTIONS = [
  { to: "/operator", label: "Shops", end: true },
  { to: "/operator/metrics", label: "Metrics", end: false },
  { to: "/operator/plans", label: "Plans and settings", end: false },
  { to: "/operator/restore", label: "Restore a shop", end: false },
  { to: "/operator/log", label: "Operator log", end: false },
];

/** The console's header: the platform header with the console's sections. */
export function OperatorHeader({ email }: { email: string }) {
  return (
    <PlatformHeader email={email} logoutAction="/operator/logout" accountLink={false}>
      <nav className="operator-nav" aria-label="Operator console">
        {SECTIONS.map((s) => (
          <NavLink key={s.to} to={s.to} end={s.end}>
            {s.label}
          </NavLink>
        ))}
      </nav>
    </PlatformHeader>
  );
}
