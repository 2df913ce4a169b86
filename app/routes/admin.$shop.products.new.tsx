import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { emptyProductDraft, moneyStyle } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { ProductEditor } from "../components/admin/product-editor.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { productEditorAction } from "../utils/product-editor.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Add product · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  return { shopSlug: shop.slug, ...(await moneyStyle(db)), draft: emptyProductDraft() };
}

export function action(args: ActionFunctionArgs) {
  return productEditorAction(args);
}

export default function NewProduct() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="catalogue">
      <ProductEditor
        shopSlug={loaded.shopSlug}
        currency={loaded.currency}
        locale={loaded.locale}
        draft={result?.draft ?? loaded.draft}
        errors={result?.errors ?? {}}
        notice={result?.notice ?? null}
        revision={result?.revision ?? "new"}
        images={[]}
        saved={false}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
