import { Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { useStore } from "./context.tsx";
import { EmptyState } from "./empty-state.tsx";
import { ProductGrid } from "./product-grid.tsx";
import { Paragraphs } from "./rich-text.tsx";
import type { HomeSectionData } from "./types.ts";

/**
 * The home page: the theme's sections in the merchant's order. The first hero
 * carries the page's <h1>; without one, the shop's name is a hidden <h1>.
 */
export function HomeSections({ sections }: { sections: HomeSectionData[] }) {
  const store = useStore();
  const intl = useIntl();
  const { Hero, ImageWithText } = store.theme.components;
  const firstHero = sections.find((s) => s.type === "hero");
  return (
    <>
      {firstHero ? null : <h1 className="visually-hidden">{store.shop.name}</h1>}
      {sections.map((section) => {
        switch (section.type) {
          case "hero":
            return <Hero key={section.id} section={section} store={store} headingLevel={section === firstHero ? 1 : 2} />;
          case "featured-collection":
          case "product-grid":
            return (
              <section key={section.id} className={`store-section section-products section-${section.type}`} aria-labelledby={`${section.id}-heading`}>
                <div className="section-head">
                  <h2 id={`${section.id}-heading`}>{section.heading || intl.formatMessage({ id: "home.productsHeading" })}</h2>
                  {section.viewAllUrl && section.products?.length ? (
                    <Link to={section.viewAllUrl} className="view-all">
                      <FormattedMessage
                        id="home.viewAll"
                        values={{ heading: section.heading, hidden: (text) => <span className="visually-hidden">{text}</span> }}
                      />
                    </Link>
                  ) : null}
                </div>
                {section.products?.length ? (
                  <ProductGrid products={section.products} />
                ) : (
                  <EmptyState title={intl.formatMessage({ id: "home.productsSoon" })} />
                )}
              </section>
            );
          case "rich-text":
            return (
              <section key={section.id} className="store-section section-rich-text" aria-labelledby={section.heading ? `${section.id}-heading` : undefined}>
                {section.heading ? <h2 id={`${section.id}-heading`}>{section.heading}</h2> : null}
                <div className="section-rich-text-body">
                  <Paragraphs text={section.text} />
                </div>
              </section>
            );
          case "image-with-text":
            return <ImageWithText key={section.id} section={section} />;
        }
      })}
    </>
  );
}
