import { FONT_IDS } from "../fonts.ts";
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
  announcement: { enabled: true, text: "Free returns within 30 days", link: "/policies/refund-policy" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      heading: "Everyday things, made well",
      text: "A short list of objects we use ourselves, chosen to last.",
      buttonLabel: "Shop all",
      buttonLink: "/collections/all",
    },
    { id: "featured-collection-1", type: "featured-collection", heading: "Shop the collection", collection: "all", limit: 8 },
    { id: "rich-text-1", type: "rich-text", heading: "Less, but better", text: "We keep our range small so every piece earns its place." },
  ],
};
