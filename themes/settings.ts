import { defaultText } from "./default-texts.ts";
import { FONTS, type FontId } from "./fonts.ts";

/**
 * Theme settings: what a merchant changes in the theme editor. Shared by every
 * theme; each theme brings its own defaults and limits (`ThemeSchema`).
 * Browser-safe: the editor validates and checks contrast as the merchant types.
 */
export interface ThemeColors {
  background: string;
  surface: string;
  text: string;
  muted: string;
  accent: string;
  accentText: string;
}

export interface Announcement {
  enabled: boolean;
  text: string;
  /** A storefront path ("/collections/sale") or empty for no link. */
  link: string;
}

export interface HeroSection {
  id: string;
  type: "hero";
  heading: string;
  text: string;
  buttonLabel: string;
  buttonLink: string;
}

export interface FeaturedCollectionSection {
  id: string;
  type: "featured-collection";
  heading: string;
  /** A collection handle; "all" for every product. */
  collection: string;
  limit: number;
}

export interface ProductGridSection {
  id: string;
  type: "product-grid";
  heading: string;
  limit: number;
}

export interface RichTextSection {
  id: string;
  type: "rich-text";
  heading: string;
  /** Plain text; blank lines separate paragraphs. */
  text: string;
}

export interface ImageWithTextSection {
  id: string;
  type: "image-with-text";
  heading: string;
  text: string;
  /** The first image of this product is shown; empty: a theme pattern. */
  product: string;
  imagePosition: "left" | "right";
  buttonLabel: string;
  buttonLink: string;
}

export type HomeSection = HeroSection | FeaturedCollectionSection | ProductGridSection | RichTextSection | ImageWithTextSection;
export type SectionType = HomeSection["type"];

export interface ThemeSettings {
  colors: ThemeColors;
  headingFont: FontId;
  bodyFont: FontId;
  /** Width of the logo image in the header, in CSS pixels. */
  logoWidth: number;
  announcement: Announcement;
  sections: HomeSection[];
}

/** What a theme allows, besides its defaults. */
export interface ThemeSchema {
  fonts: readonly FontId[];
  sectionTypes: readonly SectionType[];
  maxSections: number;
}

export const SECTION_LABELS: Record<SectionType, string> = {
  hero: "Hero banner",
  "featured-collection": "Featured collection",
  "product-grid": "Newest products",
  "rich-text": "Rich text",
  "image-with-text": "Image with text",
};

export const COLOR_LABELS: Record<keyof ThemeColors, string> = {
  background: "Background",
  surface: "Cards and fields",
  text: "Text",
  muted: "Secondary text",
  accent: "Buttons and links",
  accentText: "Button text",
};

export const LIMITS = {
  heading: 80,
  text: 2000,
  shortText: 280,
  buttonLabel: 30,
  link: 200,
  announcement: 120,
  handle: 200,
  productLimit: { min: 2, max: 12 },
  logoWidth: { min: 60, max: 300 },
} as const;

const HEX = /^#[0-9a-f]{6}$/i;
const HANDLE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SECTION_ID = /^[a-z0-9-]{1,40}$/;

/** A link a merchant may put on a button: a storefront path or an http(s) URL. */
function isSafeLink(value: string): boolean {
  if (value === "") return true;
  if (value.startsWith("/")) return !value.startsWith("//") && !value.startsWith("/\\");
  return /^https?:\/\/[^\s]+$/i.test(value);
}

export type SettingsErrors = Record<string, string>;

type FieldCheck<T> = (value: unknown) => { ok: true; value: T } | { ok: false; message: string };

const text =
  (max: number, required = false): FieldCheck<string> =>
  (value) => {
    if (typeof value !== "string") return { ok: false, message: "Enter text." };
    const trimmed = value.trim();
    if (required && !trimmed) return { ok: false, message: "This can't be empty." };
    if (trimmed.length > max) return { ok: false, message: `Use at most ${max} characters.` };
    return { ok: true, value: trimmed };
  };

const color: FieldCheck<string> = (value) =>
  typeof value === "string" && HEX.test(value.trim())
    ? { ok: true, value: value.trim().toLowerCase() }
    : { ok: false, message: "Use a hex colour like #1a2b3c." };

const link: FieldCheck<string> = (value) => {
  const checked = text(LIMITS.link)(value);
  if (!checked.ok) return checked;
  return isSafeLink(checked.value) ? checked : { ok: false, message: "Use a path on your shop (/collections/all) or an http(s) address." };
};

const handle: FieldCheck<string> = (value) => {
  const checked = text(LIMITS.handle)(value);
  if (!checked.ok) return checked;
  return checked.value === "" || HANDLE.test(checked.value) ? checked : { ok: false, message: "Use a handle: lowercase letters, digits and hyphens." };
};

const integer =
  (min: number, max: number): FieldCheck<number> =>
  (value) => {
    const number = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    return Number.isInteger(number) && number >= min && number <= max
      ? { ok: true, value: number }
      : { ok: false, message: `Enter a whole number from ${min} to ${max}.` };
  };

const oneOf =
  <T extends string>(values: readonly T[], message: string): FieldCheck<T> =>
  (value) =>
    typeof value === "string" && (values as readonly string[]).includes(value) ? { ok: true, value: value as T } : { ok: false, message };

const bool: FieldCheck<boolean> = (value) =>
  typeof value === "boolean"
    ? { ok: true, value }
    : value === "on" || value === "true"
      ? { ok: true, value: true }
      : value === "false" || value === "" || value === undefined
        ? { ok: true, value: false }
        : { ok: false, message: "Choose yes or no." };

type Shape<T> = { [K in keyof T]: FieldCheck<T[K]> };

const SECTION_SHAPES: { [K in SectionType]: Shape<Omit<Extract<HomeSection, { type: K }>, "id" | "type">> } = {
  hero: { heading: text(LIMITS.heading), text: text(LIMITS.shortText), buttonLabel: text(LIMITS.buttonLabel), buttonLink: link },
  "featured-collection": { heading: text(LIMITS.heading), collection: handle, limit: integer(LIMITS.productLimit.min, LIMITS.productLimit.max) },
  "product-grid": { heading: text(LIMITS.heading), limit: integer(LIMITS.productLimit.min, LIMITS.productLimit.max) },
  "rich-text": { heading: text(LIMITS.heading), text: text(LIMITS.text) },
  "image-with-text": {
    heading: text(LIMITS.heading),
    text: text(LIMITS.shortText),
    product: handle,
    imagePosition: oneOf(["left", "right"], "Choose left or right."),
    buttonLabel: text(LIMITS.buttonLabel),
    buttonLink: link,
  },
};

/** A fresh section of a type with sensible content, for "Add section". */
export function newSection(type: SectionType, id: string): HomeSection {
  switch (type) {
    case "hero":
      return {
        id,
        type,
        heading: defaultText("themeText.heroHeading"),
        text: defaultText("themeText.heroText"),
        buttonLabel: defaultText("themeText.shopNow"),
        buttonLink: "/collections/all",
      };
    case "featured-collection":
      return { id, type, heading: defaultText("themeText.featured"), collection: "all", limit: 4 };
    case "product-grid":
      return { id, type, heading: defaultText("themeText.newArrivals"), limit: 8 };
    case "rich-text":
      return { id, type, heading: defaultText("themeText.aboutUs"), text: defaultText("themeText.aboutUsText") };
    case "image-with-text":
      return {
        id,
        type,
        heading: defaultText("themeText.madeWithCare"),
        text: defaultText("themeText.imageText"),
        product: "",
        imagePosition: "left",
        buttonLabel: "",
        buttonLink: "",
      };
  }
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

interface Checked {
  settings: ThemeSettings;
  errors: SettingsErrors;
}

/**
 * Checks every field against the theme's schema. Each invalid field is
 * reported under its path ("colors.accent", "sections.2.heading") and replaced
 * by the theme's default, so the result is always renderable.
 */
function check(schema: ThemeSchema, defaults: ThemeSettings, input: unknown): Checked {
  const errors: SettingsErrors = {};
  const raw = record(input);
  const field = <T>(path: string, checker: FieldCheck<T>, value: unknown, fallback: T): T => {
    const result = checker(value);
    if (result.ok) return result.value;
    errors[path] = result.message;
    return fallback;
  };

  const rawColors = record(raw.colors);
  const colors = Object.fromEntries(
    (Object.keys(defaults.colors) as (keyof ThemeColors)[]).map((key) => [key, field(`colors.${key}`, color, rawColors[key], defaults.colors[key])]),
  ) as unknown as ThemeColors;
  const font = oneOf(schema.fonts, "Choose one of the theme's fonts.");
  const headingFont = field("headingFont", font, raw.headingFont, defaults.headingFont);
  const bodyFont = field("bodyFont", font, raw.bodyFont, defaults.bodyFont);
  const logoWidth = field("logoWidth", integer(LIMITS.logoWidth.min, LIMITS.logoWidth.max), raw.logoWidth, defaults.logoWidth);
  const rawAnnouncement = record(raw.announcement);
  const announcement: Announcement = {
    enabled: field("announcement.enabled", bool, rawAnnouncement.enabled, defaults.announcement.enabled),
    text: field("announcement.text", text(LIMITS.announcement), rawAnnouncement.text, defaults.announcement.text),
    link: field("announcement.link", link, rawAnnouncement.link, defaults.announcement.link),
  };
  if (announcement.enabled && !announcement.text) errors["announcement.text"] = "Write the announcement, or turn the bar off.";

  const sections: HomeSection[] = [];
  const rawSections = Array.isArray(raw.sections) ? raw.sections : raw.sections === undefined ? defaults.sections : [];
  if (!Array.isArray(raw.sections) && raw.sections !== undefined) errors.sections = "Sections must be a list.";
  if (rawSections.length > schema.maxSections) errors.sections = `Use at most ${schema.maxSections} sections.`;
  const seen = new Set<string>();
  rawSections.slice(0, schema.maxSections).forEach((value, index) => {
    const rawSection = record(value);
    const type = rawSection.type as SectionType;
    if (!schema.sectionTypes.includes(type)) {
      errors[`sections.${index}.type`] = "This theme has no such section.";
      return;
    }
    let id = typeof rawSection.id === "string" && SECTION_ID.test(rawSection.id) && !seen.has(rawSection.id) ? rawSection.id : "";
    if (!id) id = uniqueId(seen, type);
    seen.add(id);
    const template = newSection(type, id);
    const shape = SECTION_SHAPES[type] as Record<string, FieldCheck<unknown>>;
    const section: Record<string, unknown> = { id, type };
    for (const [key, checker] of Object.entries(shape)) {
      section[key] = field(`sections.${index}.${key}`, checker, rawSection[key], (template as unknown as Record<string, unknown>)[key]);
    }
    sections.push(section as unknown as HomeSection);
  });

  return { settings: { colors, headingFont, bodyFont, logoWidth, announcement, sections }, errors };
}

function uniqueId(seen: Set<string>, type: SectionType): string {
  for (let n = 1; ; n++) {
    const id = `${type}-${n}`;
    if (!seen.has(id)) return id;
  }
}

/** For saving: the cleaned settings and what is wrong, per field. Save only when `errors` is empty. */
export function validateThemeSettings(schema: ThemeSchema, defaults: ThemeSettings, input: unknown): Checked {
  return check(schema, defaults, input);
}

/** For rendering: anything invalid falls back to the theme's default for that field. Never throws. */
export function resolveThemeSettings(schema: ThemeSchema, defaults: ThemeSettings, stored: unknown): ThemeSettings {
  if (stored === null || stored === undefined) return defaults;
  return check(schema, defaults, stored).settings;
}

/**
 * The editor's flat form ("colors.accent", "sections.0.heading", …) as the
 * nested shape `validateThemeSettings` expects. Sections keep the order of
 * their indexes.
 */
export function settingsFromForm(form: Iterable<[string, FormDataEntryValue]>): Record<string, unknown> {
  const out: Record<string, unknown> = { colors: {}, announcement: {}, sections: [] };
  const sections: Record<string, unknown>[] = [];
  for (const [key, value] of form) {
    if (typeof value !== "string") continue;
    const parts = key.split(".");
    if (parts[0] === "colors" && parts.length === 2) (out.colors as Record<string, unknown>)[parts[1]] = value;
    else if (parts[0] === "announcement" && parts.length === 2) (out.announcement as Record<string, unknown>)[parts[1]] = value;
    else if (parts[0] === "sections" && parts.length === 3 && /^\d{1,2}$/.test(parts[1])) {
      const index = Number(parts[1]);
      sections[index] ??= {};
      sections[index][parts[2]] = value;
    } else if (parts.length === 1 && ["headingFont", "bodyFont", "logoWidth"].includes(key)) out[key] = value;
  }
  const announcement = out.announcement as Record<string, unknown>;
  announcement.enabled = announcement.enabled === "on" || announcement.enabled === "true";
  out.sections = sections.filter(Boolean);
  return out;
}

/** CSS custom properties for the layout's style attribute. */
export function cssVariables(settings: ThemeSettings): Record<string, string> {
  const { colors } = settings;
  return {
    "--color-background": colors.background,
    "--color-surface": colors.surface,
    "--color-text": colors.text,
    "--color-muted": colors.muted,
    "--color-accent": colors.accent,
    "--color-accent-text": colors.accentText,
    "--color-border": mix(colors.text, colors.background, 0.18),
    "--font-heading": FONTS[settings.headingFont].stack,
    "--font-body": FONTS[settings.bodyFont].stack,
    "--logo-width": `${settings.logoWidth}px`,
  };
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `weight` of `a` over `b`, as hex. */
function mix(a: string, b: string, weight: number): string {
  const [ar, ag, ab] = rgb(a);
  const [br, bg, bb] = rgb(b);
  const channel = (x: number, y: number) =>
    Math.round(x * weight + y * (1 - weight))
      .toString(16)
      .padStart(2, "0");
  return `#${channel(ar, br)}${channel(ag, bg)}${channel(ab, bb)}`;
}

/** WCAG 2 contrast ratio of two hex colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = rgb(hex).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Colour pairs shoppers read, with the WCAG AA minimum for normal text. */
export const CONTRAST_PAIRS: { fg: keyof ThemeColors; bg: keyof ThemeColors; label: string }[] = [
  { fg: "text", bg: "background", label: "Text on the background" },
  { fg: "muted", bg: "background", label: "Secondary text on the background" },
  { fg: "text", bg: "surface", label: "Text on cards and fields" },
  { fg: "muted", bg: "surface", label: "Secondary text on cards and fields" },
  { fg: "accentText", bg: "accent", label: "Button text on buttons" },
  { fg: "accent", bg: "background", label: "Links on the background" },
];

export const AA_CONTRAST = 4.5;

/** Pairs below WCAG AA (4.5:1): the editor warns about each; saving is still allowed. */
export function contrastWarnings(colors: ThemeColors): { field: keyof ThemeColors; message: string }[] {
  const warnings: { field: keyof ThemeColors; message: string }[] = [];
  for (const pair of CONTRAST_PAIRS) {
    if (!HEX.test(colors[pair.fg]) || !HEX.test(colors[pair.bg])) continue;
    const ratio = contrastRatio(colors[pair.fg], colors[pair.bg]);
    if (ratio < AA_CONTRAST) {
      warnings.push({ field: pair.fg, message: `${pair.label}: contrast ${ratio.toFixed(2)}:1 is below 4.5:1, hard to read for many shoppers.` });
    }
  }
  return warnings;
}
