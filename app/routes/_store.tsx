import type { HeadersFunction, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { platformOrigin } from "../../server/config.ts";
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useIntl } from "react-intl";
import { DEFAULT_STOREFRONT_LANGUAGE } from "../../shop/storefront-language.ts";
import { StoreIntlProvider } from "../components/store/intl.tsx";
import { storeErrorMeta, StoreNotFound } from "../components/store/not-found.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { StoreShell } from "../components/store/shell.tsx";
import { storefrontStylesheets, type StylesheetsHandle } from "../components/store/stylesheets.ts";
import { requireShop } from "../utils/guards.server.ts";
import { loadStoreLayout, requireStorefront, storefrontSecurityHeaders } from "../utils/storefront.server.ts";

// The storefront layout (pathless): every shop page but "/" renders inside it. See themes/README.md.

export const handle: StylesheetsHandle<SerializeFrom<typeof loader>> = {
  stylesheets: (data) => storefrontStylesheets(data?.store.themeId),
  language: (data) => data?.store.language,
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  // A merchant typing /admin on their shop's address means their admin, on the platform host. Here, before the
  // password gate, because the merchant of a shop not yet launched needs it most; only the catch-all matches it.
  if (/^\/admin(\/|$)/.test(new URL(request.url).pathname)) {
    throw redirect(`${platformOrigin(context.services.config)}/admin/${requireShop(context).shop.slug}`);
  }
  const storefront = await requireStorefront(context, request);
  const store = await loadStoreLayout(context, request, storefront);
  return data({ store }, { headers: storefrontSecurityHeaders(context, storefront) });
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

// Pages name themselves (their meta replaces this one); the layout only names the error pages it draws.
export const meta: MetaFunction<typeof loader> = ({ data, error }) =>
  error ? storeErrorMeta(isNotFound(error) ? "notFound.title" : "error.title", data?.store) : [];

const isNotFound = (error: unknown) => isRouteErrorResponse(error) && error.status === 404;

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
  const message = isNotFound(error) ? <StoreNotFound /> : <StoreError />;
  return layout ? (
    <StoreShell store={layout.store}>{message}</StoreShell>
  ) : (
    <StoreIntlProvider language={DEFAULT_STOREFRONT_LANGUAGE}>
      <main id="main">{message}</main>
    </StoreIntlProvider>
  );
}

function StoreError() {
  const intl = useIntl();
  return (
    <div className="store-page store-page-narrow store-error">
      <PageHeader title={intl.formatMessage({ id: "error.title" })} description={intl.formatMessage({ id: "error.description" })} />
    </div>
  );
}
