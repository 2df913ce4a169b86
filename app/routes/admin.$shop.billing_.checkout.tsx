import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { platformOrigin } from "../../server/config.ts";
import { describePlan, findPlan, payWithTestGateway } from "../domain.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Checkout (test gateway) · Bazaar admin" }];

/**
 * The test gateway's stand-in for Stripe Checkout in subscription mode: the owner confirms, the gateway "charges" a
 * test card and reports `invoice.paid`, and the shop's billing changes as it would on Stripe's webhook.
 */
async function requirePlan(args: LoaderFunctionArgs) {
  const admin = await requireShopAdmin(args.context, args.request, args.params.shop, "billing", "billing");
  const plan = await findPlan(args.context.services.db, new URL(args.request.url).searchParams.get("plan") ?? "");
  if (!plan) throw redirect(`/admin/${admin.shop.slug}/billing`);
  return { ...admin, plan };
}

export async function loader(args: LoaderFunctionArgs) {
  const { shop, plan } = await requirePlan(args);
  return { shop: { slug: shop.slug, name: shop.name }, plan: describePlan(plan) };
}

export async function action(args: ActionFunctionArgs) {
  const { shop, plan } = await requirePlan(args);
  const { context } = args;
  await payWithTestGateway(context.services.db, shop, plan.id, {
    platformOrigin: platformOrigin(context.services.config),
    send: context.services.deliverMail,
    registry: context.services.registry,
  });
  throw redirect(`/admin/${shop.slug}/billing?paid=1`);
}

export default function TestCheckout() {
  const { shop, plan } = useLoaderData<typeof loader>();
  return (
    <main className="page-stack">
      <h1>Checkout</h1>
      <section className="card stack" aria-labelledby="checkout-heading">
        <h2 id="checkout-heading">
          {plan.name} plan for {shop.name}
        </h2>
        <p>
          {plan.price} a month, and a {plan.fee} fee on each sale. {plan.products}, {plan.staff.toLowerCase()}.
        </p>
        <p className="muted">Test gateway: no real card is charged. With Stripe configured, this step is Stripe Checkout.</p>
        <Form method="post">
          <button type="submit">Pay {plan.price} with the test card</button>
        </Form>
        <p>
          <Link to={`/admin/${shop.slug}/billing`}>Back to Plan &amp; billing</Link>
        </p>
      </section>
    </main>
  );
}
