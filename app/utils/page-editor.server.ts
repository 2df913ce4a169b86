import { data } from "@remix-run/node";
import { sanitizeRichText, type PageErrors, type PageInput, type PageVisibility } from "../domain.server.ts";

/** The page form as typed, so a refused save comes back as it was, next to its errors. */
export interface PageDraft {
  title: string;
  handle: string;
  bodyHtml: string;
  visibility: string;
  seoTitle: string;
  seoDescription: string;
}

export function readPageDraft(form: FormData): PageDraft {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    title: text("title"),
    handle: text("handle").trim().toLowerCase(),
    bodyHtml: text("bodyHtml"),
    visibility: text("visibility"),
    seoTitle: text("seoTitle"),
    seoDescription: text("seoDescription"),
  };
}

/** validatePage names an unknown visibility, so the cast only carries it there. */
export function pageInput(draft: PageDraft): PageInput {
  return { ...draft, visibility: draft.visibility as PageVisibility };
}

/** A refused save: the draft (its HTML sanitised, as the preview shows it) with the errors, and nothing stored. */
export function refusedPage(draft: PageDraft, errors: PageErrors) {
  return data({ draft: { ...draft, bodyHtml: sanitizeRichText(draft.bodyHtml) }, errors, revision: crypto.randomUUID() }, { status: 400 });
}
