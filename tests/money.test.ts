import { describe, expect, it } from "vitest";
import { decimalMark, exampleAmount, formatPercent, minorUnitDigits, parseMoney, parsePercent, toInputAmount, type MoneyStyle } from "../shop/money.ts";

const EN_USD: MoneyStyle = { currency: "USD", locale: "en-US" };
const EN_EUR: MoneyStyle = { currency: "EUR", locale: "en-IE" };
const DE_EUR: MoneyStyle = { currency: "EUR", locale: "de-DE" };
const FR_EUR: MoneyStyle = { currency: "EUR", locale: "fr-FR" };
const CH_CHF: MoneyStyle = { currency: "CHF", locale: "de-CH" };
const EN_JPY: MoneyStyle = { currency: "JPY", locale: "en-US" };
const JA_JPY: MoneyStyle = { currency: "JPY", locale: "ja-JP" };
const DE_JPY: MoneyStyle = { currency: "JPY", locale: "de-DE" };
const EN_KWD: MoneyStyle = { currency: "KWD", locale: "en-US" };
const DE_KWD: MoneyStyle = { currency: "KWD", locale: "de-DE" };

function value(text: string, style: MoneyStyle): bigint | string {
  const result = parseMoney(text, style);
  return result.ok ? result.value : result.problem;
}

describe("minor units and decimal marks come from Intl", () => {
  it("knows each currency's decimals without a hand-kept table", () => {
    expect(["USD", "EUR", "JPY", "KRW", "ISK", "CLP", "KWD", "BHD", "JOD", "CHF"].map(minorUnitDigits)).toEqual([2, 2, 0, 0, 0, 0, 3, 3, 3, 2]);
  });

  it("reads the decimal mark from the locale", () => {
    expect(["en-US", "en-GB", "de-DE", "fr-FR", "de-CH", "ja-JP", "nl-NL", "pt-BR"].map(decimalMark)).toEqual([".", ".", ",", ",", ".", ".", ",", ","]);
  });
});

describe("parseMoney: the locale's decimal mark", () => {
  it.each([
    ["12,50", DE_EUR, 1250n],
    ["12.50", EN_USD, 1250n],
    ["1.234,50", DE_EUR, 123450n],
    ["1,234.50", EN_USD, 123450n],
    ["1 234,50", FR_EUR, 123450n],
    ["1\u202f234,50", FR_EUR, 123450n],
    ["1\u00a0234,50", FR_EUR, 123450n],
    ["1'234.50", CH_CHF, 123450n],
    ["1’234.50", CH_CHF, 123450n],
    ["1.234.567", DE_EUR, 123456700n],
    ["1,234,567", EN_USD, 123456700n],
    ["1,234,567.89", EN_USD, 123456789n],
    ["0", EN_USD, 0n],
    ["0,05", DE_EUR, 5n],
    ["12", DE_EUR, 1200n],
    ["12,5", DE_EUR, 1250n],
    [".5", EN_USD, 50n],
    ["12.", EN_USD, 1200n],
    ["007.50", EN_USD, 750n],
    ["  12,50  ", DE_EUR, 1250n],
  ])("%j in %o is %s", (text, style, expected) => {
    expect(value(text, style)).toBe(expected);
  });

  it("drops the shop's own currency symbol or code around the amount", () => {
    expect(value("€ 12,50", DE_EUR)).toBe(1250n);
    expect(value("12,50 €", DE_EUR)).toBe(1250n);
    expect(value("$12.50", EN_USD)).toBe(1250n);
    expect(value("12.50 usd", EN_USD)).toBe(1250n);
    expect(value("¥1,500", EN_JPY)).toBe(1500n);
    // Another currency's symbol is not the shop's: refused, never converted.
    expect(value("£12.50", EN_USD)).toBe("format");
    expect(value("12.50 EUR", EN_USD)).toBe("format");
  });
});

describe("parseMoney: the other mark", () => {
  it("reads a lone other mark that can't group thousands as the decimal mark", () => {
    expect(value("12.50", DE_EUR)).toBe(1250n);
    expect(value("12,50", EN_USD)).toBe(1250n);
    expect(value("1,5", EN_USD)).toBe(150n);
    expect(value("7.5", FR_EUR)).toBe(750n);
  });

  it("reads a lone other mark as decimals where the digits before it can't start a thousands group", () => {
    expect(value("0,500", EN_KWD)).toBe(500n);
    expect(value("0,50", EN_USD)).toBe(50n);
    expect(value("0,500", EN_USD)).toBe("decimals");
    expect(value("12345,678", EN_KWD)).toBe(12345678n);
    expect(value("0.500", DE_JPY)).toBe("decimals");
    expect(value("1 234,567", EN_KWD)).toBe("ambiguous");
  });

  it("refuses a lone other mark before three digits: thousands or decimals?", () => {
    const en = parseMoney("1,500", EN_USD);
    expect(en).toMatchObject({ ok: false, problem: "ambiguous" });
    expect(!en.ok && en.message).toBe('"1,500" could mean 1500 or 1.50. Type 1500 without a separator, or 1.50 with "." as the decimal mark.');
    const de = parseMoney("1.500", DE_EUR);
    expect(!de.ok && de.message).toBe('"1.500" could mean 1500 or 1,50. Type 1500 without a separator, or 1,50 with "," as the decimal mark.');
    expect(value("12 345,678", EN_EUR)).toBe("ambiguous");
    expect(value("1,500", EN_KWD)).toBe("ambiguous");
    expect(value("1.000", DE_EUR)).toBe("ambiguous");
  });

  it("groups thousands with the other mark where no decimal reading exists", () => {
    expect(value("1,500", EN_JPY)).toBe(1500n);
    expect(value("1.500", DE_JPY)).toBe(1500n);
    expect(value("1,500", JA_JPY)).toBe(1500n);
    expect(value("1,234,567", JA_JPY)).toBe(1234567n);
  });

  it("refuses the other locale's full notation rather than guess", () => {
    expect(value("1.234,50", EN_USD)).toBe("format");
    expect(value("1,234.50", DE_EUR)).toBe("format");
    const result = parseMoney("1.234,50", EN_USD);
    expect(!result.ok && result.message).toBe('Enter an amount in USD using the digits 0–9 and "." for decimals, like 12.50.');
  });

  it("refuses malformed grouping", () => {
    for (const text of ["1,23,456.50", "12,34.50", "1,2345,678", "1 2", "12 50", "1,234 567", "1,,5", "1..5", "1 .5", "12.50.00", ",", "."]) {
      expect(value(text, EN_USD), text).toBe("format");
    }
    expect(value("12,50,00", DE_EUR)).toBe("format");
  });
});

describe("parseMoney: decimals per currency", () => {
  it("reads each currency's own number of decimals", () => {
    expect(value("1.500", EN_KWD)).toBe(1500n);
    expect(value("1,500", DE_KWD)).toBe(1500n);
    expect(value("0,001", DE_KWD)).toBe(1n);
    expect(value("1500", EN_JPY)).toBe(1500n);
    expect(value("1500", JA_JPY)).toBe(1500n);
  });

  it("reads a four-decimal unit too (CLF), and HUF as Intl has it: whole forints", () => {
    expect(value("1,2345", { currency: "CLF", locale: "de-DE" })).toBe(12345n);
    expect(value("1.2345", { currency: "CLF", locale: "en-US" })).toBe(12345n);
    expect(value("1,2345", { currency: "CLF", locale: "en-US" })).toBe(12345n);
    expect(value("1.23456", { currency: "CLF", locale: "en-US" })).toBe("decimals");
    expect(minorUnitDigits("HUF")).toBe(0);
    expect(value("1 500", { currency: "HUF", locale: "fr-FR" })).toBe(1500n);
  });

  it("refuses more decimals than the currency has, never rounding (trailing zeros too)", () => {
    expect(value("12.345", EN_USD)).toBe("decimals");
    expect(value("12.500", EN_USD)).toBe("decimals");
    expect(value("12,999", DE_EUR)).toBe("decimals");
    expect(value("1.5", EN_JPY)).toBe("decimals");
    expect(value("1.0", EN_JPY)).toBe("decimals");
    expect(value("1,5", DE_JPY)).toBe("decimals");
    expect(value("1.2345", EN_KWD)).toBe("decimals");
    expect(value("1,2345", EN_USD)).toBe("decimals");
    const eur = parseMoney("12,345", DE_EUR);
    expect(!eur.ok && eur.message).toBe('EUR has at most 2 decimals; "12,345" has 3. Type at most 2, like 12,50.');
    const jpy = parseMoney("1.5", EN_JPY);
    expect(!jpy.ok && jpy.message).toBe("JPY has no decimals: type a whole number, like 1200.");
  });

  it("gives examples in the shop's own notation", () => {
    expect([exampleAmount(DE_EUR), exampleAmount(EN_USD), exampleAmount(EN_JPY), exampleAmount(EN_KWD), exampleAmount(DE_KWD)]).toEqual([
      "12,50",
      "12.50",
      "1200",
      "12.500",
      "12,500",
    ]);
    expect([toInputAmount(123450n, "EUR", "de-DE"), toInputAmount(123450, "USD", "en-US"), toInputAmount("1500", "JPY", "de-DE")]).toEqual([
      "1234,50",
      "1234.50",
      "1500",
    ]);
  });

  it("reads back what a form shows, in every locale and currency class", () => {
    for (const locale of ["en-US", "de-DE", "fr-FR", "de-CH", "ja-JP"]) {
      for (const [currency, amount] of [
        ["USD", 123456n],
        ["JPY", 987654n],
        ["KWD", 1234567n],
        ["EUR", 5n],
      ] as const) {
        expect(value(toInputAmount(amount, currency, locale), { currency, locale }), `${locale} ${currency}`).toBe(amount);
      }
    }
  });
});

describe("parseMoney: hostile and odd input", () => {
  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["12\u000050", "format"],
    ["\u0000", "format"],
    ["12.50\u0000", "format"],
    ["1e3", "format"],
    ["1E3", "format"],
    ["0x10", "format"],
    ["Infinity", "format"],
    ["NaN", "format"],
    ["+5", "format"],
    ["--1", "negative"],
    ["-1", "negative"],
    ["-0", "negative"],
    ["\u22121", "negative"],
    ["12\t50", "format"],
    ["12\n50", "format"],
    ["1\u202e2", "format"],
    ["abc", "format"],
    ["12,50abc", "format"],
    ["٣", "digits"],
    ["١٢٫٥٠", "digits"],
    ["۱۲", "digits"],
    ["१२", "digits"],
    ["１２", "digits"],
    ["123456789012345678901234567890", "too_large"],
    ["100000000000.01", "too_large"],
    ["9".repeat(65), "too_large"],
  ])("%j is refused (%s)", (text, problem) => {
    expect(value(text, EN_USD)).toBe(problem);
  });

  it("accepts up to the maximum and no more", () => {
    expect(value("99999999999.99", EN_USD)).toBe(9_999_999_999_999n);
    expect(value("100000000000.00", EN_USD)).toBe(10_000_000_000_000n);
    expect(value("100000000000.01", EN_USD)).toBe("too_large");
    expect(parseMoney("20", EN_USD, { max: 1999n })).toMatchObject({ ok: false, problem: "too_large", message: "Enter an amount in USD of at most $19.99." });
    expect(value("10000000000000", EN_JPY)).toBe(10_000_000_000_000n);
    expect(value("10000000000001", EN_JPY)).toBe("too_large");
  });

  it("always names what to type", () => {
    for (const text of ["", "abc", "-1", "٣", "1.500", "12,345", "9".repeat(30)]) {
      const result = parseMoney(text, DE_EUR);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toMatch(/(12,50|1500|at most)/);
    }
    const grouped = parseMoney("12.345", DE_EUR);
    expect(!grouped.ok && grouped.message).toBe('"12.345" could mean 12345 with "." between thousands, or a decimal. Type 12345 without a separator.');
  });
});

describe("parsePercent: the same reader for percentages", () => {
  function bp(text: string, locale: string): bigint | string {
    const result = parsePercent(text, { locale });
    return result.ok ? result.value : result.problem;
  }

  it("reads basis points in either locale", () => {
    expect(bp("7,5", "de-DE")).toBe(750n);
    expect(bp("7.5", "en-US")).toBe(750n);
    expect(bp("7,5", "en-US")).toBe(750n);
    expect(bp("7.5", "de-DE")).toBe(750n);
    expect(bp("20 %", "fr-FR")).toBe(2000n);
    expect(bp("19,99%", "de-DE")).toBe(1999n);
    expect(bp("100", "en-US")).toBe(10_000n);
    expect(bp("0", "en-US")).toBe(0n);
  });

  it("refuses what it refuses for money", () => {
    expect(bp("7.125", "en-US")).toBe("decimals");
    expect(bp("100.01", "en-US")).toBe("too_large");
    expect(bp("1e2", "en-US")).toBe("format");
    expect(bp("-5", "en-US")).toBe("negative");
    expect(bp("1,500", "en-US")).toBe("ambiguous");
    expect(bp("٥", "en-US")).toBe("digits");
    expect(bp("5\u0000", "en-US")).toBe("format");
    const result = parsePercent("7,125", { locale: "de-DE" });
    expect(!result.ok && result.message).toBe('A percentage has at most 2 decimals; "7,125" has 3. Type at most 2, like 7,5.');
    expect(parsePercent("101", { locale: "de-DE" })).toMatchObject({ ok: false, message: "Enter a percentage of at most 100." });
  });

  it("writes percentages back in the locale", () => {
    expect([formatPercent(750, "de-DE"), formatPercent(750n, "en-US"), formatPercent(2000, "de-DE"), formatPercent(1999)]).toEqual([
      "7,5",
      "7.5",
      "20",
      "19.99",
    ]);
  });
});
