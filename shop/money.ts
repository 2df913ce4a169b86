/**
 * Money is an integer count of the currency's minor units plus an ISO 4217
 * code. No floats anywhere: parsing and formatting work on digit strings.
 */
export interface Money {
  amount: number;
  currency: string;
}

// ISO 4217 currencies whose minor unit isn't 1/100.
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

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

export function minorUnitDigits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * "12.5" in EUR → 1250; "1,200" in JPY → 1200. Returns null for anything that
 * isn't a non-negative amount with at most the currency's decimals.
 */
export function parseMoney(input: string, currency: string): number | null {
  const digits = minorUnitDigits(currency);
  const text = input.trim().replace(/[\s,]/g, "");
  const match = /^(\d{1,13})(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const [, whole, fraction = ""] = match;
  if (fraction.length > digits) return null;
  return Number(whole + fraction.padEnd(digits, "0"));
}

/** 1250 EUR → "12.50", the plain decimal form used in inputs and CSV files. */
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
