import { isRouteErrorResponse, useRouteError } from "@remix-run/react";

/**
 * Inside the admin layout: a refused section (403) or a missing object (404)
 * keeps the shop's navigation around instead of replacing the whole page.
 */
export function AdminErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 403 ? "Not available to your role" : status === 404 ? "Not found" : "Something went wrong";
  const message =
    status === 403
      ? "Your role in this shop doesn't include this section. Ask the shop's owner if you need access."
      : status === 404
        ? "There is nothing at this address in this shop."
        : "Please try again in a moment.";
  return (
    <main className="wide">
      <div role="alert">
        <h1>{title}</h1>
        <p>{message}</p>
      </div>
    </main>
  );
}
