// The fields every form is made of, as zod schemas with one set of limits and control-character rules
// (docs/decisions/030-forms-with-zod-and-conform.md). Forms are parsed with Conform's `parseWithZod`, which turns an
// empty field into `undefined` before these run, so "required" is the message for `undefined`. Every message here is
// the sentence a person reads next to the field.
import { unstable_coerceFormValue as coerceFormValue } from "@conform-to/zod/v4";
import { z } from "zod";
import { emailProblem, normalizeEmail, passwordProblem } from "../tenants/accounts.server.ts";
import { handleProblem } from "./handles.ts";
import { amountProblem, parseMoney, parsePercent, type MoneyStyle } from "./money.ts";
import { isRecordId } from "./products.server.ts";
import { singleLineProblem } from "./text.ts";
import { SLUG_MESSAGES, slugProblem } from "../tenants/slugs.ts";

/** Shared limits, in characters. */
export const LIMITS = {
  /** Names, titles, labels: one line. */
  line: 255,
  /** What search engines show of a title. */
  seoTitle: 70,
  seoDescription: 320,
  /** A page of rich text or a policy. */
  longText: 100_000,
  /** A note or a reason typed into a textarea. */
  note: 2_000,
} as const;

// A textarea may hold tabs and line breaks, nothing else below space (the same rule as the edge, decision 025).
const MULTILINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const MULTILINE_PROBLEM = "Use text without control characters (such as NUL).";

interface TextOptions {
  /** At most this many characters (default LIMITS.line). */
  max?: number;
  /** The message for an empty field; without it the field may be empty and reads as "". */
  required?: string;
  /** The message for a value past `max`, when the field has its own; its issue carries `params: { max }`. */
  tooLong?: string;
  /** The message for a control character, when the field has its own (the storefront's are message ids). */
  controlCharacters?: string;
}

function tooLongMessage(max: number): string {
  return `Use at most ${max.toLocaleString("en")} characters.`;
}

function text({ max = LIMITS.line, required, tooLong, controlCharacters }: TextOptions, controlProblem: (value: string) => string | undefined) {
  const checked = z.string({ error: required ?? "Enter text." }).superRefine((value, ctx) => {
    const problem = controlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: controlCharacters ?? problem });
    else if (value.length > max) ctx.addIssue({ code: "custom", message: tooLong ?? tooLongMessage(max), params: { max } });
    else if (required && !value.trim()) ctx.addIssue({ code: "custom", message: required });
  });
  return required ? checked : checked.optional().transform((value) => value ?? "");
}

/** One line of text, without control characters: names, titles, labels, codes. */
export function singleLine(options: TextOptions = {}) {
  return text(options, singleLineProblem);
}

/** Text from a textarea: tabs and line breaks are fine, other control characters aren't. */
export function multiline(options: TextOptions = {}) {
  return text({ max: LIMITS.note, ...options }, (value) => (MULTILINE_CONTROL.test(value) ? MULTILINE_PROBLEM : undefined));
}

/** An email address, normalised (trimmed, lower case) as accounts store it. */
export function email(required = "Enter a valid email address.") {
  return z
    .string({ error: required })
    .max(LIMITS.line, { error: "Enter a valid email address." })
    .transform(normalizeEmail)
    .refine((value) => !singleLineProblem(value) && !emailProblem(value), { error: "Enter a valid email address." });
}

/** A new password, held to the accounts' rules. */
export function newPassword(required = `Choose a password.`) {
  return z.string({ error: required }).superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A password being checked (login, re-authentication): any text up to the accounts' maximum, never judged here. */
export function currentPassword(required = "Enter your password.") {
  return z.string({ error: required }).max(256, { error: "That email and password don't match." });
}

/** The id of a row (a bigint identity): digits only and never past bigint, so it can't reach PostgreSQL as an error. */
export function recordId(message = "Choose from the list.") {
  return z.string({ error: message }).refine(isRecordId, { error: message });
}

/** A list of row ids from checkboxes or a multi-select, duplicates dropped; one message for the list. */
export function recordIds(message = "Choose from the list.") {
  return z
    .array(z.string(), { error: message })
    .max(10_000, { error: message })
    .refine((ids) => ids.every(isRecordId), { error: message })
    .optional()
    .transform((ids) => [...new Set(ids ?? [])]);
}

/** A checkbox: ticked ("on") or not sent at all. */
export function checkbox() {
  return z
    .boolean({ error: "Tick the box or leave it empty." })
    .optional()
    .transform((ticked) => ticked ?? false);
}

/** A checkbox whose value is `value` rather than "on": ticked or not sent. */
export function checkboxValue(value: string, message = "Tick the box or leave it empty.") {
  return z
    .literal(value, { error: message })
    .optional()
    .transform((ticked) => ticked === value);
}

/** One of a few values, such as a select's options. */
export function choice<const Values extends readonly [string, ...string[]]>(values: Values, message: string) {
  return z.enum(values, { error: message });
}

/** What a hidden field that came back malformed (a count, a row's number) says: nobody typed it. */
/**
 * The button an editor's form was sent with: its `intent` matches `pattern` (a row's button carries its row, as in
 * `remove-option:2`), or the form was sent with Enter, which is a save.
 *
 * @example editorIntent(/^(save|delete|remove-rule:\d{1,2})$/) // "remove-rule:3" passes, "drop" is "Unknown action."
 */
export function editorIntent(pattern: RegExp) {
  return z
    .string({ error: "Unknown action." })
    .regex(pattern, { error: "Unknown action." })
    .optional()
    .transform((intent) => intent ?? "save");
}

export const UNREADABLE_FORM = "The form couldn't be read. Reload the page and try again.";

/** Numbered rows ("variants.3.sku", "rules.0.value"), which Conform reads as an object keyed by the row's number. */
export function numberedRows<Row extends z.ZodType>(row: Row, max: number) {
  return z
    .record(z.string().regex(/^\d{1,4}$/), row, { error: UNREADABLE_FORM })
    .refine((rows) => Object.keys(rows).length <= max, { error: UNREADABLE_FORM })
    .optional();
}

/** The hidden count of a form's numbered rows, at most `max`; 0 when not sent. */
export function rowCount(max: number) {
  return wholeNumber(UNREADABLE_FORM, { max })
    .optional()
    .transform((count) => count ?? 0);
}

/** A checkbox in a numbered row, where Conform leaves "on" as text: ticked or not sent. */
export function tickedBox() {
  return checkboxValue("on");
}

/** A whole number from `min` to `max` (default 2,147,483,647, PostgreSQL's integer). */
export function wholeNumber(message: string, { min = 0, max = 2_147_483_647 }: { min?: number; max?: number } = {}) {
  return z
    .string({ error: message })
    .regex(/^\s*\d{1,10}\s*$/, { error: message })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: message });
}

/** A shop's address (its subdomain): trimmed, lower case, judged by `slugProblem`. */
export function shopSlug() {
  return singleLine({ max: 1_000, required: SLUG_MESSAGES.length })
    .transform((slug) => slug.trim().toLowerCase())
    .superRefine((slug, ctx) => {
      const problem = slugProblem(slug);
      if (problem) ctx.addIssue({ code: "custom", message: SLUG_MESSAGES[problem] });
    });
}

/** A title as search engines show it. */
export function seoTitle() {
  return singleLine({ max: LIMITS.seoTitle, tooLong: "Search engines show about 70 characters; use at most 70." });
}

export function seoDescription() {
  return singleLine({ max: LIMITS.seoDescription });
}

/**
 * A URL handle as a form saves it: the one typed (trimmed, lower case), else the title's; `handleProblem` says what
 * is wrong. Checked on the object, since an empty handle is made from the title.
 */
export function handleOf<T extends { handle: string; title: string }>(value: T, ctx: z.RefinementCtx): void {
  const problem = handleProblem(value.handle, value.title);
  if (problem) ctx.addIssue({ code: "custom", path: ["handle"], message: problem });
}

/** The handle field's text: lower case, trimmed; `handleOf` judges it. */
export function handleText() {
  return singleLine({ max: 1_000 }).transform((value) => value.trim().toLowerCase());
}

interface AmountOptions {
  /** The field's own message for an empty or malformed amount (the reader's speaks for the specific problems). */
  message: string;
  /** Largest accepted amount, in minor units. */
  max?: bigint;
}

/** An amount typed in the shop's currency and locale, read by `parseMoney` into integer minor units. */
export function money(style: MoneyStyle, { message, max }: AmountOptions) {
  return z.string({ error: message }).transform((typed, ctx) => {
    const result = parseMoney(typed, style, max === undefined ? {} : { max });
    if (result.ok) return result.value;
    ctx.addIssue({ code: "custom", message: amountProblem(result, message) });
    return z.NEVER;
  });
}

/** An amount that may be left empty: null then. */
export function optionalMoney(style: MoneyStyle, options: AmountOptions) {
  return money(style, options)
    .optional()
    .transform((value) => value ?? null);
}

/** A percentage typed in the locale, read by `parsePercent` into basis points. `message` states the range and decimals. */
export function percent(locale: string, { message, max }: { message: string; max?: bigint }) {
  return z.string({ error: message }).transform((typed, ctx) => {
    const result = parsePercent(typed, max === undefined ? { locale } : { locale, max });
    if (result.ok) return result.value;
    ctx.addIssue({ code: "custom", message: amountProblem(result, message, { statesLimits: true }) });
    return z.NEVER;
  });
}

type Checked<Output> = { ok: true; value: Output } | { ok: false; problems: Record<string, string> };

/**
 * Checks a domain function's input (text as a form sends it) with the form's schema, read the way Conform reads a
 * form (an empty text is a missing field), so a domain check and a form check are one schema. Problems are keyed by
 * the field's dotted path ("rules.0.value").
 */
export function checkInput<Schema extends z.ZodType>(schema: Schema, input: unknown): Checked<z.output<Schema>> {
  const result = coerceFormValue(schema).safeParse(input);
  if (result.success) return { ok: true, value: result.data as z.output<Schema> };
  const problems: Record<string, string> = {};
  for (const issue of result.error.issues) problems[issue.path.map(String).join(".") || "form"] ??= issue.message;
  return { ok: false, problems };
}

/** The problems `checkInput` finds, none when the input is fine. */
export function problemsOf(schema: z.ZodType, input: unknown): Record<string, string> {
  const checked = checkInput(schema, input);
  return checked.ok ? {} : checked.problems;
}

/**
 * The version of the row a form was opened on (docs/decisions/035-edit-versions.md), in a hidden field: the save is
 * refused if the row moved on since. Required, so a form that lost it can't overwrite unchecked; a form that opens no
 * row (a new one) leaves it out of its schema.
 */
export function editVersion() {
  return z
    .string({ error: VERSION_LOST })
    .regex(/^\d{1,9}$/, { error: VERSION_LOST })
    .transform(Number);
}

/** What a form that lost its version says; a form with a button that needs none checks it with this message. */
export const VERSION_LOST = "Reload the page: this form lost track of the version it was opened on.";
