import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import {
  addProductsToCollection,
  CollectionValidationError,
  deleteCollection,
  findProducts,
  getCollection,
  isRecordId,
  listCollectionProducts,
  moneyStyle,
  moveProductInCollection,
  parentChoices,
  removeProductFromCollection,
  RULE_RELATIONS,
  ruleInputs,
  saveCollection,
  StaleEditError,
} from "../domain.server.ts";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { CollectionForm } from "../components/admin/collection-form.tsx";
import { CollectionProducts } from "../components/admin/collection-products.tsx";
import {
  collectionInput,
  collectionResult,
  readCollectionForm,
  ruleRowIntent,
  staleCollection,
  type CollectionDraft,
} from "../utils/collection-editor.server.ts";
import { requireShopAdmin, type ShopAdmin } from "../utils/guards.server.ts";
import styles from "../styles/catalogue.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.draft.title ?? "Collection"} · Collections · Bazaar admin` }];

const PAGE_SIZE = 50;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  // This shop's schema only: an id from another shop finds nothing (or this shop's own collection).
  const collection = await getCollection(db, params.id ?? "");
  if (!collection) throw new Response("Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const page = Math.max(1, Math.min(Number.parseInt(search.get("page") ?? "1", 10) || 1, 100_000));
  const find = (search.get("find") ?? "").trim().slice(0, 200);
  const [parents, { currency, locale }, listed] = await Promise.all([
    parentChoices(db, collection.id),
    moneyStyle(db),
    listCollectionProducts(db, collection, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
  ]);
  let candidates: { id: string; title: string; handle: string; status: string; inCollection: boolean }[] = [];
  if (collection.kind === "manual" && find) {
    const found = await findProducts(db, find, 30);
    const members = found.length
      ? new Set(
          (
            await db
              .selectFrom("collection_products")
              .select("product_id")
              .where("collection_id", "=", collection.id)
              .where(
                "product_id",
                "in",
                found.map((p) => p.id),
              )
              .execute()
          ).map((r) => r.product_id),
        )
      : new Set<string>();
    candidates = found.map((p) => ({ ...p, inCollection: members.has(p.id) }));
  }
  const draft: CollectionDraft = {
    title: collection.title,
    handle: collection.handle,
    descriptionHtml: collection.descriptionHtml,
    kind: collection.kind,
    rulesMatch: collection.rulesMatch,
    parentId: collection.parentId ?? "",
    seoTitle: collection.seoTitle,
    seoDescription: collection.seoDescription,
    rules: ruleInputs(collection.rules, locale),
    version: String(collection.version),
  };
  return {
    shopSlug: shop.slug,
    collectionId: collection.id,
    kind: collection.kind,
    draft,
    parents,
    relations: RULE_RELATIONS,
    currency,
    notice: search.has("created") ? "Collection created." : search.has("saved") ? "Collection saved." : null,
    revision: `${collection.id}@${collection.updatedAt.toISOString()}`,
    products: listed.products,
    total: listed.total,
    page,
    pageCount: Math.max(1, Math.ceil(listed.total / PAGE_SIZE)),
    find,
    candidates,
  };
}

/** Adding, removing and moving products: they happen at once, with a note, and leave the details form alone. */
async function productIntent(
  intent: string,
  form: FormData,
  { db, actor, id }: Pick<ShopAdmin, "db" | "actor"> & { id: string },
): Promise<{ productErrors: Record<string, string>; productNotice: string | null } | null> {
  if (intent === "add-products") {
    const ids = form.getAll("ids").map(String);
    if (!ids.length) return { productErrors: { ids: "Tick the products to add first." }, productNotice: null };
    const added = await addProductsToCollection(db, actor, id, ids);
    return { productErrors: {}, productNotice: `Added ${added} product${added === 1 ? "" : "s"}.` };
  }
  const [verb, productId] = intent.split(":");
  if (!isRecordId(productId)) return null;
  if (verb === "remove") {
    await removeProductFromCollection(db, actor, id, productId);
    return { productErrors: {}, productNotice: "Product removed from the collection." };
  }
  if (verb === "move-up" || verb === "move-down") {
    await moveProductInCollection(db, actor, id, productId, verb === "move-up" ? "up" : "down");
    return { productErrors: {}, productNotice: null };
  }
  return null;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const id = params.id ?? "";
  if (!isRecordId(id) || !(await db.selectFrom("collections").select("id").where("id", "=", id).executeTakeFirst())) {
    throw new Response("Not found", { status: 404 });
  }
  const form = await request.formData();
  // The product list has forms of its own (no version, no draft); deleting needs no draft either.
  const intent = String(form.get("intent") ?? "save");
  const read = readCollectionForm(form, { editing: true });
  try {
    const productResult = await productIntent(intent, form, { db, actor, id });
    if (productResult) return data(productResult, { status: Object.keys(productResult.productErrors).length ? 400 : 200 });
    if (intent === "delete") {
      await deleteCollection(db, actor, id);
      throw redirect(`/admin/${shop.slug}/collections?deleted=1`);
    }
    if (!read.ok) return collectionResult(read.draft, read.errors, null, 400);
    const changed = ruleRowIntent(read.intent, read.draft);
    if (changed) return collectionResult(changed, {}, null);
    if (read.intent !== "save") return collectionResult(read.draft, { collection: "Unknown action." }, null, 400);
    await saveCollection(db, actor, collectionInput(read.draft), id, { expectedVersion: read.version });
    throw redirect(`/admin/${shop.slug}/collections/${id}?saved=1`);
  } catch (error) {
    if (error instanceof StaleEditError) return staleCollection(read.draft, error);
    if (!(error instanceof CollectionValidationError)) throw error;
    if (intent === "save") return collectionResult(read.draft, error.errors, null, 400);
    return data({ productErrors: error.errors, productNotice: null }, { status: 400 });
  }
}

export default function EditCollection() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formResult = result && "draft" in result ? result : null;
  const productResult = result && "productErrors" in result ? result : null;
  return (
    <main className="catalogue">
      <CollectionForm
        shopSlug={loaded.shopSlug}
        collectionId={loaded.collectionId}
        draft={formResult?.draft ?? loaded.draft}
        errors={formResult?.errors ?? {}}
        notice={formResult ? formResult.notice : productResult ? null : loaded.notice}
        revision={formResult?.revision ?? loaded.revision}
        parents={loaded.parents}
        relations={loaded.relations}
        currency={loaded.currency}
      />
      <CollectionProducts
        shopSlug={loaded.shopSlug}
        kind={loaded.kind}
        products={loaded.products}
        total={loaded.total}
        page={loaded.page}
        pageCount={loaded.pageCount}
        find={loaded.find}
        candidates={loaded.candidates}
        errors={productResult?.productErrors ?? {}}
        notice={productResult?.productNotice ?? null}
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
