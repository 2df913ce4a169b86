/** The page's one <h1>, with an optional line under it. */
export function PageHeader({ title, description, children }: { title: string; description?: string; children?: React.ReactNode }) {
  return (
    <header className="store-page-head">
      <h1>{title}</h1>
      {description ? <p className="muted">{description}</p> : null}
      {children}
    </header>
  );
}
