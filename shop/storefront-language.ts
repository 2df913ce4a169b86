import { createIntl, createIntlCache, type IntlShape } from "react-intl";
import en from "../app/locales/en.json";
import zhCN from "../app/locales/zh-CN.json";

/**
 * The languages a storefront (its pages and its emails to shoppers) can be in, with their message catalogues
 * (app/locales/*.json, ICU messages). Both catalogues travel in the client bundle: two small files the browser
 * caches, rather than a copy of the catalogue in every page's loader data (docs/decisions/032-storefront-language.md).
 */
export const STOREFRONT_LANGUAGES = ["en", "zh-CN"] as const;
export type StorefrontLanguage = (typeof STOREFRONT_LANGUAGES)[number];
export const DEFAULT_STOREFRONT_LANGUAGE: StorefrontLanguage = "en";

/** Each language named in itself, for the merchant's picker. */
export const STOREFRONT_LANGUAGE_NAMES: Record<StorefrontLanguage, string> = { en: "English", "zh-CN": "简体中文 (Simplified Chinese)" };

export const CATALOGUES: Record<StorefrontLanguage, Record<string, string>> = { en, "zh-CN": zhCN };

export function isStorefrontLanguage(value: string): value is StorefrontLanguage {
  return (STOREFRONT_LANGUAGES as readonly string[]).includes(value);
}

/** A stored value this code doesn't know (a language dropped later) falls back to English instead of failing. */
export function storefrontLanguage(value: string | null | undefined): StorefrontLanguage {
  return value && isStorefrontLanguage(value) ? value : DEFAULT_STOREFRONT_LANGUAGE;
}

/** The locale money, dates and plurals are formatted in: English storefronts keep the en-US formats they always had. */
export function formatLocale(language: StorefrontLanguage): string {
  return language === "en" ? "en-US" : language;
}

const cache = createIntlCache();
const intls = new Map<StorefrontLanguage, IntlShape>();

/**
 * The language's FormatJS intl, for text made outside React: emails, error messages from the server, page titles in
 * `meta`. Components use react-intl's `useIntl()` under `StoreIntlProvider` instead.
 */
export function storefrontIntl(language: StorefrontLanguage): IntlShape {
  let intl = intls.get(language);
  if (!intl) {
    intl = createIntl({ locale: formatLocale(language), defaultLocale: "en-US", messages: CATALOGUES[language] }, cache);
    intls.set(language, intl);
  }
  return intl;
}
