import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useIntl } from "react-intl";
import { PageHeader } from "../components/store/page-header.tsx";
import { RichText } from "../components/store/rich-text.tsx";
import { describe, storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { findPolicy, policyTitle } from "../domain.server.ts";
import { requireStorefront } from "../utils/storefront.server.ts";

// /policies/refund-policy, privacy-policy, terms-of-service, shipping-policy: written in the admin's settings.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop, intl } = await requireStorefront(context, request);
  const policy = await findPolicy(db, params.handle ?? "");
  if (!policy) throw new Response("Not found", { status: 404 });
  const title = policyTitle(intl, policy.handle);
  return {
    title,
    bodyHtml: policy.body_html,
    updatedAt: policy.updated_at.toISOString(),
    seo: {
      title,
      description: describe(policy.body_html, intl.formatMessage({ id: "policy.metaDescription" }, { title, shopName: shop.name })),
      path: `/policies/${policy.handle}`,
    },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Policy() {
  const { title, bodyHtml, updatedAt } = useLoaderData<typeof loader>();
  const intl = useIntl();
  const date = intl.formatDate(new Date(updatedAt), { dateStyle: "long", timeZone: "UTC" });
  return (
    <article className="store-page store-page-narrow policy-page">
      <PageHeader title={title} description={intl.formatMessage({ id: "policy.lastUpdated" }, { date })} />
      <RichText html={bodyHtml} />
    </article>
  );
}
