import { data } from "@remix-run/node";
import { sanitizeRichText, staleEditMessage, type CollectionErrors, type CollectionInput, type RuleInput, type StaleEditError } from "../domain.server.ts";

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

export function readCollectionDraft(form: FormData): CollectionDraft {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const ruleCount = Math.min(Math.max(Number.parseInt(text("ruleCount"), 10) || 0, 0), MAX_FORM_RULES);
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
    rules: Array.from({ length: ruleCount }, (_, i) => ({
      field: text(`rules.${i}.field`),
      relation: text(`rules.${i}.relation`),
      value: text(`rules.${i}.value`),
    })),
  };
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
