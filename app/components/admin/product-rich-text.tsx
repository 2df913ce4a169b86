import { useEffect, useRef, useState } from "react";
import { useHydrated } from "../../utils/use-hydrated.ts";

const PREVIEW_STYLE = "<style>body{font:15px/1.5 system-ui,sans-serif;color:#1b1f24;margin:.75rem}img{max-width:100%}</style>";

type Wrap = { label: string; title: string; apply(selection: string): string | null };

const WRAPS: Wrap[] = [
  { label: "B", title: "Bold", apply: (s) => `<strong>${s || "bold text"}</strong>` },
  { label: "I", title: "Italic", apply: (s) => `<em>${s || "italic text"}</em>` },
  { label: "Heading", title: "Heading", apply: (s) => `<h2>${s || "Heading"}</h2>` },
  { label: "¶", title: "Paragraph", apply: (s) => `<p>${s || "Paragraph"}</p>` },
  {
    label: "• List",
    title: "Bulleted list",
    apply: (s) =>
      `<ul>\n${(s || "Item")
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => `  <li>${line.trim()}</li>`)
        .join("\n")}\n</ul>`,
  },
  {
    label: "Link",
    title: "Link",
    apply: (s) => {
      const url = window.prompt("Link address (https://…)", "https://");
      if (!url) return null;
      return `<a href="${url.replace(/"/g, "&quot;")}">${s || url}</a>`;
    },
  },
];

/**
 * Rich text as HTML: a plain textarea without JavaScript; with it, a small
 * toolbar and a live preview. The preview is a sandboxed frame (no scripts,
 * own origin), so whatever is typed can't run in the admin. The server
 * sanitises the HTML on save.
 */
export function RichTextField({
  name,
  label,
  defaultValue,
  error,
  hint,
}: {
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  hint?: string;
}) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const hydrated = useHydrated();
  const [html, setHtml] = useState(defaultValue);
  // Whatever was typed before the page hydrated is in the textarea, not in state: start the preview from it.
  useEffect(() => {
    if (hydrated && textarea.current) setHtml(textarea.current.value);
  }, [hydrated]);

  function wrap(w: Wrap) {
    const el = textarea.current;
    if (!el) return;
    const replacement = w.apply(el.value.slice(el.selectionStart, el.selectionEnd));
    if (replacement === null) return;
    el.setRangeText(replacement, el.selectionStart, el.selectionEnd, "end");
    el.focus();
    setHtml(el.value);
  }

  const describedBy = error ? `${name}-error` : hint ? `${name}-hint` : undefined;
  return (
    <div className="rich-text">
      <label htmlFor={name}>{label}</label>
      {hydrated ? (
        <div className="rich-text-toolbar" role="toolbar" aria-label={`Format ${label.toLowerCase()}`}>
          {WRAPS.map((w) => (
            <button key={w.title} type="button" className="secondary" title={w.title} aria-label={w.title} onClick={() => wrap(w)}>
              {w.label}
            </button>
          ))}
        </div>
      ) : null}
      <div className={hydrated ? "rich-text-panes" : undefined}>
        <textarea
          ref={textarea}
          id={name}
          name={name}
          defaultValue={defaultValue}
          rows={10}
          spellCheck
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy}
          onChange={(e) => setHtml(e.target.value)}
        />
        {hydrated ? <iframe className="rich-text-preview" title={`${label} preview`} sandbox="" srcDoc={PREVIEW_STYLE + html} /> : null}
      </div>
      {error ? (
        <p className="error" id={`${name}-error`}>
          {error}
        </p>
      ) : hint ? (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
