// Checks for the plain-text fields merchants type, shared by every form that saves them.

// Titles and search-engine text are one line; PostgreSQL text can't hold NUL at all.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A message for a single-line field that holds line breaks or other control characters, else undefined. */
export function singleLineProblem(text: string): string | undefined {
  return CONTROL_CHARACTERS.test(text) ? "Use a single line of text, without control characters." : undefined;
}

/** A description (product or collection) is a page of rich text: long, not unbounded. */
export const MAX_DESCRIPTION_LENGTH = 100_000;

/** A message for a description longer than MAX_DESCRIPTION_LENGTH, else undefined. */
export function descriptionProblem(html: string): string | undefined {
  return html.length > MAX_DESCRIPTION_LENGTH ? `Use at most ${MAX_DESCRIPTION_LENGTH.toLocaleString("en")} characters.` : undefined;
}
