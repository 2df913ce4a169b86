import { defaultText } from "../default-texts.ts";
import type { ThemeSchema, ThemeSettings } from "../settings.ts";

export const schema: ThemeSchema = {
  fonts: ["didone", "old-style-serif", "transitional-serif", "condensed", "humanist", "system-sans", "monospace"],
  sectionTypes: ["hero", "featured-collection", "product-grid", "rich-text", "image-with-text"],
  maxSections: 12,
};

export const defaults: ThemeSettings = {
  colors: { background: "#f3eee4", surface: "#fffdf8", text: "#141414", muted: "#4a4642", accent: "#b3261e", accentText: "#ffffff" },
  headingFont: "didone",
  bodyFont: "humanist",
  logoWidth: 160,
  announcement: { enabled: false, text: "", link: "" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      // Empty: the shop's own headline and welcome text from its settings (shop/storefront.server.ts).
      heading: "",
      text: "",
      buttonLabel: defaultText("themeText.exploreTheEdit"),
      buttonLink: "/collections/all",
    },
    { id: "product-grid-1", type: "product-grid", heading: defaultText("themeText.newThisSeason"), limit: 6 },
  ],
};
