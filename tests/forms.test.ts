import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm } from "../app/utils/forms.server.ts";
import {
  checkbox,
  choice,
  email,
  handleOf,
  handleText,
  LIMITS,
  money,
  multiline,
  newPassword,
  optionalMoney,
  percent,
  recordId,
  recordIds,
  singleLine,
  wholeNumber,
} from "../shop/fields.server.ts";

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

/** Parses one field named "f" and answers its value or its message. */
function field(schema: z.ZodType, ...values: string[]): unknown {
  const parsed = parseForm(form(values.map((v) => ["f", v])), z.object({ f: schema }));
  return parsed.ok ? parsed.value.f : parsed.errors.f;
}

describe("text fields", () => {
  it("keeps limits and names them", () => {
    expect(field(singleLine({ max: 5 }), "abcde")).toBe("abcde");
    expect(field(singleLine({ max: 5 }), "abcdef")).toBe("Use at most 5 characters.");
    expect(field(singleLine(), "x".repeat(LIMITS.line + 1))).toBe("Use at most 255 characters.");
    expect(field(multiline({ max: LIMITS.longText }), "x".repeat(100_001))).toBe("Use at most 100,000 characters.");
  });

  it("refuses NUL and other control characters; a textarea keeps tabs and line breaks", () => {
    expect(field(singleLine(), "a\u0000b")).toBe("Use a single line of text, without control characters.");
    expect(field(singleLine(), "two\nlines")).toBe("Use a single line of text, without control characters.");
    expect(field(multiline(), "a\u0000b")).toBe("Use text without control characters (such as NUL).");
    expect(field(multiline(), "a\u001bb")).toBe("Use text without control characters (such as NUL).");
    expect(field(multiline(), "line one\r\n\tline two")).toBe("line one\r\n\tline two");
  });

  it("says what a required field needs, and reads an optional empty one as empty text", () => {
    expect(field(singleLine({ required: "Give the page a title." }))).toBe("Give the page a title.");
    expect(field(singleLine({ required: "Give the page a title." }), "")).toBe("Give the page a title.");
    expect(field(singleLine({ required: "Give the page a title." }), "   ")).toBe("Give the page a title.");
    expect(field(singleLine(), "")).toBe("");
    expect(field(singleLine())).toBe("");
  });

  it("refuses a field sent twice instead of picking one", () => {
    expect(field(singleLine({ required: "Enter a name." }), "a", "b")).toBe("Enter a name.");
  });
});

describe("emails and passwords", () => {
  it("normalises an email and refuses a malformed or control-laden one", () => {
    expect(field(email(), "  Ada@Example.COM ")).toBe("ada@example.com");
    expect(field(email(), "not an email")).toBe("Enter a valid email address.");
    expect(field(email(), "ada\u0000@example.com")).toBe("Enter a valid email address.");
    expect(field(email(), `${"a".repeat(300)}@example.com`)).toBe("Enter a valid email address.");
    expect(field(email("Enter your email."))).toBe("Enter your email.");
  });

  it("holds new passwords to the accounts' rules", () => {
    expect(field(newPassword(), "short")).toBe("Use at least 8 characters.");
    expect(field(newPassword(), "x".repeat(257))).toBe("Use at most 256 characters.");
    expect(field(newPassword(), "long enough")).toBe("long enough");
  });
});

describe("ids and numbers", () => {
  it("takes a row id and refuses one past bigint, a negative, zero or text", () => {
    expect(field(recordId(), "42")).toBe("42");
    for (const bad of ["9223372036854775808", "99999999999999999999999", "-1", "0", "abc", "1e3", "4 2"]) {
      expect(field(recordId("Choose a collection from the list."), bad)).toBe("Choose a collection from the list.");
    }
  });

  it("reads a list of ids without duplicates, and refuses the list if one isn't an id", () => {
    expect(field(recordIds(), "3", "1", "3")).toEqual(["3", "1"]);
    expect(field(recordIds())).toEqual([]);
    const parsed = parseForm(
      form([
        ["ids", "1"],
        ["ids", "9223372036854775808"],
      ]),
      z.object({ ids: recordIds("Choose products from the list.") }),
    );
    expect(parsed.ok ? parsed.value : parsed.errors).toEqual({ ids: "Choose products from the list." });
  });

  it("reads whole numbers within their range", () => {
    const uses = wholeNumber("Enter a whole number of uses.", { min: 1 });
    expect(field(uses, "12")).toBe(12);
    for (const bad of ["0", "-3", "1.5", "2147483648", "99999999999999999999", "12abc"]) expect(field(uses, bad)).toBe("Enter a whole number of uses.");
  });

  it("reads a checkbox as ticked or not, and a choice among its options", () => {
    expect(field(checkbox(), "on")).toBe(true);
    expect(field(checkbox())).toBe(false);
    expect(field(checkbox(), "yes")).toBe("Tick the box or leave it empty.");
    expect(field(choice(["visible", "hidden"], "Choose visible or hidden."), "hidden")).toBe("hidden");
    expect(field(choice(["visible", "hidden"], "Choose visible or hidden."), "secret")).toBe("Choose visible or hidden.");
  });
});

describe("handles", () => {
  const schema = z.object({ title: singleLine({ required: "Give it a title." }), handle: handleText() }).superRefine(handleOf);

  it("takes a typed handle in lower case, or makes one from the title", () => {
    expect(
      parseForm(
        form([
          ["title", "Summer Sale"],
          ["handle", " Sale-2026 "],
        ]),
        schema,
      ),
    ).toMatchObject({ ok: true, value: { handle: "sale-2026" } });
    expect(
      parseForm(
        form([
          ["title", "Summer Sale"],
          ["handle", ""],
        ]),
        schema,
      ),
    ).toMatchObject({ ok: true, value: { handle: "" } });
  });

  it("refuses a handle that is too long or malformed", () => {
    expect(
      parseForm(
        form([
          ["title", "T"],
          ["handle", "a".repeat(201)],
        ]),
        schema,
      ),
    ).toMatchObject({ ok: false, errors: { handle: "Use at most 200 characters." } });
    expect(
      parseForm(
        form([
          ["title", "T"],
          ["handle", "a--b"],
        ]),
        schema,
      ),
    ).toMatchObject({ ok: false, errors: { handle: "Use lowercase letters, digits and single hyphens." } });
    expect(
      parseForm(
        form([
          ["title", "T"],
          ["handle", "a".repeat(5_000)],
        ]),
        schema,
      ),
    ).toMatchObject({ ok: false, errors: { handle: "Use at most 1,000 characters." } });
  });
});

describe("money goes through parseMoney with the shop's currency and locale", () => {
  const message = "Enter a price.";

  it("reads a decimal comma or point as the locale implies", () => {
    expect(field(money({ currency: "EUR", locale: "de-DE" }, { message }), "12,50")).toBe(1250n);
    expect(field(money({ currency: "EUR", locale: "de-DE" }, { message }), "1.234,50")).toBe(123450n);
    expect(field(money({ currency: "USD", locale: "en-US" }, { message }), "12.50")).toBe(1250n);
    expect(field(money({ currency: "USD", locale: "en-US" }, { message }), "12,50")).toBe(1250n);
    expect(field(money({ currency: "JPY", locale: "en-US" }, { message }), "1,500")).toBe(1500n);
  });

  it("refuses an ambiguous amount with both readings, and too many decimals, with the reader's message", () => {
    expect(field(money({ currency: "USD", locale: "en-US" }, { message }), "1,500")).toMatch(/could mean 1500 or 1\.50/);
    expect(field(money({ currency: "USD", locale: "en-US" }, { message }), "12.345")).toMatch(/at most 2 decimals/);
  });

  it("keeps the field's own message for an empty or malformed amount, and refuses NUL", () => {
    const usd = money({ currency: "USD", locale: "en-US" }, { message });
    expect(field(usd)).toBe(message);
    expect(field(usd, "twelve")).toBe(message);
    expect(field(usd, "-5")).toBe(message);
    expect(field(usd, "12\u000050")).toBe(message);
    expect(field(optionalMoney({ currency: "USD", locale: "en-US" }, { message }))).toBeNull();
  });

  it("refuses an amount past the field's maximum", () => {
    expect(field(money({ currency: "USD", locale: "en-US" }, { message, max: 100_00n }), "100.01")).toMatch(/at most \$100\.00/);
    expect(field(money({ currency: "USD", locale: "en-US" }, { message }), "9".repeat(30))).toMatch(/at most/);
  });

  it("reads percentages in basis points", () => {
    const rate = percent("de-DE", { message: "Enter a rate from 0 to 100 %." });
    expect(field(rate, "7,5")).toBe(750n);
    expect(field(rate, "101")).toBe("Enter a rate from 0 to 100 %.");
  });
});
