import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { shopOrigin } from "../../server/config.ts";
import { draftFromProduct, getProduct, moneyStyle } from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { ProductEditor } from "../components/admin/product-editor.tsx";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { editorImages, IMAGES_NOT_SAVED, productEditorAction } from "../utils/product-editor.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.draft.title ?? "Product"} · Products · Bazaar admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  // Looked up in this shop's schema only: another shop's id finds nothing here (or this shop's own product).
  const product = await getProduct(db, params.id ?? "");
  if (!product) throw new Response("Not found", { status: 404 });
  const [style, images] = await Promise.all([moneyStyle(db), editorImages(db, product.id, shop.slug)]);
  const search = new URL(request.url).searchParams;
  const saved = search.has("created") ? "Product created." : search.has("saved") ? "Product saved." : null;
  const imagesNotSaved = IMAGES_NOT_SAVED[search.get("imagesNotSaved") ?? ""];
  return {
    shopSlug: shop.slug,
    currency: style.currency,
    locale: style.locale,
    draft: draftFromProduct(product, style),
    notice: saved && imagesNotSaved ? imagesNotSaved : saved,
    images,
    revision: `${product.id}@${product.updatedAt.toISOString()}`,
    product: {
      id: product.id,
      handle: product.handle,
      redirects: product.redirects,
      storefrontUrl: shopOrigin(context.services.config, shop.slug),
    },
  };
}

export function action(args: ActionFunctionArgs) {
  return productEditorAction(args, args.params.id ?? "");
}

export default function EditProduct() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="catalogue">
      <ProductEditor
        shopSlug={loaded.shopSlug}
        currency={loaded.currency}
        locale={loaded.locale}
        product={loaded.product}
        draft={result?.draft ?? loaded.draft}
        errors={result?.errors ?? {}}
        notice={result ? result.notice : loaded.notice}
        revision={result?.revision ?? loaded.revision}
        images={result?.images ?? loaded.images}
        saved={!result && loaded.notice !== null}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
