import { data } from "@remix-run/node";
import { sanitizeRichText, staleEditMessage, type PageErrors, type StaleEditError } from "../domain.server.ts";
import type { TypedValues } from "./forms.server.ts";

/** The page form as typed, so a refused save comes back as it was, next to its errors. */
export interface PageDraft {
  title: string;
  handle: string;
  bodyHtml: string;
  visibility: string;
  seoTitle: string;
  seoDescription: string;
  /** The version the form was opened on ("" for a new page). */
  version: string;
}

/** The draft a refused form shows again: what was typed. */
export function pageDraftOf(values: TypedValues): PageDraft {
  return {
    title: values.title ?? "",
    handle: (values.handle ?? "").trim().toLowerCase(),
    bodyHtml: values.bodyHtml ?? "",
    visibility: values.visibility ?? "",
    seoTitle: values.seoTitle ?? "",
    seoDescription: values.seoDescription ?? "",
    version: values.version ?? "",
  };
}

/** A refused save: the draft (its HTML sanitised, as the preview shows it) with the errors, and nothing stored. */
export function refusedPage(draft: PageDraft, errors: PageErrors, status = 400) {
  return data({ draft: { ...draft, bodyHtml: sanitizeRichText(draft.bodyHtml) }, errors, revision: crypto.randomUUID() }, { status });
}

/** A save over a newer page: what was typed stays, on the newer version, so saving again is a knowing choice. */
export function stalePage(draft: PageDraft, error: StaleEditError) {
  return refusedPage({ ...draft, version: String(error.currentVersion) }, { page: staleEditMessage(error) }, 409);
}
