import { Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AccountLink, AnnouncementBar, CartLink, FooterLinks, MainNav, SearchLink, StoreLogo } from "../../app/components/store/header-parts.tsx";
import { StoreImage } from "../../app/components/store/image.tsx";
import { Price } from "../../app/components/store/price.tsx";
import { Paragraphs } from "../../app/components/store/rich-text.tsx";
import { themeManifest } from "../manifest.ts";
import type { Theme, ThemeComponents } from "../types.ts";
import styles from "./theme.css";

// A magazine masthead, big serif type, full-bleed colour blocks and tall images.
const components: ThemeComponents = {
  Header: ({ store }) => (
    <header className="site-header">
      <AnnouncementBar store={store} />
      <div className="masthead">
        <div className="header-actions">
          <SearchLink />
          <AccountLink />
          <CartLink store={store} bag />
        </div>
        <StoreLogo store={store} />
        <MainNav store={store} />
      </div>
    </header>
  ),

  Footer: ({ store }) => (
    <footer className="site-footer">
      <p className="footer-brand" aria-hidden="true">
        {store.shop.name}
      </p>
      <div className="footer-inner">
        <FooterLinks store={store} />
      </div>
    </footer>
  ),

  ProductCard: ({ product, currency, headingLevel }) => {
    const Heading = `h${headingLevel}` as const;
    return (
      <div className="product-card">
        <div className="product-card-media">
          {product.image ? (
            <StoreImage image={{ ...product.image, alt: "" }} sizes="(min-width: 60em) 33vw, 100vw" />
          ) : (
            <div className="product-card-placeholder" aria-hidden="true">
              {product.title.slice(0, 1)}
            </div>
          )}
          {product.available ? null : (
            <span className="badge badge-soldout">
              <FormattedMessage id="product.soldOut" />
            </span>
          )}
        </div>
        <div className="product-card-caption">
          {product.vendor ? <p className="product-card-vendor">{product.vendor}</p> : null}
          <Heading className="product-card-title">
            <Link to={product.url ?? `/products/${product.handle}`} prefetch="intent">
              {product.title}
            </Link>
          </Heading>
          <Price amount={product.price} compareAt={product.compareAtPrice} currency={currency} varies={product.priceVaries} />
        </div>
      </div>
    );
  },

  Hero: function Hero({ section, headingLevel }) {
    const intl = useIntl();
    const Heading = `h${headingLevel}` as const;
    return (
      <section
        className="store-section section-hero"
        aria-label={headingLevel === 1 ? undefined : section.heading || intl.formatMessage({ id: "hero.welcome" })}
      >
        <div className="section-hero-inner">
          <Heading>{section.heading}</Heading>
          <div className="section-hero-aside">
            {section.text ? <p className="section-hero-text">{section.text}</p> : null}
            {section.buttonLabel && section.buttonLink ? (
              <Link to={section.buttonLink} className="button">
                {section.buttonLabel}
              </Link>
            ) : null}
          </div>
        </div>
      </section>
    );
  },

  ImageWithText: ({ section }) => (
    <section className={`store-section image-with-text image-${section.imagePosition}`} aria-labelledby={`${section.id}-heading`}>
      <div className="iwt-media">
        {section.image ? <StoreImage image={section.image} sizes="(min-width: 50em) 60vw, 100vw" /> : <div className="iwt-pattern" aria-hidden="true" />}
      </div>
      <div className="iwt-body">
        <p className="iwt-kicker" aria-hidden="true">
          <FormattedMessage id="home.feature" />
        </p>
        <h2 id={`${section.id}-heading`}>{section.heading}</h2>
        <Paragraphs text={section.text} />
        {section.buttonLabel && section.buttonLink ? (
          <Link to={section.buttonLink} className="button">
            {section.buttonLabel}
          </Link>
        ) : null}
      </div>
    </section>
  ),

  ProductGallery: ({ images, selectedIndex, title }) => {
    if (!images.length)
      return (
        <div className="product-gallery product-gallery-empty" aria-hidden="true">
          {title.slice(0, 1)}
        </div>
      );
    const ordered = [images[selectedIndex] ?? images[0], ...images.filter((_, i) => i !== (images[selectedIndex] ? selectedIndex : 0))];
    return (
      <ul className="product-gallery">
        {ordered.map((image, i) => (
          <li key={image.url}>
            <StoreImage image={image} sizes="(min-width: 60em) 60vw, 100vw" loading={i === 0 ? "eager" : "lazy"} />
          </li>
        ))}
      </ul>
    );
  },
};

export const editorial: Theme = { ...themeManifest("editorial"), stylesheet: styles, components };
