import { data } from "@remix-run/node";
import { z } from "zod";
import {
  editorIntent,
  editVersion,
  handleText,
  LIMITS,
  multiline,
  numberedRows,
  rowCount,
  seoDescription,
  seoTitle,
  singleLine,
} from "../../shop/fields.server.ts";
import { sanitizeRichText, staleEditMessage, type CollectionErrors, type CollectionInput, type RuleInput, type StaleEditError } from "../domain.server.ts";
import { acceptedFields, parseForm, refusedFields, type RowFields } from "./forms.server.ts";

/** The collection form as typed; rules stay strings so a bad one comes back next to its error. */
export interface CollectionDraft {
  title: string;
  handle: string;
  descriptionHtml: string;
  kind: string;
  rulesMatch: string;
  parentId: string;
  seoTitle: string;
  seoDescription: string;
  rules: { field: string; relation: string; value: string }[];
  /** The version the form was opened on ("" for a new collection). */
  version: string;
}

export type CollectionEditorResult = { draft: CollectionDraft; errors: CollectionErrors; notice: string | null; revision: string };

const MAX_FORM_RULES = 61;

/**
 * The collection editor's form (docs/decisions/030-forms-with-zod-and-conform.md): every field's limits and control
 * characters, the rule rows bounded by their count, one intent. Editing a saved collection needs its version.
 */
export function collectionEditorForm({ editing }: { editing: boolean }) {
  return z.object({
    intent: editorIntent(/^(save|delete|add-rule|remove-rule:\d{1,2})$/),
    // A new collection has no version to check.
    version: editing ? editVersion() : editVersion().optional(),
    title: singleLine(),
    handle: handleText(),
    descriptionHtml: multiline({ max: LIMITS.longText }),
    kind: singleLine(),
    rulesMatch: singleLine(),
    parentId: singleLine({ max: 20 }),
    seoTitle: seoTitle(),
    seoDescription: seoDescription(),
    ruleCount: rowCount(MAX_FORM_RULES),
    // validateCollection judges a value's length once trimmed; this bounds what is read at all.
    rules: numberedRows(z.object({ field: singleLine(), relation: singleLine(), value: singleLine({ max: 1_000 }) }), MAX_FORM_RULES),
  });
}

/** The draft a form describes; anything missing reads as blank. */
function draftOf({ text, count }: RowFields): CollectionDraft {
  return {
    title: text("title"),
    handle: text("handle").trim().toLowerCase(),
    descriptionHtml: text("descriptionHtml"),
    kind: text("kind"),
    rulesMatch: text("rulesMatch") || "all",
    parentId: text("parentId"),
    seoTitle: text("seoTitle"),
    seoDescription: text("seoDescription"),
    version: text("version"),
    rules: Array.from({ length: count("ruleCount", MAX_FORM_RULES) }, (_, i) => ({
      field: text(`rules.${i}.field`),
      relation: text(`rules.${i}.relation`),
      value: text(`rules.${i}.value`),
    })),
  };
}

/** The collection form read with its schema: the draft and intent, or the draft as typed with what is wrong. */
export function readCollectionForm(
  form: FormData,
  { editing }: { editing: boolean },
): { ok: true; intent: string; version?: number; draft: CollectionDraft } | { ok: false; draft: CollectionDraft; errors: CollectionErrors } {
  const parsed = parseForm(form, collectionEditorForm({ editing }));
  if (!parsed.ok) {
    const { intent, ruleCount, ...errors } = parsed.errors;
    // Hidden fields have nowhere to show their message but the top of the form.
    const hidden = intent ?? ruleCount;
    return { ok: false, draft: draftOf(refusedFields(parsed.values)), errors: hidden ? { ...errors, collection: hidden } : errors };
  }
  return { ok: true, intent: parsed.value.intent, version: parsed.value.version, draft: draftOf(acceptedFields(parsed.value)) };
}

/** validateCollection names unknown kinds, fields and relations, so the casts only carry them there. */
export function collectionInput(draft: CollectionDraft): CollectionInput {
  return {
    title: draft.title,
    handle: draft.handle,
    descriptionHtml: draft.descriptionHtml,
    kind: draft.kind as CollectionInput["kind"],
    rules: draft.rules.map((r) => ({ field: r.field, relation: r.relation, value: r.value }) as RuleInput),
    rulesMatch: draft.rulesMatch as CollectionInput["rulesMatch"],
    parentId: draft.parentId || null,
    seoTitle: draft.seoTitle,
    seoDescription: draft.seoDescription,
  };
}

export function emptyRule() {
  return { field: "tag", relation: "equals", value: "" };
}

/**
 * The draft operations that change nothing stored: adding or removing a
 * condition row. Null when `intent` is something else.
 */
export function ruleRowIntent(intent: string, draft: CollectionDraft): CollectionDraft | null {
  if (intent === "add-rule") return { ...draft, rules: [...draft.rules, emptyRule()].slice(0, MAX_FORM_RULES) };
  if (intent.startsWith("remove-rule:")) {
    const index = Number(intent.slice("remove-rule:".length));
    return { ...draft, rules: draft.rules.filter((_, i) => i !== index) };
  }
  return null;
}

export function collectionResult(draft: CollectionDraft, errors: CollectionErrors, notice: string | null, status = 200) {
  const body: CollectionEditorResult = {
    draft: { ...draft, descriptionHtml: sanitizeRichText(draft.descriptionHtml) },
    errors,
    notice,
    revision: crypto.randomUUID(),
  };
  return data(body, { status });
}

/** A save over a newer collection: what was typed stays, on the newer version, so saving again is a knowing choice. */
export function staleCollection(draft: CollectionDraft, error: StaleEditError) {
  return collectionResult({ ...draft, version: String(error.currentVersion) }, { collection: staleEditMessage(error) }, null, 409);
}
