import { Link, useLocation } from "@remix-run/react";

/** "Page 2 of 5" with previous/next links that keep the list's search, filters and sort. */
export function ListPagination({ page, pageCount, total, noun }: { page: number; pageCount: number; total: number; noun: string }) {
  const location = useLocation();
  const to = (target: number) => {
    const params = new URLSearchParams(location.search);
    params.delete("index");
    params.set("page", String(target));
    return `${location.pathname}?${params}`;
  };
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : null}
      <span className="muted">{`${total} ${noun}${total === 1 ? "" : "s"} · page ${Math.min(page, pageCount)} of ${pageCount}`}</span>
      {page < pageCount ? (
        <Link to={to(page + 1)} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}
