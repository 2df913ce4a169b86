import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { parseCheckoutToken, settleStripeReturn } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { checkoutDeps, checkoutGateway } from "../utils/checkout.server.ts";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /checkouts/:token/return: where Stripe sends the shopper after confirming. What happened is asked of Stripe here,
// never read from the address; the webhook may have made the order already, and either way there is one.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await shopperContext(context, request);
  const token = parseCheckoutToken(params.token);
  if (!token) throw new Response("Not found", { status: 404, headers: current.headers });
  const gateway = await checkoutGateway(context, current.shop);
  if (gateway.kind !== "stripe") throw redirect(`/checkouts/${token}`, { headers: current.headers });
  const result = await settleStripeReturn(checkoutDeps(context, current), gateway.stripe, token, new URL(request.url).searchParams.get("payment_intent"));
  if (result.kind === "paid") throw redirect(`/orders/${result.statusToken}`, { headers: current.headers });
  if (result.kind === "failed") throw redirect(`/checkouts/${token}?payment=failed`, { headers: current.headers });
  if (result.kind === "unknown") throw redirect(`/checkouts/${token}`, { headers: current.headers });
  const seo = {
    title: current.intl.formatMessage({ id: "checkout.processing.metaTitle" }),
    description: current.intl.formatMessage({ id: "checkout.processing.title" }),
    path: `/checkouts/${token}/return`,
    noindex: true,
  };
  return data({ token, seo }, { headers: current.headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function PaymentProcessing() {
  const { token } = useLoaderData<typeof loader>();
  const intl = useIntl();
  return (
    <div className="store-page store-page-narrow">
      <PageHeader title={intl.formatMessage({ id: "checkout.processing.title" })} />
      <p>
        <FormattedMessage id="checkout.processing.text" />
      </p>
      <p>
        <Link to={`/checkouts/${token}/return`} className="button">
          <FormattedMessage id="checkout.processing.checkAgain" />
        </Link>
      </p>
    </div>
  );
}
