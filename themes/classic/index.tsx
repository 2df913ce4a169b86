import { Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AccountLink, AnnouncementBar, CartLink, FooterLinks, MainNav, SearchForm, StoreLogo } from "../../app/components/store/header-parts.tsx";
import { StoreImage } from "../../app/components/store/image.tsx";
import { Price } from "../../app/components/store/price.tsx";
import { Paragraphs } from "../../app/components/store/rich-text.tsx";
import { themeManifest } from "../manifest.ts";
import type { Theme, ThemeComponents } from "../types.ts";
import styles from "./theme.css";

// A department-store catalogue: search box up front, a coloured navigation bar, boxed cards in dense grids.
const components: ThemeComponents = {
  Header: ({ store }) => (
    <header className="site-header">
      <AnnouncementBar store={store} />
      <div className="header-inner">
        <StoreLogo store={store} />
        <SearchForm />
        <AccountLink />
        <CartLink store={store} />
      </div>
      <div className="nav-bar">
        <MainNav store={store} />
      </div>
    </header>
  ),

  Footer: ({ store }) => (
    <footer className="site-footer">
      <div className="footer-inner">
        <div className="footer-column">
          <p className="footer-brand">{store.shop.name}</p>
          <p className="footer-tagline">
            <FormattedMessage id="footer.thanks" />
          </p>
        </div>
        <div className="footer-column">
          <FooterLinks store={store} />
        </div>
      </div>
    </footer>
  ),

  ProductCard: ({ product, currency, headingLevel }) => {
    const Heading = `h${headingLevel}` as const;
    return (
      <div className="product-card">
        <div className="product-card-media">
          {product.image ? (
            <StoreImage image={{ ...product.image, alt: "" }} sizes="(min-width: 60em) 20vw, 50vw" />
          ) : (
            <div className="product-card-placeholder" aria-hidden="true">
              {product.title.slice(0, 1)}
            </div>
          )}
        </div>
        <div className="product-card-body">
          <Heading className="product-card-title">
            <Link to={product.url ?? `/products/${product.handle}`} prefetch="intent">
              {product.title}
            </Link>
          </Heading>
          {product.vendor ? <p className="product-card-vendor">{product.vendor}</p> : null}
          <Price amount={product.price} compareAt={product.compareAtPrice} currency={currency} varies={product.priceVaries} />
          <p className={`product-card-stock ${product.available ? "is-available" : "is-soldout"}`}>
            <FormattedMessage id={product.available ? "product.inStock" : "product.soldOut"} />
          </p>
        </div>
      </div>
    );
  },

  Hero: function Hero({ section, store, headingLevel }) {
    const intl = useIntl();
    const Heading = `h${headingLevel}` as const;
    return (
      <section
        className="store-section section-hero"
        aria-label={headingLevel === 1 ? undefined : section.heading || intl.formatMessage({ id: "hero.welcome" })}
      >
        <div className="section-hero-copy">
          <Heading>{section.heading}</Heading>
          {section.text ? <p className="section-hero-text">{section.text}</p> : null}
          {section.buttonLabel && section.buttonLink ? (
            <Link to={section.buttonLink} className="button">
              {section.buttonLabel}
            </Link>
          ) : null}
        </div>
        <ul className="section-hero-perks" aria-label={intl.formatMessage({ id: "hero.perks" })}>
          <li>
            <FormattedMessage id="hero.perkSecure" />
          </li>
          {/* Only what is true of every shop, then the merchant's own policies: no promise the merchant didn't make. */}
          {store.policies.map((policy) => (
            <li key={policy.url}>
              <Link to={policy.url}>{policy.title}</Link>
            </li>
          ))}
        </ul>
      </section>
    );
  },

  ImageWithText: ({ section }) => (
    <section className={`store-section image-with-text image-${section.imagePosition}`} aria-labelledby={`${section.id}-heading`}>
      <div className="iwt-media">
        {section.image ? <StoreImage image={section.image} sizes="(min-width: 50em) 40vw, 100vw" /> : <div className="iwt-pattern" aria-hidden="true" />}
      </div>
      <div className="iwt-body">
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
    const main = images[selectedIndex] ?? images[0];
    return (
      <div className="product-gallery">
        <div className="product-gallery-frame">
          <StoreImage image={main} sizes="(min-width: 60em) 45vw, 100vw" loading="eager" />
        </div>
        {images.length > 1 ? (
          <ul className="product-gallery-thumbs">
            {images.map((image) => (
              <li key={image.url} className={image === main ? "is-current" : undefined}>
                <StoreImage image={{ ...image, alt: "" }} sizes="6rem" />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  },
};

export const classic: Theme = { ...themeManifest("classic"), stylesheet: styles, components };
