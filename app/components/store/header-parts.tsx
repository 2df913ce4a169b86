import { Link, NavLink as RemixNavLink } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
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
  const intl = useIntl();
  return (
    <nav className="main-nav" aria-label={intl.formatMessage({ id: "header.mainNav" })}>
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

/** `bag`: the editorial theme calls the cart a bag. */
export function CartLink({ store, bag = false }: { store: StoreLayoutData; bag?: boolean }) {
  const intl = useIntl();
  const count = store.cartCount;
  const label = intl.formatMessage({ id: bag ? "header.bag" : "header.cart" });
  return (
    <Link to="/cart" className="cart-link" aria-label={intl.formatMessage({ id: "header.cartLabel" }, { label, count })}>
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
      <FormattedMessage id="header.account" />
    </Link>
  );
}

export function SearchLink() {
  return (
    <Link to="/search" className="search-link">
      <FormattedMessage id="header.search" />
    </Link>
  );
}

/**
 * A plain search box (GET /search?q=): in headers that have room for one (label hidden), and on pages that offer a
 * search (label shown). `landmark` names the form, so each stays a distinct landmark beside the others on the page.
 */
export function SearchForm({
  id = "header-search",
  landmark,
  defaultValue,
  showLabel = false,
}: {
  id?: string;
  landmark?: string;
  defaultValue?: string;
  showLabel?: boolean;
}) {
  const intl = useIntl();
  const label = intl.formatMessage({ id: "search.form.label" });
  return (
    <form className="search-form" role="search" aria-label={landmark ?? intl.formatMessage({ id: "search.form.landmark" })} method="get" action="/search">
      <label htmlFor={id} className={showLabel ? "search-form-label" : "visually-hidden"}>
        {label}
      </label>
      <input id={id} type="search" name="q" placeholder={label} autoComplete="off" defaultValue={defaultValue} />
      <button type="submit" className="button">
        <FormattedMessage id="search.form.submit" />
      </button>
    </form>
  );
}

export function FooterLinks({ store }: { store: StoreLayoutData }) {
  const intl = useIntl();
  return (
    <>
      {store.pages.length ? (
        <nav className="footer-nav footer-pages" aria-label={intl.formatMessage({ id: "footer.aboutNav" })}>
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
        <nav className="footer-nav" aria-label={intl.formatMessage({ id: "footer.policiesNav" })}>
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
          <FormattedMessage
            id="footer.questions"
            values={{ email: store.shop.contactEmail, link: (text) => <a href={`mailto:${store.shop.contactEmail}`}>{text}</a> }}
          />
        </p>
      ) : null}
      <p className="footer-copyright">
        <FormattedMessage id="footer.copyright" values={{ year: new Date().getFullYear(), shopName: store.shop.name }} />
      </p>
    </>
  );
}
