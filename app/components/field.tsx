/** The attributes that tie a Field's control to its error, or to its hint when the Field shows one. */
export function fieldAria(name: string, error?: string, hasHint = false) {
  return { "aria-invalid": Boolean(error), "aria-describedby": error ? `${name}-error` : hasHint ? `${name}-hint` : undefined };
}

/** A labelled form control with its error or hint, wired up for screen readers. */
export function Field({ label, name, error, hint, children }: { label: string; name: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={name}>{label}</label>
      {children}
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
