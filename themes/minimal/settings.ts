import { FONT_IDS } from "../fonts.ts";
import { defaultText } from "../default-texts.ts";
import type { ThemeSchema, ThemeSettings } from "../settings.ts";

export const schema: ThemeSchema = {
  fonts: FONT_IDS,
  sectionTypes: ["hero", "featured-collection", "product-grid", "rich-text", "image-with-text"],
  maxSections: 12,
};

export const defaults: ThemeSettings = {
  colors: { background: "#ffffff", surface: "#f5f5f4", text: "#1c1917", muted: "#57534e", accent: "#1c1917", accentText: "#ffffff" },
  headingFont: "system-sans",
  bodyFont: "system-sans",
  logoWidth: 120,
  announcement: { enabled: false, text: "", link: "" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      // Empty: the shop's own headline and welcome text from its settings (shop/storefront.server.ts).
      heading: "",
      text: "",
      buttonLabel: defaultText("themeText.shopAll"),
      buttonLink: "/collections/all",
    },
    { id: "featured-collection-1", type: "featured-collection", heading: defaultText("themeText.shopTheCollection"), collection: "all", limit: 8 },
  ],
};
