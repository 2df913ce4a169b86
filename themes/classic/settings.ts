import { defaultText } from "../default-texts.ts";
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
  announcement: { enabled: false, text: "", link: "" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      // Empty: the shop's own headline and welcome text from its settings (shop/storefront.server.ts).
      heading: "",
      text: "",
      buttonLabel: defaultText("themeText.browseCatalogue"),
      buttonLink: "/collections/all",
    },
    { id: "featured-collection-1", type: "featured-collection", heading: defaultText("themeText.bestSellers"), collection: "all", limit: 4 },
    { id: "product-grid-1", type: "product-grid", heading: defaultText("themeText.justArrived"), limit: 8 },
  ],
};
