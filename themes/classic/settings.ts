import type { ThemeSchema, ThemeSettings } from "../settings.ts";

export const schema: ThemeSchema = {
  fonts: ["transitional-serif", "old-style-serif", "slab", "system-sans", "humanist", "condensed"],
  sectionTypes: ["hero", "featured-collection", "product-grid", "rich-text", "image-with-text"],
  maxSections: 12,
};

export const defaults: ThemeSettings = {
  colors: { background: "#f7f5f0", surface: "#ffffff", text: "#222222", muted: "#595959", accent: "#1d4f3f", accentText: "#ffffff" },
  headingFont: "transitional-serif",
  bodyFont: "system-sans",
  logoWidth: 140,
  announcement: { enabled: true, text: "Order by 2 pm for same-day dispatch", link: "/policies/shipping-policy" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      heading: "The full catalogue, in stock and ready to ship",
      text: "Browse by department or search for exactly what you need.",
      buttonLabel: "Browse the catalogue",
      buttonLink: "/collections/all",
    },
    { id: "featured-collection-1", type: "featured-collection", heading: "Best sellers", collection: "all", limit: 4 },
    { id: "product-grid-1", type: "product-grid", heading: "Just arrived", limit: 8 },
    { id: "rich-text-1", type: "rich-text", heading: "Service you can count on", text: "Real people answer every email, usually within a day." },
  ],
};
