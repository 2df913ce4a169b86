import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { pageForm, PageValidationError, savePage } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { PageForm } from "../components/admin/page-form.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { pageDraftOf, refusedPage, type PageDraft } from "../utils/page-editor.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Add page · Pages · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { shop } = await requireShopAdmin(context, request, params.shop, "pages");
  const draft: PageDraft = { title: "", handle: "", bodyHtml: "", visibility: "visible", seoTitle: "", seoDescription: "", version: "" };
  return { shopSlug: shop.slug, draft };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "pages");
  const parsed = await readForm(request, pageForm);
  if (!parsed.ok) return refusedPage(pageDraftOf(parsed.values), parsed.errors);
  try {
    const saved = await savePage(db, actor, parsed.value);
    throw redirect(`/admin/${shop.slug}/pages/${saved.id}?created=1`);
  } catch (error) {
    if (error instanceof PageValidationError) return refusedPage(pageDraftOf(parsed.values), error.errors);
    throw error;
  }
}

export default function NewPage() {
  const loaded = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  return (
    <main className="catalogue">
      <PageForm
        shopSlug={loaded.shopSlug}
        draft={refused?.draft ?? loaded.draft}
        errors={refused?.errors ?? {}}
        notice={null}
        revision={refused?.revision ?? "new"}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
