import type { ActionFunctionArgs } from "@remix-run/node";
import { createAccountSession, payoutState, stripeFailure } from "../domain.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

// POST /admin/:shop/payments/session: a client secret for Connect.js's embedded components, for the owner only.
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { shop } = await requireShopAdmin(context, request, params.shop, "payouts");
  const stripe = context.services.stripe;
  const state = stripe ? await payoutState(context.services.db, shop.id) : null;
  if (!stripe || !state) return Response.json({ error: "Set up payments first." }, { status: 400 });
  try {
    return Response.json({ clientSecret: await createAccountSession(stripe.client, state.accountId) });
  } catch (error) {
    const failure = stripeFailure(error);
    if (!failure) throw error;
    return Response.json({ error: failure.message }, { status: failure.status });
  }
}
