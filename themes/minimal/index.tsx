import { Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AccountLink, AnnouncementBar, CartLink, FooterLinks, MainNav, SearchLink, StoreLogo } from "../../app/components/store/header-parts.tsx";
import { StoreImage } from "../../app/components/store/image.tsx";
import { Price } from "../../app/components/store/price.tsx";
import { Paragraphs } from "../../app/components/store/rich-text.tsx";
import { themeManifest } from "../manifest.ts";
import type { Theme, ThemeComponents } from "../types.ts";
import styles from "./theme.css";

const components: ThemeComponents = {
  Header: ({ store }) => (
    <header className="site-header">
      <AnnouncementBar store={store} />
      <div className="header-inner">
        <StoreLogo store={store} />
        <MainNav store={store} />
        <div className="header-actions">
          <SearchLink />
          <AccountLink />
          <CartLink store={store} />
        </div>
      </div>
    </header>
  ),

  Footer: ({ store }) => (
    <footer className="site-footer">
      <div className="footer-inner">
        <p className="footer-brand">{store.shop.name}</p>
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
            <StoreImage image={{ ...product.image, alt: "" }} sizes="(min-width: 60em) 25vw, 50vw" />
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
        <Heading className="product-card-title">
          <Link to={product.url ?? `/products/${product.handle}`} prefetch="intent">
            {product.title}
          </Link>
        </Heading>
        <Price amount={product.price} compareAt={product.compareAtPrice} currency={currency} varies={product.priceVaries} />
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
        <Heading>{section.heading}</Heading>
        {section.text ? <p className="section-hero-text">{section.text}</p> : null}
        {section.buttonLabel && section.buttonLink ? (
          <Link to={section.buttonLink} className="button">
            {section.buttonLabel}
          </Link>
        ) : null}
      </section>
    );
  },

  ImageWithText: ({ section }) => (
    <section className={`store-section image-with-text image-${section.imagePosition}`} aria-labelledby={`${section.id}-heading`}>
      <div className="iwt-media">
        {section.image ? <StoreImage image={section.image} sizes="(min-width: 50em) 50vw, 100vw" /> : <div className="iwt-pattern" aria-hidden="true" />}
      </div>
      <div className="iwt-body">
        <h2 id={`${section.id}-heading`}>{section.heading}</h2>
        <Paragraphs text={section.text} />
        {section.buttonLabel && section.buttonLink ? (
          <Link to={section.buttonLink} className="button-secondary">
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
    const main = images[selectedIndex] ?? images[0];
    const rest = images.filter((image) => image !== main);
    return (
      <div className="product-gallery">
        <StoreImage image={main} sizes="(min-width: 60em) 55vw, 100vw" loading="eager" className="product-gallery-main" />
        {rest.length ? (
          <ul className="product-gallery-rest">
            {rest.map((image) => (
              <li key={image.url}>
                <StoreImage image={image} sizes="(min-width: 60em) 27vw, 50vw" />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  },
};

export const minimal: Theme = { ...themeManifest("minimal"), stylesheet: styles, components };
