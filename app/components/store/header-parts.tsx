import { Link, NavLink as RemixNavLink } from "@remix-run/react";
import type { StoreLayoutData } from "./types.ts";

/** Pieces each theme arranges in its own header. */

/** False for a link to a policy or page this shop hasn't published: such a link would lead to "Page not found". */
export function linkLeadsSomewhere(store: Pick<StoreLayoutData, "policies" | "pages">, href: string): boolean {
  const path = href.split(/[?#]/)[0];
  if (!/^\/(policies|pages)\//.test(path)) return true;
  return [...store.policies, ...store.pages].some((link) => link.url === path);
}

export function AnnouncementBar({ store }: { store: StoreLayoutData }) {
  const { announcement } = store.settings;
  if (!announcement.enabled || !announcement.text) return null;
  const link = announcement.link && linkLeadsSomewhere(store, announcement.link) ? announcement.link : null;
  return <div className="announcement-bar">{link ? <a href={link}>{announcement.text}</a> : <p>{announcement.text}</p>}</div>;
}

export function StoreLogo({ store }: { store: StoreLayoutData }) {
  const { logo, name } = store.shop;
  return (
    <Link to="/" className="store-logo">
      {logo ? <img src={logo.url} alt={name} width={store.settings.logoWidth} /> : <span>{name}</span>}
    </Link>
  );
}

export function MainNav({ store }: { store: StoreLayoutData }) {
  return (
    <nav className="main-nav" aria-label="Main">
      <ul>
        {store.nav.map((item) => (
          <li key={item.url}>
            <RemixNavLink to={item.url} end prefetch="intent">
              {item.title}
            </RemixNavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function CartLink({ store, label = "Cart" }: { store: StoreLayoutData; label?: string }) {
  const count = store.cartCount;
  return (
    <Link to="/cart" className="cart-link" aria-label={`${label}, ${count} ${count === 1 ? "item" : "items"}`}>
      {/* The space keeps the visible text ("Cart 2") inside the accessible name ("Cart, 2 items"). */}
      <span aria-hidden="true">{label}</span>{" "}
      <span className="cart-count" aria-hidden="true">
        {count}
      </span>
    </Link>
  );
}

export function AccountLink() {
  return (
    <Link to="/account" className="account-link">
      Account
    </Link>
  );
}

export function SearchLink() {
  return (
    <Link to="/search" className="search-link">
      Search
    </Link>
  );
}

/**
 * A plain search box (GET /search?q=): in headers that have room for one (label hidden), and on pages that offer a
 * search (label shown). `landmark` names the form, so each stays a distinct landmark beside the others on the page.
 */
export function SearchForm({
  id = "header-search",
  landmark = "Search the shop",
  defaultValue,
  showLabel = false,
}: {
  id?: string;
  landmark?: string;
  defaultValue?: string;
  showLabel?: boolean;
}) {
  return (
    <form className="search-form" role="search" aria-label={landmark} method="get" action="/search">
      <label htmlFor={id} className={showLabel ? "search-form-label" : "visually-hidden"}>
        Search products
      </label>
      <input id={id} type="search" name="q" placeholder="Search products" autoComplete="off" defaultValue={defaultValue} />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

export function FooterLinks({ store }: { store: StoreLayoutData }) {
  return (
    <>
      {store.pages.length ? (
        <nav className="footer-nav footer-pages" aria-label="About the shop">
          <ul>
            {store.pages.map((p) => (
              <li key={p.url}>
                <Link to={p.url}>{p.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {store.policies.length ? (
        <nav className="footer-nav" aria-label="Policies">
          <ul>
            {store.policies.map((p) => (
              <li key={p.url}>
                <Link to={p.url}>{p.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {store.shop.contactEmail ? (
        <p className="footer-contact">
          Questions? <a href={`mailto:${store.shop.contactEmail}`}>{store.shop.contactEmail}</a>
        </p>
      ) : null}
      <p className="footer-copyright">
        © {new Date().getFullYear()} {store.shop.name} · Powered by Bazaar
      </p>
    </>
  );
}
