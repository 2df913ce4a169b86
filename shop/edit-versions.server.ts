// Optimistic concurrency for every editor (docs/decisions/035-edit-versions.md): a row carries a version, a form
// carries the version it was opened on (the shared `editVersion` field), and a save compares the two on the row it
// has locked in its transaction, raises the version, or refuses with StaleEditError and changes nothing.

/** A field whose saved value differs from what the form sends: its label, and the saved value when short enough to quote. */
export interface SavedChange {
  label: string;
  saved?: string;
}

/** The row changed since the form was opened: nothing was saved. */
export class StaleEditError extends Error {
  constructor(
    /** What the form edits, as a sentence starts: "This collection", "The settings on this page". */
    readonly subject: string,
    readonly currentVersion: number,
    /** When the newer version was saved (null where the row keeps no time). */
    readonly changedAt: Date | null,
    readonly changes: SavedChange[] = [],
  ) {
    super(`${subject} changed since the form was opened`);
  }
}

/** A saved value worth quoting in a sentence: short text or a number. */
function quotable(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string" && value.length <= 80 && !value.includes("<")) return value;
  return undefined;
}

/** The labelled fields in which `mine` (what this save would write) differs from `saved` (the locked row). */
export function changedFields<Row>(labels: Partial<Record<keyof Row & string, string>>, mine: Partial<Row>, saved: Row): SavedChange[] {
  // jsonb keeps an object's keys in its own order: compare objects with their keys sorted.
  const key = (value: unknown) =>
    JSON.stringify(value, (_name, v: unknown) =>
      typeof v === "bigint"
        ? String(v)
        : v && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
          : v,
    );
  return (Object.entries(labels) as [keyof Row & string, string][])
    .filter(([field]) => field in mine && key(mine[field]) !== key(saved[field]))
    .map(([field, label]) => ({ label, saved: quotable(saved[field]) }));
}

/**
 * Checks a save against the row it locked (`for update`, in the save's transaction). `expected` is the version the
 * form was opened on; undefined skips the check (a caller that isn't a form, such as an import). A newer row refuses
 * the save only when it would change something the other save left differently: writing what is already saved
 * loses nothing, so it goes through.
 */
export function checkVersion(subject: string, row: { version: number; updated_at?: Date }, expected: number | undefined, changes: () => SavedChange[]): void {
  if (expected === undefined || row.version === expected) return;
  const differing = changes();
  if (differing.length) throw new StaleEditError(subject, row.version, row.updated_at ?? null, differing);
}

/** The message a refused form shows above what the person typed, which it keeps. */
export function staleEditMessage(
  error: StaleEditError,
  { note = "", changes: listed = error.changes }: { note?: string; changes?: SavedChange[] } = {},
): string {
  const at = error.changedAt ? ` (saved at ${error.changedAt.toISOString().slice(11, 16)} UTC${note})` : "";
  const changes = listed.map((c) => (c.saved === undefined ? c.label : c.saved === "" ? `${c.label} (now empty)` : `${c.label} (now “${c.saved}”)`));
  return (
    `${error.subject} changed since you opened it${at}. Nothing was saved. ` +
    (changes.length ? `The saved version differs from yours in: ${changes.join(", ")}. ` : "") +
    "Your changes are still below: save again to replace the saved version with them, or reload the page to start from it."
  );
}
