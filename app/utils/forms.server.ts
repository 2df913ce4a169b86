// The one way a route reads a form (docs/decisions/030-forms-with-zod-and-conform.md): Conform's `parseWithZod`
// against a zod schema made of the shared fields in shop/fields.server.ts. A refused form answers 400 with one message
// per field and the values as typed, so the page shows them again next to their messages, with or without JavaScript.
import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "@remix-run/node";
import type { IntlShape } from "react-intl";
import { z } from "zod";
import { editVersion, UNREADABLE_FORM } from "../../shop/fields.server.ts";

/** One message per field, keyed by the field's name ("title", "rules[0].value"); `form` for the whole form. */
export type FieldErrors = Record<string, string>;

/** What a form sent, as text, for showing it again. */
export type TypedValues = Record<string, string>;

/** A form read with a schema: its value or its messages, and in both cases the text as typed. */
export type ParsedForm<Output> = ({ ok: true; value: Output } | { ok: false; errors: FieldErrors }) & { values: TypedValues; form: FormData };

/** The typed text of every field sent once (files and repeated fields aren't shown again). */
function typedValues(form: FormData): TypedValues {
  const values: TypedValues = {};
  for (const [name, value] of form) if (typeof value === "string") values[name] = name in values ? "" : value;
  return values;
}

/** Reads `form` with `schema`: the parsed value, or the first message of each refused field. */
export function parseForm<Schema extends z.ZodType>(form: FormData, schema: Schema): ParsedForm<z.output<Schema>> {
  return parseWith(form, schema, (issue) => issue.message, UNREADABLE_FORM);
}

/**
 * Reads a storefront form (docs/decisions/030-forms-with-zod-and-conform.md): its schema's messages are message ids
 * of the storefront catalogue (app/locales), said here in the shop's language, with the issue's `max` as a value. A
 * storefront form sends each field once, so a field sent twice is refused (under `form`, since it may be hidden)
 * before its schema reads it.
 */
export function parseStoreForm<Schema extends z.ZodType>(form: FormData, schema: Schema, intl: IntlShape): ParsedForm<z.output<Schema>> {
  const seen = new Set<string>();
  for (const [name] of form) {
    if (seen.has(name)) return { ok: false, errors: { form: intl.formatMessage({ id: "form.error.sentTwice" }) }, values: typedValues(form), form };
    seen.add(name);
  }
  const unreadable = intl.formatMessage({ id: "form.error.unreadable" });
  const say = (issue: z.core.$ZodIssue) => {
    // zod's own English (a schema that forgot a message id) never reaches a shopper.
    if (!(issue.message in intl.messages)) return unreadable;
    const max = issue.code === "too_big" ? issue.maximum : issue.code === "custom" ? issue.params?.max : undefined;
    return intl.formatMessage({ id: issue.message }, typeof max === "number" ? { max } : {});
  };
  return parseWith(form, schema, say, unreadable);
}

function parseWith<Schema extends z.ZodType>(
  form: FormData,
  schema: Schema,
  say: (issue: z.core.$ZodIssue) => string,
  unreadable: string,
): ParsedForm<z.output<Schema>> {
  const submission = parseWithZod(form, { schema, formatError: (issues: z.core.$ZodIssue[]) => issues.map(say) });
  if (submission.status === "success") return { ok: true, value: submission.value, values: typedValues(form), form };
  const errors: FieldErrors = {};
  for (const [name, messages] of Object.entries(submission.error ?? {})) {
    if (messages?.length) errors[name || "form"] = messages[0];
  }
  // The version is a hidden field (decision 035): its message is the whole form's.
  if (errors.version) {
    errors.form ??= errors.version;
    delete errors.version;
  }
  // A submission without errors but not successful is an intent Conform handles (validate, reset): nothing to save.
  if (!Object.keys(errors).length) errors.form = unreadable;
  return { ok: false, errors, values: typedValues(form), form };
}

/** Reads the request's form with `schema`. */
export async function readForm<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<ParsedForm<z.output<Schema>>> {
  return parseForm(await request.formData(), schema);
}

/** The 400 answer to a refused form: its messages, and whatever else the page needs to show it again. */
export function refuse<Extra extends object>(errors: FieldErrors, extra: Extra = {} as Extra) {
  return data({ errors, ...extra }, { status: 400 });
}

/** The typed text of the named fields ("" for one not sent), to show a refused form again. */
export function typedFields<Name extends string>(values: TypedValues, names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, values[name] ?? ""])) as Record<Name, string>;
}

/** A form of numbered rows read by field name ("variants.3.sku"), so one function builds an editor's draft from it. */
export interface RowFields {
  /** The field's text, "" when absent. */
  text(name: string): string;
  ticked(name: string): boolean;
  /** A hidden row count, from 0 to `max`. */
  count(name: string, max: number): number;
}

/** The fields of a form its schema accepted (nested, as Conform reads "a.0.b"; numbers, such as the version, as text). */
export function acceptedFields(value: unknown): RowFields {
  const at = (name: string) =>
    name.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), value);
  return {
    text: (name) => {
      const field = at(name);
      return typeof field === "string" ? field : typeof field === "number" ? String(field) : "";
    },
    ticked: (name) => at(name) === true,
    count: (name, max) => Math.min(Number(at(name) ?? 0), max),
  };
}

/** The fields of a refused form, as typed, so its page shows them again next to their messages. */
export function refusedFields(values: TypedValues): RowFields {
  return {
    text: (name) => values[name] ?? "",
    ticked: (name) => values[name] === "on",
    count: (name, max) => Math.min(Math.max(Number.parseInt(values[name] ?? "", 10) || 0, 0), max),
  };
}

/** The form's text fields without its files, for a schema whose text fields share a name with a file field ("newImages.0.alt"). */
export function textFields(form: FormData): FormData {
  const text = new FormData();
  for (const [name, value] of form) if (typeof value === "string") text.append(name, value);
  return text;
}

/** The `version` field alone, for a form read field by field rather than with a schema (the collection and theme editors). */
export function parseEditVersion(form: FormData): ParsedForm<{ version: number }> {
  return parseForm(form, z.object({ version: editVersion() }));
}
