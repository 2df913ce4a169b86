import type { MetaDescriptor } from "@remix-run/node";
import type { StoreLayoutData } from "./types.ts";

/** What a storefront loader returns for `storeMeta`. `path` is the canonical path on the shop's origin. */
export interface Seo {
  title: string;
  description: string;
  path: string;
  image?: string | null;
  type?: "website" | "product" | "article";
  /** Cart, account, password: not for search engines. */
  noindex?: boolean;
}

/** The storefront layout's data from route matches (the layout route, or "/" which carries its own). */
export function storeFromMatches(matches: readonly { id: string; data: unknown }[]): StoreLayoutData | undefined {
  for (const match of matches) {
    const data = match.data as { store?: StoreLayoutData } | undefined;
    if ((match.id === "routes/_store" || match.id === "routes/_index") && data?.store) return data.store;
  }
  return undefined;
}

/** Title, description, canonical URL and Open Graph tags for a storefront page. */
export function storeMeta(seo: Seo | undefined, store: StoreLayoutData | undefined): MetaDescriptor[] {
  if (!seo || !store) return [{ title: store?.shop.name ?? "Not found" }];
  const title = seo.path === "/" ? seo.title : `${seo.title} · ${store.shop.name}`;
  const url = store.shop.origin + seo.path;
  const image = seo.image ?? store.shop.logo?.url ?? null;
  const tags: MetaDescriptor[] = [
    { title },
    { name: "description", content: seo.description },
    { tagName: "link", rel: "canonical", href: url },
    { property: "og:site_name", content: store.shop.name },
    { property: "og:title", content: seo.title },
    { property: "og:description", content: seo.description },
    { property: "og:url", content: url },
    { property: "og:type", content: seo.type ?? "website" },
    { name: "twitter:card", content: image ? "summary_large_image" : "summary" },
  ];
  if (image) tags.push({ property: "og:image", content: image.startsWith("http") ? image : store.shop.origin + image });
  if (seo.noindex || store.preview) tags.push({ name: "robots", content: "noindex" });
  return tags;
}

/** A description from plain text or HTML: tags dropped, whitespace squeezed, at most 160 characters. */
export function describe(text: string, fallback: string): string {
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/&[a-z#0-9]+;/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!plain) return fallback;
  return plain.length > 160 ? `${plain.slice(0, 157).replace(/\s+\S*$/, "")}…` : plain;
}
