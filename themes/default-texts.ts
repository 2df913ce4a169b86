import type { IntlShape } from "react-intl";
import en from "../app/locales/en.json";

/**
 * The texts themes start with (their default home sections and the content of a section the merchant adds), as
 * message ids. Settings keep such a text as its English message: a stored value equal to one of them is a default
 * the merchant never touched, shown in the shop's language; anything else is what the merchant typed, shown as typed
 * (docs/decisions/032-storefront-language.md). That is also how settings saved before these were messages read.
 */
const DEFAULT_TEXT_IDS = [
  "themeText.browseCatalogue",
  "themeText.bestSellers",
  "themeText.justArrived",
  "themeText.shopAll",
  "themeText.shopTheCollection",
  "themeText.exploreTheEdit",
  "themeText.newThisSeason",
  "themeText.heroHeading",
  "themeText.heroText",
  "themeText.shopNow",
  "themeText.featured",
  "themeText.newArrivals",
  "themeText.aboutUs",
  "themeText.aboutUsText",
  "themeText.madeWithCare",
  "themeText.imageText",
] as const;
export type DefaultTextId = (typeof DEFAULT_TEXT_IDS)[number];

/** A default text as settings store it: its English message. */
export function defaultText(id: DefaultTextId): string {
  return en[id];
}

const ID_OF_STORED = new Map<string, DefaultTextId>(DEFAULT_TEXT_IDS.map((id) => [en[id], id]));

/** The words of a section a shopper reads (the other fields are handles, links and choices). */
const SECTION_TEXT_FIELDS = ["heading", "text", "buttonLabel"] as const;

type Messages = Pick<IntlShape, "formatMessage">;

function mapTexts<T extends object>(sections: readonly T[], change: (value: string) => string): T[] {
  return sections.map((section) => {
    const copy = { ...section } as Record<string, unknown>;
    for (const field of SECTION_TEXT_FIELDS) if (typeof copy[field] === "string") copy[field] = change(copy[field]);
    return copy as T;
  });
}

/** Sections as shoppers read them: untouched default texts in the intl's language, the merchant's own as typed. */
export function showDefaultTexts<T extends object>(sections: readonly T[], intl: Messages): T[] {
  return mapTexts(sections, (value) => {
    const id = ID_OF_STORED.get(value);
    return id ? intl.formatMessage({ id }) : value;
  });
}

/**
 * The reverse, for saving what the editor showed: a default text in the intl's language goes back to its stored
 * (English) form, so it stays untouched and follows a later change of the shop's language.
 */
export function storeDefaultTexts<T extends object>(sections: readonly T[], intl: Messages): T[] {
  const idOfShown = new Map(DEFAULT_TEXT_IDS.map((id) => [intl.formatMessage({ id }), id]));
  return mapTexts(sections, (value) => {
    const id = idOfShown.get(value.trim());
    return id ? en[id] : value;
  });
}
