import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { listThemes, publishTheme, UnknownThemeError } from "../domain.server.ts";
import { publishThemeForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/themes.css";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Themes · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "themes");
  return { slug: shop.slug, storefrontUrl: shopOrigin(context.services.config, shop.slug), themes: await listThemes(db) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor } = await requireShopAdmin(context, request, params.shop, "themes");
  const parsed = await readForm(request, publishThemeForm);
  if (!parsed.ok) throw new Response("Not found", { status: 404 });
  const themeId = parsed.value.theme;
  try {
    await publishTheme(db, actor, themeId);
  } catch (error) {
    if (error instanceof UnknownThemeError) throw new Response("Not found", { status: 404 });
    throw error;
  }
  return { published: themeId };
}

export default function Themes() {
  const { slug, storefrontUrl, themes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const live = themes.find((t) => t.live);
  return (
    <main>
      <div className="page-head">
        <h1>Themes</h1>
        <a className="button secondary" href={`/admin/${slug}/themes/preview`} target="_blank" rel="noreferrer">
          Preview shop
        </a>
      </div>
      {result?.published ? (
        <p className="flash" role="status">
          {themes.find((t) => t.id === result.published)?.name} is now live on {storefrontUrl}.
        </p>
      ) : null}
      <p className="hint">Your storefront uses {live?.name}. Customize a theme's colours, fonts and home page, preview it, then publish it.</p>
      <ul className="theme-list">
        {themes.map((theme) => (
          <li key={theme.id} className={`card theme-card theme-swatch-${theme.id}`}>
            <div className="theme-card-swatch" aria-hidden="true">
              <span />
              <span />
              <span />
            </div>
            <h2>
              {theme.name} {theme.live ? <span className="status">Live</span> : null}
            </h2>
            <p>{theme.description}</p>
            <p className="hint">
              {theme.publishedAt ? `Published ${new Date(theme.publishedAt).toLocaleDateString("en-GB")}` : "Never published"}
              {theme.unpublishedChanges ? " · unpublished changes" : ""}
            </p>
            <div className="toolbar">
              <Link className="button" to={`/admin/${slug}/themes/${theme.id}`}>
                Customize<span className="visually-hidden"> {theme.name}</span>
              </Link>
              <a className="button secondary" href={`/admin/${slug}/themes/preview?theme=${theme.id}`} target="_blank" rel="noreferrer">
                Preview<span className="visually-hidden"> {theme.name}</span>
              </a>
              {/* The default theme is live before anyone publishes it: publishing it is how a merchant picks it. */}
              {theme.live && theme.publishedAt && !theme.unpublishedChanges ? null : (
                <Form method="post">
                  <input type="hidden" name="theme" value={theme.id} />
                  <button type="submit" className="secondary">
                    Publish<span className="visually-hidden"> {theme.name}</span>
                  </button>
                </Form>
              )}
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}
