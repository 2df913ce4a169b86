/** Subdomains we keep for ourselves or that would confuse shoppers. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "www",
  "admin",
  "app",
  "api",
  "static",
  "assets",
  "cdn",
  "mail",
  "email",
  "smtp",
  "imap",
  "pop",
  "ftp",
  "ns",
  "ns1",
  "ns2",
  "mx",
  "dev",
  "staging",
  "test",
  "demo",
  "help",
  "support",
  "status",
  "docs",
  "blog",
  "billing",
  "account",
  "accounts",
  "login",
  "signup",
  "auth",
  "oauth",
  "operator",
  "platform",
  "dashboard",
  "shop",
  "shops",
  "store",
  "stores",
  "checkout",
  "pay",
  "payments",
  "webhooks",
  "bazaar",
  "root",
  "system",
]);

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export type SlugProblem = "length" | "characters" | "reserved";

export function slugProblem(slug: string): SlugProblem | null {
  if (slug.length < 3 || slug.length > 40) return "length";
  if (!SLUG_PATTERN.test(slug) || slug.includes("--")) return "characters";
  if (RESERVED_SLUGS.has(slug)) return "reserved";
  return null;
}

export const SLUG_MESSAGES: Record<SlugProblem | "taken", string> = {
  length: "Use 3 to 40 characters.",
  characters: "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
  reserved: "That address is reserved. Please pick another.",
  taken: "That address is already taken.",
};

/** A slug suggestion from a shop name: "Café Olé & Co." becomes "cafe-ole-co". */
export function suggestSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
