import type { StorefrontLanguage } from "../../../shop/storefront-language.ts";
import type { HomeSection, ThemeSettings } from "../../../themes/settings.ts";

/** A responsive image: `srcSet` lists widths the media server can produce. */
export interface StoreImageData {
  url: string;
  alt: string;
  width: number;
  height: number;
  srcSet: string | null;
}

/** What a product card needs. Money: minor units as strings, in the shop's currency. */
export interface ProductCardData {
  id: string;
  handle: string;
  title: string;
  vendor: string;
  price: string;
  compareAtPrice: string | null;
  /** Variants have different prices: shown as "From …". */
  priceVaries: boolean;
  available: boolean;
  image: StoreImageData | null;
  /** Where the card links when not the product's own address, e.g. with a recommendation block's `?ref=`. */
  url?: string;
}

export interface NavLink {
  title: string;
  url: string;
}

/** The storefront layout's loader data: everything the shell and the theme need. */
export interface StoreLayoutData {
  shop: {
    name: string;
    /** The shop's own origin, for canonical URLs. */
    origin: string;
    currency: string;
    contactEmail: string;
    /** The shop's logo (settings.logo_key) on the shop's host. */
    logo: { url: string } | null;
  };
  /** What shoppers read the shop in (settings.storefront_language). */
  language: StorefrontLanguage;
  themeId: string;
  settings: ThemeSettings;
  nav: NavLink[];
  policies: NavLink[];
  /** The footer's links to visible content pages (the first few by title). */
  pages: NavLink[];
  cartCount: number;
  /** Set while the merchant previews: the query string that keeps the preview on every link. */
  preview: { draft: boolean; query: string } | null;
}

/** A home section with the data it shows, loaded on the server. */
export type HomeSectionData = HomeSection & {
  products?: ProductCardData[];
  image?: StoreImageData | null;
  /** Where "View all" goes, for product sections. */
  viewAllUrl?: string;
};

export type StockState = "in_stock" | "sold_out" | "continue_selling";

export interface ProductVariantData {
  id: string;
  title: string;
  optionValues: string[];
  sku: string;
  price: string;
  compareAtPrice: string | null;
  stock: StockState;
  /** Index into the product's images, or null to keep the product's first image. */
  imageIndex: number | null;
}

/** The product page's critical data. */
export interface ProductPageData {
  id: string;
  handle: string;
  title: string;
  vendor: string;
  productType: string;
  descriptionHtml: string;
  seoTitle: string;
  seoDescription: string;
  options: { name: string; values: string[] }[];
  variants: ProductVariantData[];
  images: StoreImageData[];
}
