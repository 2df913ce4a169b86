import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { deletePage, getPage, pageEditForm, PageValidationError, savePage, StaleEditError } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { PageForm } from "../components/admin/page-form.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { parseForm } from "../utils/forms.server.ts";
import { pageDraftOf, refusedPage, stalePage, type PageDraft } from "../utils/page-editor.server.ts";
import type { loader as shopAdminLoader } from "./admin.$shop.tsx";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.draft.title ?? "Page"} · Pages · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "pages");
  // This shop's schema only: an id from another shop finds nothing (or this shop's own page).
  const page = await getPage(db, params.id ?? "");
  if (!page) throw new Response("Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const draft: PageDraft = {
    title: page.title,
    handle: page.handle,
    bodyHtml: page.bodyHtml,
    visibility: page.visibility,
    seoTitle: page.seoTitle,
    seoDescription: page.seoDescription,
    version: String(page.version),
  };
  return {
    shopSlug: shop.slug,
    draft,
    notice: search.has("created") ? "Page created." : search.has("saved") ? "Page saved." : null,
    revision: `${page.id}@${page.updatedAt.toISOString()}`,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "pages");
  const id = params.id ?? "";
  if (!(await getPage(db, id))) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  if (intent === "delete") {
    await deletePage(db, actor, id);
    throw redirect(`/admin/${shop.slug}/pages?deleted=1`);
  }
  const parsed = parseForm(form, pageEditForm);
  if (intent !== "save") return refusedPage(pageDraftOf(parsed.ok ? {} : parsed.values), { page: "Unknown action." });
  if (!parsed.ok) return refusedPage(pageDraftOf(parsed.values), parsed.errors);
  try {
    const { version, ...input } = parsed.value;
    await savePage(db, actor, input, id, { expectedVersion: version });
    throw redirect(`/admin/${shop.slug}/pages/${id}?saved=1`);
  } catch (error) {
    if (error instanceof StaleEditError) return stalePage(pageDraftOf(parsed.values), error);
    if (error instanceof PageValidationError) return refusedPage(pageDraftOf(parsed.values), error.errors);
    throw error;
  }
}

export default function EditPage() {
  const loaded = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const layout = useRouteLoaderData<typeof shopAdminLoader>("routes/admin.$shop");
  return (
    <main className="catalogue">
      <PageForm
        shopSlug={loaded.shopSlug}
        draft={refused?.draft ?? loaded.draft}
        errors={refused?.errors ?? {}}
        notice={refused ? null : loaded.notice}
        revision={refused?.revision ?? loaded.revision}
        saved={{ handle: loaded.draft.handle, visible: loaded.draft.visibility === "visible", storefrontUrl: layout?.shop.storefrontUrl ?? null }}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
