/**
 * Shopify-style handles: lowercase words joined by single hyphens. Words may be in any script, as Shopify allows
 * ("緑茶", "чай", "قهوة"): letters without case count as lowercase, and marks stay with the letters they belong to.
 */
export const HANDLE_PATTERN = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+)*$/u;
/** Longer handles are refused when saved and never looked up. */
export const MAX_HANDLE_LENGTH = 200;

/** A handle is one that HANDLE_PATTERN accepts and isn't too long. */
export function isHandle(text: string): boolean {
  return text.length <= MAX_HANDLE_LENGTH && HANDLE_PATTERN.test(text);
}

/**
 * A title as a handle: accents dropped from Latin letters ("Café" → "cafe"), other scripts kept as they are,
 * everything else a hyphen. Empty only for a title with no letters or digits at all.
 */
export function handleize(text: string): string {
  return (
    text
      .normalize("NFKD")
      // Accents come off Latin letters only: in Cyrillic "й" or Greek "έ" the mark is part of the letter.
      .replace(/(\p{Script=Latin})\p{M}+/gu, "$1")
      .normalize("NFC")
      .toLowerCase()
      .replace(/[^\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, MAX_HANDLE_LENGTH)
      .replace(/-+$/, "")
  );
}

/**
 * What is wrong with the handle a form would save (the one typed, else the title's), or null. When the handle came
 * from the title, the message says so, since the merchant was told they could leave the field blank.
 */
export function handleProblem(typed: string, title: string): string | null {
  const handle = typed.trim() || handleize(title);
  const fromTitle = !typed.trim();
  if (!handle) return fromTitle ? "The title has no letters or digits to make a handle from: enter one." : "Enter a handle.";
  if (handle.length > MAX_HANDLE_LENGTH) return `Use at most ${MAX_HANDLE_LENGTH} characters.`;
  if (!HANDLE_PATTERN.test(handle)) return "Use lowercase letters, digits and single hyphens.";
  return null;
}
