import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { DiscountForm } from "../components/admin/discount-form.tsx";
import { discountFieldsFromForm, discountForm, discountTargets, moneyStyle, saveDiscount, type DiscountErrors, type DiscountFields } from "../domain.server.ts";
import { readForm } from "../utils/forms.server.ts";
import styles from "../styles/sales.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "New discount · Bazaar admin" }];

const BLANK: DiscountFields = {
  code: "",
  kind: "percentage",
  value: "",
  appliesTo: "order",
  collectionIds: [],
  productIds: [],
  minSubtotal: "",
  startsAt: "",
  endsAt: "",
  usageLimit: "",
  perCustomerLimit: "",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "discounts");
  const style = await moneyStyle(db);
  const { currency } = style;
  const targets = await discountTargets(db, { collectionIds: [], productIds: [] });
  return { slug: shop.slug, currency, locale: style.locale, ...targets };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "discounts");
  const style = await moneyStyle(db);
  const parsed = await readForm(request, discountForm);
  const fields = discountFieldsFromForm(parsed.form);
  if (!parsed.ok) return data({ errors: parsed.errors as DiscountErrors, fields }, { status: 400 });
  const result = await saveDiscount(db, actor, parsed.value, style);
  if (!result.ok) return data({ errors: result.errors, fields }, { status: 400 });
  throw redirect(`/admin/${shop.slug}/discounts/${result.id}?saved=created`);
}

export default function NewDiscount() {
  const { slug, currency, locale, collections, products } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <main>
      <Link className="back" to={`/admin/${slug}/discounts`}>
        ← Discounts
      </Link>
      <div className="page-head">
        <h1>New discount code</h1>
      </div>
      <DiscountForm
        fields={actionData?.fields ?? BLANK}
        errors={actionData?.errors ?? {}}
        currency={currency}
        locale={locale}
        collections={collections}
        products={products}
        submitLabel="Create discount"
      />
    </main>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
