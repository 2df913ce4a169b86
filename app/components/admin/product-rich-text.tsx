import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { StarterKit } from "@tiptap/starter-kit";
import { useState } from "react";
import { useHydrated } from "../../utils/use-hydrated.ts";

/** Elements the sanitiser keeps but the visual editor would drop: such HTML opens as HTML, so nothing is lost. */
const VISUAL_EDITOR_DROPS = /<(img|table|thead|tbody|tr|th|td|sub|sup)\b/i;

type Command = { name: string; label: string; run(editor: Editor): void; active?: (editor: Editor) => boolean };

const COMMANDS: Command[] = [
  { name: "Heading", label: "Heading", run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(), active: (e) => e.isActive("heading", { level: 2 }) },
  { name: "Bold", label: "B", run: (e) => e.chain().focus().toggleBold().run(), active: (e) => e.isActive("bold") },
  { name: "Italic", label: "I", run: (e) => e.chain().focus().toggleItalic().run(), active: (e) => e.isActive("italic") },
  { name: "Bulleted list", label: "• List", run: (e) => e.chain().focus().toggleBulletList().run(), active: (e) => e.isActive("bulletList") },
  { name: "Numbered list", label: "Numbered", run: (e) => e.chain().focus().toggleOrderedList().run(), active: (e) => e.isActive("orderedList") },
  { name: "Quote", label: "“ ”", run: (e) => e.chain().focus().toggleBlockquote().run(), active: (e) => e.isActive("blockquote") },
  {
    name: "Link",
    label: "Link",
    run: (e) => {
      const url = window.prompt("Link address (https://…); leave empty to remove the link", e.getAttributes("link").href ?? "https://");
      if (url === null) return;
      if (!url.trim()) e.chain().focus().extendMarkRange("link").unsetLink().run();
      else e.chain().focus().extendMarkRange("link").setLink({ href: url.trim() }).run();
    },
    active: (e) => e.isActive("link"),
  },
  { name: "Undo", label: "↶", run: (e) => e.chain().focus().undo().run() },
  { name: "Redo", label: "↷", run: (e) => e.chain().focus().redo().run() },
];

/**
 * Rich text as HTML. Without JavaScript: a plain textarea of HTML. With it: a Tiptap editor whose HTML goes in a
 * hidden field, and a switch to the HTML itself. The server sanitises whatever comes (shop/html.server.ts).
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
  const hydrated = useHydrated();
  const describedBy = error ? `${name}-error` : hint ? `${name}-hint` : undefined;
  const message = error ? (
    <p className="error" id={`${name}-error`}>
      {error}
    </p>
  ) : hint ? (
    <p className="hint" id={`${name}-hint`}>
      {hint}
    </p>
  ) : null;
  if (!hydrated)
    return (
      <div className="rich-text">
        <label htmlFor={name}>{label}</label>
        <textarea id={name} name={name} defaultValue={defaultValue} rows={10} spellCheck aria-invalid={Boolean(error)} aria-describedby={describedBy} />
        {message}
      </div>
    );
  return <VisualEditor name={name} label={label} defaultValue={defaultValue} error={error} describedBy={describedBy} message={message} />;
}

function VisualEditor({
  name,
  label,
  defaultValue,
  error,
  describedBy,
  message,
}: {
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  describedBy?: string;
  message: React.ReactNode;
}) {
  const [html, setHtml] = useState(defaultValue);
  const [source, setSource] = useState(VISUAL_EDITOR_DROPS.test(defaultValue));
  const labelId = `${name}-label`;
  const editor = useEditor({
    extensions: [StarterKit.configure({ heading: { levels: [2, 3, 4, 5, 6] }, link: { openOnClick: false, autolink: true }, trailingNode: false })],
    content: defaultValue,
    immediatelyRender: false,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": labelId,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(error ? { "aria-invalid": "true" } : {}),
        class: "rich-text-editor",
      },
    },
    onUpdate: ({ editor }) => setHtml(editor.isEmpty ? "" : editor.getHTML()),
  });
  const active = useEditorState({
    editor,
    selector: ({ editor }) => (editor ? COMMANDS.map((c) => Boolean(c.active?.(editor))) : COMMANDS.map(() => false)),
  });

  function showSource(on: boolean) {
    if (!on && editor) {
      if (VISUAL_EDITOR_DROPS.test(html) && !window.confirm("The visual editor can't keep this HTML's images or tables. Switch anyway and lose them?")) return;
      editor.commands.setContent(html);
    }
    setSource(on);
  }

  return (
    <div className="rich-text">
      {source ? (
        <label htmlFor={name} id={labelId}>
          {label} (HTML)
        </label>
      ) : (
        <label id={labelId}>{label}</label>
      )}
      <div className="rich-text-toolbar" role="toolbar" aria-label={`Format ${label.toLowerCase()}`}>
        {source
          ? null
          : COMMANDS.map((command, n) => (
              <button
                key={command.name}
                type="button"
                className="secondary"
                title={command.name}
                aria-label={command.name}
                aria-pressed={command.active ? Boolean(active?.[n]) : undefined}
                disabled={!editor}
                // The editor keeps focus and selection: the command refocuses it only on the next frame, and keys typed
                // before that went to the button.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => editor && command.run(editor)}
              >
                {command.label}
              </button>
            ))}
        <button type="button" className="secondary rich-text-mode" aria-pressed={source} onClick={() => showSource(!source)}>
          Edit as HTML
        </button>
      </div>
      {source ? (
        <textarea
          id={name}
          name={name}
          value={html}
          rows={10}
          spellCheck
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy}
          onChange={(e) => setHtml(e.target.value)}
        />
      ) : (
        <>
          <EditorContent editor={editor} className="rich-text-content" />
          <input type="hidden" name={name} value={html} />
        </>
      )}
      {message}
    </div>
  );
}
