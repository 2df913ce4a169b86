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
  announcement: { enabled: true, text: "The new season is here. Read the stories behind it.", link: "/collections/all" },
  sections: [
    {
      id: "hero-1",
      type: "hero",
      heading: "Made slowly. Meant to last.",
      text: "Objects with a story, from the people who make them.",
      buttonLabel: "Explore the edit",
      buttonLink: "/collections/all",
    },
    {
      id: "image-with-text-1",
      type: "image-with-text",
      heading: "The makers",
      text: "Every piece in our shop comes from a small workshop we know by name.",
      product: "",
      imagePosition: "left",
      buttonLabel: "Meet them",
      buttonLink: "/collections/all",
    },
    { id: "product-grid-1", type: "product-grid", heading: "New this season", limit: 6 },
    { id: "rich-text-1", type: "rich-text", heading: "Our promise", text: "Fair prices for makers, honest prices for you." },
  ],
};
