/**
 * Money is an integer count of the currency's minor units plus an ISO 4217
 * code. No floats anywhere: parsing and formatting work on digit strings.
 *
 * Every amount or percentage a person types (admin forms, storefront filters,
 * CSV files, the operator's plans) is read by `readDecimal`, through
 * `parseMoney` or `parsePercent`. Its rules (decision 021):
 * - The shop's locale names the decimal mark ("," in de-DE, "." in en-US); it
 *   is always a decimal mark and may appear once.
 * - The other mark ("." in de-DE, "," in en-US) and spaces or apostrophes
 *   group thousands: groups of exactly three digits, one kind per amount.
 * - A single other mark that can't be a thousands separator (not followed by
 *   exactly three digits, or not after a group of 1–3 digits starting 1–9) is
 *   read as a decimal mark: "12.50" is 12,50 in a German shop, "7,5" is 7.5
 *   and "0,500" is 0.5 in an English one.
 * - A single other mark that could group thousands ("1,500" in an English
 *   shop) could be either; it is refused with both readings spelled out,
 *   unless the decimal reading is impossible (a currency without minor
 *   units: "1,500" yen is 1500).
 * - More decimals than the currency has are refused, never rounded; so are
 *   signs, exponents, digits other than 0–9, control characters and amounts
 *   past the field's maximum.
 */
export interface Money {
  amount: number;
  currency: string;
}

/** How a shop writes numbers: its currency and the locale that names its decimal mark. */
export interface MoneyStyle {
  currency: string;
  locale: string;
}

/** Locales a shop can choose for reading and showing numbers; the first is the default. */
export const SHOP_LOCALES = [
  "en-US",
  "en-GB",
  "en-IE",
  "en-CA",
  "en-AU",
  "de-DE",
  "de-AT",
  "de-CH",
  "fr-FR",
  "fr-CA",
  "es-ES",
  "es-MX",
  "it-IT",
  "nl-NL",
  "pt-BR",
  "pt-PT",
  "sv-SE",
  "da-DK",
  "nb-NO",
  "fi-FI",
  "pl-PL",
  "cs-CZ",
  "ja-JP",
] as const;
export const DEFAULT_LOCALE = "en-US";

export function isShopLocale(locale: string): boolean {
  return (SHOP_LOCALES as readonly string[]).includes(locale);
}

/** Common ISO 4217 codes offered in the settings form. */
export const CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "CAD",
  "AUD",
  "NZD",
  "JPY",
  "CHF",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "HUF",
  "ISK",
  "KRW",
  "SGD",
  "HKD",
  "INR",
  "BRL",
  "MXN",
  "CLP",
  "ZAR",
  "AED",
  "KWD",
  "BHD",
  "JOD",
] as const;

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

const minorDigits = new Map<string, number>();

/** Decimals of the currency's minor unit, as Intl knows them: USD 2, JPY 0, KWD 3. */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    if (minorDigits.size >= 500) minorDigits.clear();
    minorDigits.set(currency, digits);
  }
  return digits;
}

const decimalMarks = new Map<string, "." | ",">();

/** The locale's decimal mark: "." for en-US, "," for de-DE. */
export function decimalMark(locale: string): "." | "," {
  let mark = decimalMarks.get(locale);
  if (!mark) {
    const part = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value;
    mark = part === "," ? "," : ".";
    if (decimalMarks.size >= 200) decimalMarks.clear();
    decimalMarks.set(locale, mark);
  }
  return mark;
}

// ---------------------------------------------------------------- reading

export type NumberProblem = "empty" | "format" | "digits" | "negative" | "ambiguous" | "decimals" | "too_large";

export type ReadResult = { ok: true; value: bigint } | { ok: false; problem: NumberProblem; message: string };

interface ReadOptions {
  locale: string;
  /** Decimals the unit allows; the result counts units of 10^-decimals. */
  decimals: number;
  /** Largest accepted result, in those units. */
  max: bigint;
  /**
   * Accept zeros past the unit's decimals ("1500.00" yen): only for files written by other
   * systems (Shopify exports two decimals for every currency). Typed input never gets this.
   */
  extraZeros?: boolean;
  /** Text allowed before or after the number and dropped, such as a currency symbol or "%". */
  affixes: readonly string[];
  /** How an answer reads in messages: the unit's example and names. */
  describe: Describe;
}

interface Describe {
  /** A well-formed example in the locale, e.g. "12,50". */
  example: string;
  /** "an amount in EUR", "a percentage" */
  what: string;
  /** "EUR", "a percentage": what has `decimals` decimals. */
  unit: string;
  /** The largest value, as typed. */
  max: string;
}

const GROUP_SPACES = /[ \u00a0\u202f'\u2019]/;
const ALLOWED = /^[0-9., \u00a0\u202f'\u2019]+$/;
const NON_ASCII_DIGIT = /[^\P{Nd}0-9]/u;
const MINUS = /^[-\u2212\u2010-\u2014]/;
/** Beyond this the text isn't a price anyone typed; refusing early keeps BigInt work small. */
const MAX_INPUT_LENGTH = 64;

function stripAffixes(text: string, affixes: readonly string[]): string {
  for (const affix of affixes) {
    if (!affix) continue;
    if (text.toUpperCase().startsWith(affix.toUpperCase())) return text.slice(affix.length).trim();
    if (text.toUpperCase().endsWith(affix.toUpperCase())) return text.slice(0, -affix.length).trim();
  }
  return text;
}

function validGroups(integer: string, group: RegExp | string): boolean {
  const groups = typeof group === "string" ? integer.split(group) : integer.split(group);
  return /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/**
 * Reads a typed decimal number by the rules at the top of this file. The one
 * reader behind `parseMoney` and `parsePercent`; use those.
 */
export function readDecimal(input: string, options: ReadOptions): ReadResult {
  const { locale, decimals, max, describe } = options;
  const dec = decimalMark(locale);
  const alt = dec === "." ? "," : ".";
  const fail = (problem: NumberProblem, message: string): ReadResult => ({ ok: false, problem, message });
  const formatProblem = () =>
    fail("format", `Enter ${describe.what} using the digits 0–9${decimals ? ` and "${dec}" for decimals` : ""}, like ${describe.example}.`);

  const text = stripAffixes(input.trim(), options.affixes);
  if (!text) return input.trim() ? formatProblem() : fail("empty", `Enter ${describe.what}, like ${describe.example}.`);
  if (text.length > MAX_INPUT_LENGTH) return fail("too_large", `Enter ${describe.what} of at most ${describe.max}.`);
  if (NON_ASCII_DIGIT.test(text)) return fail("digits", `Type ${describe.what} with the digits 0–9, like ${describe.example}.`);
  if (MINUS.test(text)) return fail("negative", `Enter ${describe.what} of zero or more, like ${describe.example}.`);
  if (!ALLOWED.test(text) || /[^0-9][^0-9]/.test(text)) return formatProblem();

  const decAt = text.indexOf(dec);
  if (decAt !== text.lastIndexOf(dec)) return formatProblem();
  let integer: string;
  let fraction: string;
  if (decAt >= 0) {
    integer = text.slice(0, decAt);
    fraction = text.slice(decAt + 1);
  } else {
    const altAt = text.lastIndexOf(alt);
    const lone = altAt >= 0 && text.indexOf(alt) === altAt && !GROUP_SPACES.test(text.slice(altAt));
    const after = lone ? text.slice(altAt + 1) : "";
    // Could the mark group thousands? Three digits after it and a proper group (1–3 digits, not 0) before it.
    const beforeMark = text.slice(0, altAt);
    const groups = lone && after.length === 3 && /^[1-9]/.test(beforeMark) && validGroups(beforeMark, new RegExp(GROUP_SPACES, "g"));
    if (groups && decimals > 0) {
      const before = beforeMark.replace(new RegExp(GROUP_SPACES, "g"), "");
      const decimalDigits = after.replace(/0+$/, "");
      if (decimalDigits.length > decimals) {
        return fail(
          "ambiguous",
          `"${text}" could mean ${before}${after} with "${alt}" between thousands, or a decimal. Type ${before}${after} without a separator.`,
        );
      }
      const asDecimal = `${before || "0"}${dec}${decimalDigits.padEnd(Math.min(decimals, 2), "0")}`;
      return fail(
        "ambiguous",
        `"${text}" could mean ${before}${after} or ${asDecimal}. Type ${before}${after} without a separator, or ${asDecimal} with "${dec}" as the decimal mark.`,
      );
    }
    if (lone && !groups) {
      integer = text.slice(0, altAt);
      fraction = after;
    } else {
      integer = text;
      fraction = "";
    }
  }
  if (/[^0-9]/.test(fraction)) return formatProblem();
  if (integer === "" && fraction === "") return formatProblem();
  if (/[^0-9]/.test(integer)) {
    const kinds = new Set([...integer.replace(/[0-9]/g, "")].map((c) => (GROUP_SPACES.test(c) ? " " : c)));
    if (kinds.size > 1 || kinds.has(dec) || !validGroups(integer, kinds.has(" ") ? new RegExp(GROUP_SPACES, "g") : alt)) return formatProblem();
    integer = integer.replace(/[^0-9]/g, "");
  }
  if (options.extraZeros && fraction.length > decimals && /^0*$/.test(fraction.slice(decimals))) fraction = fraction.slice(0, decimals);
  if (fraction.length > decimals) {
    return fail(
      "decimals",
      decimals === 0
        ? `${describe.unit} has no decimals: type a whole number, like ${describe.example}.`
        : `${describe.unit} has at most ${decimals} decimal${decimals > 1 ? "s" : ""}; "${text}" has ${fraction.length}. Type at most ${decimals}, like ${describe.example}.`,
    );
  }
  integer = integer.replace(/^0+(?=\d)/, "");
  if (integer.length > 20) return fail("too_large", `Enter ${describe.what} of at most ${describe.max}.`);
  const value = BigInt(integer || "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (value > max) return fail("too_large", `Enter ${describe.what} of at most ${describe.max}.`);
  return { ok: true, value };
}

/**
 * The message a field shows for a refused value: its own for an empty or malformed one
 * (so every form keeps its wording), the reader's for a specific problem (ambiguous,
 * too many decimals, too large, other digits), which says exactly what to type.
 */
export function amountProblem(result: Extract<ReadResult, { ok: false }>, fieldMessage: string, { statesLimits = false } = {}): string {
  const general = result.problem === "empty" || result.problem === "format" || result.problem === "negative";
  // A field message that names its range and decimals ("from 0 to 100 with at most two decimals") covers those too.
  const covered = statesLimits && (result.problem === "too_large" || result.problem === "decimals");
  return general || covered ? fieldMessage : result.message;
}

/** The largest amount any money field takes, in minor units (a hundred billion dollars, ten trillion yen). */
export const MAX_MINOR_UNITS = 10n ** 13n;

/** "12,50" as the locale writes 1250 minor units of a two-decimal currency (no grouping: what a form shows). */
export function toInputAmount(amount: number | string | bigint, currency: string, locale: string): string {
  const text = toDecimalString(amount, currency);
  return decimalMark(locale) === "," ? text.replace(".", ",") : text;
}

/** A well-formed example amount: "12,50" (EUR, de-DE), "1200" (JPY), "12.500" (KWD, en-US). */
export function exampleAmount(style: MoneyStyle): string {
  const digits = minorUnitDigits(style.currency);
  return digits === 0 ? "1200" : toInputAmount(125n * 10n ** BigInt(digits - 1), style.currency, style.locale);
}

const affixCache = new Map<string, string[]>();

/** What may surround an amount: the currency's code and its symbols in the locale ("EUR", "€", "US$", "$"). */
function currencyAffixes(style: MoneyStyle): string[] {
  const key = `${style.locale}|${style.currency}`;
  let affixes = affixCache.get(key);
  if (!affixes) {
    const symbols = (["symbol", "narrowSymbol"] as const).map(
      (currencyDisplay) =>
        new Intl.NumberFormat(style.locale, { style: "currency", currency: style.currency, currencyDisplay })
          .formatToParts(1)
          .find((p) => p.type === "currency")?.value ?? "",
    );
    // Longest first, so "US$" is dropped whole rather than leaving "US".
    affixes = [...new Set([style.currency, ...symbols])].filter((a) => a && !/[0-9.,]/.test(a)).sort((a, b) => b.length - a.length);
    if (affixCache.size >= 200) affixCache.clear();
    affixCache.set(key, affixes);
  }
  return affixes;
}

/**
 * Reads an amount typed in the shop's locale as integer minor units of its
 * currency: "12,50" in a de-DE EUR shop → 1250n, "1,234.50" in en-US → 123450n,
 * "1,500" in en-US EUR → refused as ambiguous, "12.345" EUR → refused (3 decimals).
 * The message on refusal names what to type; fields may show their own for "empty".
 *
 * @example parseMoney("€ 12,50", { currency: "EUR", locale: "de-DE" }) // { ok: true, value: 1250n }
 */
export function parseMoney(
  text: string,
  style: MoneyStyle,
  { max = MAX_MINOR_UNITS, extraZeros = false }: { max?: bigint; extraZeros?: boolean } = {},
): ReadResult {
  const decimals = minorUnitDigits(style.currency);
  return readDecimal(text, {
    locale: style.locale,
    decimals,
    max,
    extraZeros,
    affixes: currencyAffixes(style),
    describe: {
      example: exampleAmount(style),
      what: `an amount in ${style.currency}`,
      unit: style.currency,
      max: formatMoney(max, style.currency, style.locale),
    },
  });
}

/**
 * Reads a percentage typed in the locale as basis points (hundredths of a percent):
 * "7,5" in de-DE or en-US → 750, "20 %" → 2000, "7.125" → refused (three decimals).
 *
 * @example parsePercent("7,5 %", { locale: "de-DE" }) // { ok: true, value: 750n }
 */
export function parsePercent(text: string, { locale, max = 10_000n }: { locale: string; max?: bigint }): ReadResult {
  const dec = decimalMark(locale);
  return readDecimal(text, {
    locale,
    decimals: 2,
    max,
    affixes: ["%"],
    describe: { example: `7${dec}5`, what: "a percentage", unit: "A percentage", max: formatPercent(max, locale) },
  });
}

/** Basis points as the locale writes them without grouping: 750 → "7,5" (de-DE), 2000 → "20". */
export function formatPercent(basisPoints: number | bigint, locale: string = DEFAULT_LOCALE): string {
  const bp = BigInt(basisPoints);
  const whole = bp / 100n;
  const fraction = String(bp % 100n)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}${decimalMark(locale)}${fraction}` : String(whole);
}

// ---------------------------------------------------------------- writing

/** 1250 EUR → "12.50", the plain decimal form used in CSV files. */
export function toDecimalString(amount: number | string | bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const text = BigInt(amount).toString();
  const negative = text.startsWith("-");
  const abs = (negative ? text.slice(1) : text).padStart(digits + 1, "0");
  const whole = abs.slice(0, abs.length - digits);
  return (negative ? "-" : "") + (digits ? `${whole}.${abs.slice(-digits)}` : whole);
}

// Building an Intl.NumberFormat costs far more than using one, and a storefront page formats dozens of prices.
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const digits = minorUnitDigits(currency);
    format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    // Locales and currencies come from a short list, but keep the map bounded whatever callers pass.
    if (moneyFormats.size >= 200) moneyFormats.clear();
    moneyFormats.set(key, format);
  }
  return format;
}

/** 1250 EUR → "€12.50" (locale-aware symbol and grouping; the digits come from the integer). */
export function formatMoney(amount: number | string | bigint, currency: string, locale = "en-US"): string {
  const format = moneyFormat(locale, currency);
  // Intl accepts a decimal string exactly, so no float rounding is involved.
  return format.format(toDecimalString(amount, currency) as unknown as number);
}

/**
 * The tax inside a gross amount at `rateBp` basis points, for prices that include tax: g − round(g / (1 + r)),
 * rounded half up, in integer minor units.
 *
 * @example
 *   taxIncludedIn(2500n, 1000)   // 227n: ¥2,500 with 10 % included
 */
export function taxIncludedIn(gross: bigint, rateBp: number): bigint {
  if (rateBp === 0) return 0n;
  const divisor = BigInt(10_000 + rateBp);
  return gross - (gross * 10_000n * 2n + divisor) / (divisor * 2n);
}
