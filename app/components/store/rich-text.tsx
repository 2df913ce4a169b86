/** Merchant HTML that was sanitised on save (shop/html.server.ts). Never pass anything else. */
export function RichText({ html, className = "" }: { html: string; className?: string }) {
  if (!html) return null;
  return <div className={`rte ${className}`.trim()} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** Plain text with blank lines as paragraph breaks, rendered as text (escaped by React). */
export function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p, i) => (
          <p key={i}>{p}</p>
        ))}
    </>
  );
}
