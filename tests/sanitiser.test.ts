import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { sanitizeRichText } from "../shop/html.server.ts";
import { XSS_PAYLOADS } from "./support/xss-payloads.ts";

// What merchant HTML may contain after sanitising. Anything else in the output is a failure.
const ALLOWED_TAGS = new Set([
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
]);
const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(["href", "title", "target", "rel"]),
  img: new Set(["src", "alt", "width", "height"]),
  th: new Set(["colspan", "rowspan"]),
  td: new Set(["colspan", "rowspan"]),
};
const URL_SCHEMES: Record<string, Set<string>> = {
  href: new Set(["http", "https", "mailto", "tel"]),
  src: new Set(["http", "https"]),
};

/** The scheme a browser would see: entities are already decoded by the parser; it drops whitespace and control characters. */
function scheme(url: string): string | null {
  const clean = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
  const match = /^([a-z][a-z0-9+.-]*):/.exec(clean);
  return match ? match[1] : null;
}

/** Every way `html` could run script or load something foreign, as the browser-like parser reads it. */
function executableVectors(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (!ALLOWED_TAGS.has(name)) found.push(`<${name}>`);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (!ALLOWED_ATTRIBUTES[name]?.has(attribute)) found.push(`${name}[${attribute}]`);
          const allowed = URL_SCHEMES[attribute];
          if (allowed) {
            const s = scheme(value);
            if (s !== null && !allowed.has(s)) found.push(`${name}[${attribute}=${s}:]`);
            if (value.trim().startsWith("//")) found.push(`${name}[${attribute}=//]`);
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  if (/<\s*\/?\s*(script|iframe|object|embed|svg|math|style|meta|base|form|link)\b/i.test(html)) found.push("raw dangerous tag text");
  return found;
}

describe("sanitising merchant rich text", () => {
  it("has a checker that would notice each kind of vector", () => {
    expect(executableVectors('<img src="x" onerror="alert(1)">')).toContain("img[onerror]");
    expect(executableVectors('<a href="&#106;avascript:alert(1)">x</a>')).toContain("a[href=javascript:]");
    expect(executableVectors("<iframe srcdoc=x></iframe>")).toEqual(expect.arrayContaining(["<iframe>", "iframe[srcdoc]"]));
    expect(executableVectors('<p style="x">a</p>')).toContain("p[style]");
    expect(executableVectors("<p>fine <strong>text</strong></p>")).toEqual([]);
  });

  it(`leaves no executable vector in any of ${XSS_PAYLOADS.length} well-known payloads`, () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(25);
    for (const payload of XSS_PAYLOADS) {
      const output = sanitizeRichText(payload.html);
      expect({ payload: payload.name, vectors: executableVectors(output) }).toEqual({ payload: payload.name, vectors: [] });
      expect(output, payload.name).not.toMatch(/alert\(1\)<\/script|javascript:|vbscript:|onerror=|onload=/i);
    }
  });

  it("stays safe when payloads are glued together or sanitised twice", () => {
    const all = XSS_PAYLOADS.map((p) => p.html).join("\n");
    const once = sanitizeRichText(all);
    expect(executableVectors(once)).toEqual([]);
    expect(sanitizeRichText(once)).toBe(once);
  });

  it("drops NUL characters, which PostgreSQL text can't hold", () => {
    expect(sanitizeRichText("<p>Hand\u0000made</p>\u0000")).toBe("<p>Handmade</p>");
  });

  it("keeps harmless formatting, links and images", () => {
    const html = [
      "<h2>Care</h2>",
      "<p><strong>Bold</strong>, <em>italic</em>, <u>underlined</u> and <s>struck</s> text.<br>New line.</p>",
      "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol>",
      '<p><a href="https://example.com/size-guide" title="Sizes">Size guide</a> · <a href="mailto:hi@example.com">mail us</a></p>',
      '<img src="https://cdn.example.com/a.jpg" alt="Shirt" width="400" height="300">',
      '<table><thead><tr><th colspan="2">Sizes</th></tr></thead><tbody><tr><td>S</td><td>M</td></tr></tbody></table>',
      "<blockquote>Soft and warm.</blockquote><pre><code>100% cotton</code></pre>",
    ].join("");
    const output = sanitizeRichText(html);
    expect(executableVectors(output)).toEqual([]);
    for (const kept of [
      "<h2>Care</h2>",
      "<strong>Bold</strong>",
      "<em>italic</em>",
      "<u>underlined</u>",
      "<s>struck</s>",
      "<br />",
      "<ul><li>One</li><li>Two</li></ul>",
      "<ol><li>First</li></ol>",
      '<a href="https://example.com/size-guide" title="Sizes">Size guide</a>',
      '<a href="mailto:hi@example.com">mail us</a>',
      '<img src="https://cdn.example.com/a.jpg" alt="Shirt" width="400" height="300" />',
      '<th colspan="2">Sizes</th>',
      "<blockquote>Soft and warm.</blockquote>",
      "<pre><code>100% cotton</code></pre>",
    ]) {
      expect(output).toContain(kept);
    }
  });

  it("keeps the harmless parts of a dangerous element and text as text", () => {
    expect(sanitizeRichText('<p onclick="alert(1)">click <b>me</b></p>')).toBe("<p>click <b>me</b></p>");
    expect(sanitizeRichText('<a href="javascript:alert(1)">label</a>')).toBe("<a>label</a>");
    expect(sanitizeRichText("5 &lt; 6 &amp; <script>x</script>")).toBe("5 &lt; 6 &amp;");
  });

  it("makes links that open a new tab unable to reach back into the shop", () => {
    expect(sanitizeRichText('<a href="https://example.com" target="_blank">x</a>')).toBe(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer">x</a>',
    );
    expect(sanitizeRichText('<a href="https://example.com" target="_blank" rel="opener">x</a>')).toContain('rel="noopener noreferrer"');
  });
});
