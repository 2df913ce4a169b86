import sanitize from "sanitize-html";

// Rich text a merchant may use in descriptions and policies: formatting, links, lists, tables, images.
const OPTIONS: sanitize.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
    "code",
    "pre",
  ],
  allowedAttributes: {
    a: ["href", "title", "target", "rel"],
    img: ["src", "alt", "width", "height"],
    th: ["colspan", "rowspan"],
    td: ["colspan", "rowspan"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  transformTags: {
    // Links that open a new tab must not hand the storefront's window to the target.
    a: (tagName, attribs) => ({ tagName, attribs: attribs.target ? { ...attribs, rel: "noopener noreferrer" } : attribs }),
  },
};

/** Sanitises merchant HTML on save, so what a shopper sees can never run script. */
export function sanitizeRichText(html: string): string {
  // NUL can't be stored in PostgreSQL text, and no HTML needs it.
  return sanitize(html.replaceAll("\0", ""), OPTIONS).trim();
}
