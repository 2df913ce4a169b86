import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { storefrontIntl } from "../../shop/storefront-language.ts";
import { PasswordPage } from "../components/store/password-page.tsx";
import { storefrontStylesheets, type StylesheetsHandle } from "../components/store/stylesheets.ts";
import { passwordMatches } from "../domain.server.ts";
import { storefrontPasswordForm } from "../utils/account-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { loadPasswordPage, readStorefront, shopperTooManyAttempts, storefrontSecurityHeaders } from "../utils/storefront.server.ts";

// /password on a shop's host: the "Opening soon" page and its password form, until the shop launches.
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? storefrontIntl(data.page.language).formatMessage({ id: "password.metaTitle" }, { shopName: data.page.shopName }) : "Opening soon" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // "Exit preview" from the preview bar: forget the preview (or password) grant on this host.
  if (new URL(request.url).searchParams.has("exit_preview")) {
    throw redirect("/", { headers: { "Set-Cookie": await context.services.storefrontAccess.clearAccessCookie() } });
  }
  const storefront = await readStorefront(context, request);
  if (storefront.unlocked) throw redirect("/");
  return data({ page: await loadPasswordPage(context, storefront) }, { headers: storefrontSecurityHeaders(context, storefront) });
}

export const handle: StylesheetsHandle<SerializeFrom<typeof loader>> = {
  stylesheets: (data) => storefrontStylesheets(data?.page.themeId),
  language: (data) => data?.page.language,
};

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => (actionHeaders.has("Content-Security-Policy") ? actionHeaders : loaderHeaders);

export async function action({ request, context }: ActionFunctionArgs) {
  const storefront = await readStorefront(context, request);
  if (storefront.unlocked) throw redirect("/");
  const { shop, settings } = storefront;
  const { limits } = context.services;
  // Per shop and visitor address, so one guesser can't lock everyone else out.
  const account = `storefront:${shop.id}`;
  const headers = storefrontSecurityHeaders(context, storefront);
  const gate = await limits.guardLogin(account, context.clientAddress);
  if (!gate.ok) return data({ error: shopperTooManyAttempts(storefront.intl, gate) }, { status: 429, headers });
  const parsed = await readForm(request, storefrontPasswordForm);
  // Refused or not, what was typed is checked against the password: the message is the shop's language's.
  const typed = parsed.ok ? parsed.value.password : (parsed.values.password ?? "");
  if (!passwordMatches(typed, settings.storefront_password)) {
    return data({ error: storefront.intl.formatMessage({ id: typed ? "password.wrong" : "password.missing" }) }, { status: 400, headers });
  }
  await limits.loginSucceeded(account, context.clientAddress);
  throw redirect("/", {
    headers: { "Set-Cookie": await context.services.storefrontAccess.passwordCookie(shop.id, settings.storefront_password!) },
  });
}

export default function Password() {
  const { page } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <PasswordPage page={page} error={actionData?.error} />;
}
