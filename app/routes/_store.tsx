import type { HeadersFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { data } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { StoreShell } from "../components/store/shell.tsx";
import { storefrontStylesheets, type StylesheetsHandle } from "../components/store/stylesheets.ts";
import { loadStoreLayout, requireStorefront, storefrontSecurityHeaders } from "../utils/storefront.server.ts";

// The storefront layout (pathless): every shop page but "/" renders inside it. See themes/README.md.

export const handle: StylesheetsHandle<SerializeFrom<typeof loader>> = {
  stylesheets: (data) => (data ? storefrontStylesheets(data.store.themeId) : []),
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const storefront = await requireStorefront(context, request);
  const store = await loadStoreLayout(context, request, storefront);
  return data({ store }, { headers: storefrontSecurityHeaders(context, storefront) });
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function StoreLayout() {
  const { store } = useLoaderData<typeof loader>();
  return (
    <StoreShell store={store}>
      <Outlet />
    </StoreShell>
  );
}

/** A missing product or page still shows the shop around the message. */
export function ErrorBoundary() {
  const error = useRouteError();
  const layout = useRouteLoaderData<typeof loader>("routes/_store");
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const message = (
    <div className="store-page store-page-narrow store-error">
      <title>{notFound ? "Page not found" : "Something went wrong"}</title>
      <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
      <p>{notFound ? "There's nothing at this address. It may have moved or sold out for good." : "Please try again in a moment."}</p>
      <p>
        <Link to="/collections/all" className="button">Continue shopping</Link>
      </p>
    </div>
  );
  return layout ? <StoreShell store={layout.store}>{message}</StoreShell> : <main id="main">{message}</main>;
}
