import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { THEMES } from "../../themes/index.ts";
import { StoreShell } from "../components/store/shell.tsx";
import storefrontStyles from "../styles/storefront.css";
import { loadStoreLayout, requireStorefront, storefrontSecurityHeaders } from "../utils/storefront.server.ts";

// The storefront layout (pathless): every shop page but "/" renders inside it. See themes/README.md.

// The shell links its own theme's stylesheet too; declaring them here lets Remix load them before a client-side
// navigation from "/" (which has its own shell) renders, so nothing flashes unstyled.
export const links = () => [storefrontStyles, ...THEMES.map((t) => t.stylesheet)].map((href) => ({ rel: "stylesheet", href }));

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
