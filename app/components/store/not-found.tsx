import type { MetaDescriptor } from "@remix-run/node";
import { Link, useLocation } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { SearchForm } from "./header-parts.tsx";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "../../../shop/storefront-language.ts";
import { PageHeader } from "./page-header.tsx";
import type { StoreLayoutData } from "./types.ts";

/**
 * What to search for instead of an address that wasn't found: its last segment when it reads like a handle
 * (`/products/blue-mug` → "blue mug"); nothing for anything else, so no arbitrary text from the address is echoed.
 */
export function searchTermsFromPath(pathname: string): string {
  const last = pathname.split("/").filter(Boolean).pop() ?? "";
  return /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/i.test(last) && last.length <= 80 ? last.replace(/[-_]/g, " ") : "";
}

/** The shop's "Page not found", inside its layout: for an unknown address and for a product, page… that doesn't exist. */
export function StoreNotFound() {
  const { pathname } = useLocation();
  const intl = useIntl();
  return (
    <div className="store-page store-page-narrow store-error">
      <PageHeader title={intl.formatMessage({ id: "notFound.title" })} description={intl.formatMessage({ id: "notFound.description" })} />
      <SearchForm
        id="not-found-search"
        landmark={intl.formatMessage({ id: "notFound.searchLandmark" })}
        defaultValue={searchTermsFromPath(pathname)}
        showLabel
      />
      <p className="store-error-links">
        <Link to="/" className="button-secondary">
          <FormattedMessage id="notFound.home" />
        </Link>
        <Link to="/collections/all" className="button-secondary">
          <FormattedMessage id="notFound.allProducts" />
        </Link>
      </p>
    </div>
  );
}

/** The storefront's error pages: named (in the shop's language) after the shop, and never indexed. */
export function storeErrorMeta(titleId: "notFound.title" | "error.title", store: StoreLayoutData | undefined): MetaDescriptor[] {
  const title = storefrontIntl(store?.language ?? DEFAULT_STOREFRONT_LANGUAGE).formatMessage({ id: titleId });
  return [{ title: store ? `${title} · ${store.shop.name}` : title }, { name: "robots", content: "noindex" }];
}
