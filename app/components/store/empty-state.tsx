export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="store-empty">
      <p className="store-empty-title">{title}</p>
      {children}
    </div>
  );
}
