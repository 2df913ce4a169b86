import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CollectionValidationError, moneyStyle, parentChoices, RULE_RELATIONS, saveCollection } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { CollectionForm } from "../components/admin/collection-form.tsx";
import { collectionInput, collectionResult, emptyRule, readCollectionForm, ruleRowIntent, type CollectionDraft } from "../utils/collection-editor.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Add collection · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const draft: CollectionDraft = {
    title: "",
    handle: "",
    descriptionHtml: "",
    kind: "manual",
    rulesMatch: "all",
    parentId: "",
    seoTitle: "",
    seoDescription: "",
    rules: [emptyRule()],
    version: "",
  };
  return { shopSlug: shop.slug, draft, parents: await parentChoices(db), relations: RULE_RELATIONS, currency: (await moneyStyle(db)).currency };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const read = readCollectionForm(await request.formData(), { editing: false });
  if (!read.ok) return collectionResult(read.draft, read.errors, null, 400);
  const { intent, draft } = read;
  const changed = ruleRowIntent(intent, draft);
  if (changed) return collectionResult(changed, {}, null);
  if (intent !== "save") return collectionResult(draft, { collection: "Unknown action." }, null, 400);
  try {
    const saved = await saveCollection(db, actor, collectionInput(draft));
    throw redirect(`/admin/${shop.slug}/collections/${saved.id}?created=1`);
  } catch (error) {
    if (error instanceof CollectionValidationError) return collectionResult(draft, error.errors, null, 400);
    throw error;
  }
}

export default function NewCollection() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="catalogue">
      <CollectionForm
        shopSlug={loaded.shopSlug}
        draft={result?.draft ?? loaded.draft}
        errors={result?.errors ?? {}}
        notice={result?.notice ?? null}
        revision={result?.revision ?? "new"}
        parents={loaded.parents}
        relations={loaded.relations}
        currency={loaded.currency}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
