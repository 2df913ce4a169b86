import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CATALOGUES, STOREFRONT_LANGUAGES } from "../shop/storefront-language.ts";

// The storefront's message catalogues (app/locales/*.json, decision 032): every language has every message, each
// message is valid ICU with the same arguments in every language, and every id the code uses is in them.

const ROOT = join(import.meta.dirname, "..");
/** Where shopper-facing text is made: the themes, the storefront's components and routes, the server code they call. */
const SOURCES = ["themes", "app/components/store", "app/routes", "app/utils", "shop", "server"];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const english = CATALOGUES.en;
const namespaces = new Set(Object.keys(english).map((id) => id.split(".")[0]));

const ID = /^[a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_-]+)+$/;

/**
 * Message ids in the code: the id of every `formatMessage({ id: … })` and `<FormattedMessage id=… />` (each quoted
 * id in it, so `id={a ? "x.a" : "x.b"}` gives both), plus, in files that work with messages, every string literal
 * shaped like an id in one of the catalogues' namespaces (ids kept in maps, such as a stock state's message).
 */
function usedIds(source: string): { called: string[]; literal: string[] } {
  const called: string[] = [];
  for (const match of source.matchAll(/(?:formatMessage\(\s*\{\s*id:|<FormattedMessage\s+id=)([^}]*?)(?:\}|\/>|\svalues=)/g)) {
    for (const quoted of match[1].matchAll(/"([^"]+)"/g)) if (ID.test(quoted[1])) called.push(quoted[1]);
  }
  if (!/formatMessage|FormattedMessage|message id/i.test(source)) return { called, literal: [] };
  const literal = [...source.matchAll(/"([^"\s]+)"/g)].map((m) => m[1]).filter((id) => ID.test(id) && namespaces.has(id.split(".")[0]));
  return { called, literal };
}

/** The arguments and tags a message uses, e.g. ["count", "link"]: a translation must use the same. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    into.add(element.value);
    if (element.type === TYPE.tag) argumentsOf(element.children, into);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

/** The storefront's own pages and components, and the themes: every word they show a shopper is a message. */
const SHOPPER_FILES = ["app/components/store", "themes", "app/routes"]
  .flatMap(sourceFiles)
  .filter((file) => file.endsWith(".tsx") && (!file.startsWith("app/routes/") || /^app\/routes\/(?:_store\.|password\.tsx)/.test(file)));

/** JSX props that are text for the shopper (a heading, a field's label, an image's alternative…). */
const TEXT_PROPS = /^(?:title|description|label|[a-zA-Z]*Label|placeholder|aria-label|alt|heading|text|message)$/;
const WORD = /[A-Za-z]{2,}/;

/**
 * English typed into a storefront file instead of a message: JSX text, text props, string and template literals
 * rendered as children, and `title` / `description` properties (a page's SEO data). A template's `${…}` parts are
 * code, not text.
 */
function englishInSource(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): string | null => {
    if (!node) return null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(" ");
    return null;
  };
  const report = (what: string | null) => {
    if (what && WORD.test(what)) found.push(`${file}: ${what.trim()}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node.text);
    else if (ts.isJsxAttribute(node) && TEXT_PROPS.test(node.name.getText())) {
      report(node.initializer && ts.isJsxExpression(node.initializer) ? literal(node.initializer.expression) : literal(node.initializer));
    } else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) report(literal(node.expression));
    else if (ts.isPropertyAssignment(node) && /^(?:title|description)$/.test(node.name.getText())) report(literal(node.initializer));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("storefront message catalogues", () => {
  it("have exactly the same ids in every language", () => {
    const ids = Object.keys(english).sort();
    expect(ids.length).toBeGreaterThan(200);
    for (const language of STOREFRONT_LANGUAGES) expect(Object.keys(CATALOGUES[language]).sort(), language).toEqual(ids);
  });

  it("hold valid ICU messages that use the same arguments in every language, and real translations", () => {
    for (const [id, message] of Object.entries(english)) {
      const expected = [...argumentsOf(parse(message))].sort();
      for (const language of STOREFRONT_LANGUAGES) {
        const translated = CATALOGUES[language][id];
        expect(translated.trim(), `${language} ${id}`).not.toBe("");
        expect([...argumentsOf(parse(translated))].sort(), `${language} ${id}`).toEqual(expected);
      }
    }
    // Chinese text, not English copied over: every message with words has Han characters (a few are only arguments).
    const untranslated = Object.entries(CATALOGUES["zh-CN"]).filter(
      ([id, zh]) => /[a-z]{3}/i.test(english[id].replace(/\{[^}]*\}|<\/?\w+>/g, "")) && !/\p{Script=Han}/u.test(zh),
    );
    expect(untranslated).toEqual([]);
  });

  it("contain every message id the code uses, and nothing the code doesn't", () => {
    const called = new Set<string>();
    const literal = new Set<string>();
    for (const file of SOURCES.flatMap(sourceFiles)) {
      const ids = usedIds(readFileSync(join(ROOT, file), "utf8"));
      ids.called.forEach((id) => called.add(id));
      ids.literal.forEach((id) => literal.add(id));
    }
    expect(called.size).toBeGreaterThan(100);
    expect([...called, ...literal].filter((id) => !(id in english))).toEqual([]);
    expect(Object.keys(english).filter((id) => !called.has(id) && !literal.has(id))).toEqual([]);
  });

  it("are where the storefront's text comes from: no English typed into its pages, components or themes", () => {
    expect(SHOPPER_FILES.length).toBeGreaterThan(50);
    expect(SHOPPER_FILES.flatMap((file) => englishInSource(file, readFileSync(join(ROOT, file), "utf8")))).toEqual([]);
    // The check sees each kind of English it looks for.
    const typed = `const seo = { title: "Your account" };
      export const Page = () => <p title="Help">Hello <b>{"there"}</b> {\`Order \${n}\`} <Field label={"Email"} /></p>;`;
    expect(englishInSource("x.tsx", typed).map((line) => line.slice(7))).toEqual(["Your account", "Help", "Hello", "there", "Order", "Email"]);
  });
});
