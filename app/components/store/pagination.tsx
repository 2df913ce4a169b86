import { Link, useLocation } from "@remix-run/react";

/** Previous/next links that keep the other query parameters (`?page=N`). */
export function Pagination({ page, hasNext }: { page: number; hasNext: boolean }) {
  const location = useLocation();
  if (page <= 1 && !hasNext) return null;
  const to = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete("page");
    else params.set("page", String(n));
    const query = params.toString();
    return `${location.pathname}${query ? `?${query}` : ""}`;
  };
  return (
    <nav className="pagination" aria-label="Pagination">
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev" className="button-secondary">
          Previous page
        </Link>
      ) : (
        <span />
      )}
      <span className="pagination-current">Page {page}</span>
      {hasNext ? (
        <Link to={to(page + 1)} rel="next" className="button-secondary">
          Next page
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
