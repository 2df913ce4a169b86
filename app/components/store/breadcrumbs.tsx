import { Link } from "@remix-run/react";
import { useIntl } from "react-intl";
import type { NavLink } from "./types.ts";

/** The trail to this page; the last item is the current page. */
export function Breadcrumbs({ items }: { items: NavLink[] }) {
  const intl = useIntl();
  return (
    <nav className="breadcrumbs" aria-label={intl.formatMessage({ id: "breadcrumbs.label" })}>
      <ol>
        {items.map((item, i) => (
          <li key={item.url}>{i === items.length - 1 ? <span aria-current="page">{item.title}</span> : <Link to={item.url}>{item.title}</Link>}</li>
        ))}
      </ol>
    </nav>
  );
}

/** schema.org BreadcrumbList for the same trail, with absolute URLs on the shop's origin. */
export function breadcrumbJsonLd(origin: string, items: NavLink[]) {
  return {
    "@context": "https://schema.org",
    "@type": "BreadcrumbList",
    itemListElement: items.map((item, i) => ({ "@type": "ListItem", position: i + 1, name: item.title, item: origin + item.url })),
  };
}
