// What text a request may carry, checked once at the edge (docs/decisions/025-input-edge.md) so that no route,
// query or PostgreSQL ever sees a NUL, another control character or undecodable bytes.

/** C0 controls and DEL: never in an address, a query or a header we read. */
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
/** Form text may hold tabs and line breaks (a textarea), nothing else below space. */
const FORM_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The answer to form text with control characters. */
export const CONTROL_IN_FORM = "The form has control characters (such as NUL) that can't be saved.";
const MALFORMED_ADDRESS = "The address has a malformed %-escape or bytes that aren't UTF-8.";
const CONTROL_IN_ADDRESS = "The address has control characters (such as NUL).";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as UTF-8 text, or null if they aren't valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Percent-decodes (and, in form encoding, reads `+` as a space) strictly: null for a malformed escape or bytes that aren't UTF-8. */
export function percentDecode(text: string, plusIsSpace = false): string | null {
  const plain = plusIsSpace ? text.replace(/\+/g, " ") : text;
  if (!plain.includes("%")) return plain;
  if (/%(?![0-9a-f]{2})/i.test(plain)) return null;
  try {
    return decodeURIComponent(plain);
  } catch {
    // Well-formed escapes of bytes that aren't UTF-8 (%E0%A4 alone).
    return null;
  }
}

/** Why a form's text (field names and values) can't be taken, or null: tabs and line breaks are fine, other controls aren't. */
export function formTextProblem(text: string): string | null {
  return FORM_CONTROL.test(text) ? CONTROL_IN_FORM : null;
}

/** Why `name=value&…` pairs (a query string, or a form body when `form` is set) can't be read, or null. */
export function pairsProblem(encoded: string, form = false): string | null {
  for (const pair of encoded.split("&")) {
    for (const part of pair.split("=")) {
      const text = percentDecode(part, true);
      if (text === null) return form ? "The form isn't valid UTF-8 text." : MALFORMED_ADDRESS;
      const problem = form ? formTextProblem(text) : ANY_CONTROL.test(text) ? CONTROL_IN_ADDRESS : null;
      if (problem) return problem;
    }
  }
  return null;
}

/** Why a request target (path and query, as it came on the request line) can't be read, or null. */
export function targetProblem(target: string): string | null {
  const question = target.indexOf("?");
  const path = question < 0 ? target : target.slice(0, question);
  const decoded = percentDecode(path);
  if (decoded === null) return MALFORMED_ADDRESS;
  if (ANY_CONTROL.test(decoded)) return CONTROL_IN_ADDRESS;
  return question < 0 ? null : pairsProblem(target.slice(question + 1));
}
