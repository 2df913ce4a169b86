import { Link, useLocation } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";

/** Previous/next links that keep the other query parameters (`?page=N`). */
export function Pagination({ page, hasNext }: { page: number; hasNext: boolean }) {
  const location = useLocation();
  const intl = useIntl();
  if (page <= 1 && !hasNext) return null;
  const to = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete("page");
    else params.set("page", String(n));
    const query = params.toString();
    return `${location.pathname}${query ? `?${query}` : ""}`;
  };
  return (
    <nav className="pagination" aria-label={intl.formatMessage({ id: "pagination.label" })}>
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev" className="button-secondary">
          <FormattedMessage id="pagination.previous" />
        </Link>
      ) : (
        <span />
      )}
      <span className="pagination-current">
        <FormattedMessage id="pagination.current" values={{ page }} />
      </span>
      {hasNext ? (
        <Link to={to(page + 1)} rel="next" className="button-secondary">
          <FormattedMessage id="pagination.next" />
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
