import type { LinksFunction } from "@remix-run/node";
import { useEffect } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useMatches, useRouteError } from "@remix-run/react";
import type { StylesheetsHandle } from "./components/store/stylesheets.ts";
import platformStyles from "./styles/app.css";
import { useNonce } from "./utils/nonce.ts";

export const links: LinksFunction = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

/** The stylesheets the matched routes ask for (a storefront page: its base and theme), or none for a platform page. */
function useThemedStylesheets(): string[] {
  const hrefs = useMatches().flatMap((match) => (match.handle as Partial<StylesheetsHandle> | undefined)?.stylesheets?.(match.data) ?? []);
  return [...new Set(hrefs)];
}

/** The language a matched storefront route names (its shop's), or English: the platform's pages are in English. */
function usePageLanguage(): string {
  const named = useMatches().map((match) => (match.handle as Partial<StylesheetsHandle> | undefined)?.language?.(match.data));
  return named.findLast(Boolean) ?? "en";
}

export function Layout({ children }: { children: React.ReactNode }) {
  const themed = useThemedStylesheets();
  const nonce = useNonce();
  const language = usePageLanguage();
  // Says when the page has come to life: a browser check (or a script) waits for this, not for a quiet network.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {/* The platform's base goes first, for its pages' own stylesheets to refine. */}
        {themed.length ? null : <link rel="stylesheet" href={platformStyles} />}
        <Links />
        {/* A storefront's base and theme go last: the theme has the final say over the shared pages' styles. Rendered
            here, in the layout that stays, they stay linked across client-side navigation, so nothing flashes unstyled. */}
        {themed.map((href) => (
          <link key={href} rel="stylesheet" href={href} />
        ))}
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <main className="narrow">
      <title>{status === 404 ? "Not found" : "Something went wrong"}</title>
      <h1>{status === 404 ? "Page not found" : "Something went wrong"}</h1>
      <p>{status === 404 ? "There is nothing at this address." : "Please try again in a moment."}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </main>
  );
}
