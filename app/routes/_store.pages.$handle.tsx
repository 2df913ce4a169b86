import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHeader } from "../components/store/page-header.tsx";
import { RichText } from "../components/store/rich-text.tsx";
import { describe, storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { findPublishedPage } from "../domain.server.ts";
import { requireStorefront } from "../utils/storefront.server.ts";

// /pages/:handle: the merchant's published content pages (about, FAQ, …).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireStorefront(context, request);
  const page = await findPublishedPage(db, params.handle ?? "");
  if (!page) throw new Response("Not found", { status: 404 });
  return {
    title: page.title,
    bodyHtml: page.body_html,
    seo: {
      title: page.seo_title || page.title,
      description: page.seo_description || describe(page.body_html, `${page.title} · ${shop.name}`),
      path: `/pages/${page.handle}`,
      type: "article" as const,
    },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function ContentPage() {
  const { title, bodyHtml } = useLoaderData<typeof loader>();
  return (
    <article className="store-page store-page-narrow content-page">
      <PageHeader title={title} />
      <RichText html={bodyHtml} />
    </article>
  );
}
