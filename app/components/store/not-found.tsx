import type { MetaDescriptor } from "@remix-run/node";
import { Link, useLocation } from "@remix-run/react";
import { SearchForm } from "./header-parts.tsx";
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
  return (
    <div className="store-page store-page-narrow store-error">
      <PageHeader title="Page not found" description="There's nothing at this address. The page may have moved, or what was here is no longer for sale." />
      <SearchForm id="not-found-search" landmark="Search instead" defaultValue={searchTermsFromPath(pathname)} showLabel />
      <p className="store-error-links">
        <Link to="/" className="button-secondary">
          Go to the home page
        </Link>
        <Link to="/collections/all" className="button-secondary">
          Browse all products
        </Link>
      </p>
    </div>
  );
}

/** The storefront's error pages: named after the shop, and never indexed. */
export function storeErrorMeta(title: string, store: StoreLayoutData | undefined): MetaDescriptor[] {
  return [{ title: store ? `${title} · ${store.shop.name}` : title }, { name: "robots", content: "noindex" }];
}
