import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FULFILLMENT_LABELS, OrderDate, PAYMENT_LABELS } from "../components/store/account-orders.tsx";
import { OrderSummary } from "../components/store/order-summary.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { findOrderByStatusToken } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /orders/:token: the order status page ("Thank you"), reached after paying, from the confirmation email and
// from the shopper's account. The unguessable token is the key; no account is needed.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shopper, headers } = await shopperContext(context, request);
  const order = await findOrderByStatusToken(db, params.token);
  if (!order) throw new Response("Not found", { status: 404, headers });
  const firstName = (order.shippingAddress?.name ?? "").trim().split(/\s+/)[0] ?? "";
  return data(
    {
      order,
      firstName,
      signedIn: Boolean(shopper),
      seo: { title: `Order #${order.number}`, description: `Order #${order.number}`, path: `/orders/${params.token}`, noindex: true },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function OrderStatus() {
  const { order, firstName, signedIn } = useLoaderData<typeof loader>();
  const shipped = order.fulfillments.at(-1);
  return (
    <div className="store-page order-status-page">
      <PageHeader title={firstName ? `Thank you, ${firstName}!` : "Thank you!"}>
        <p className="order-number">{`Order #${order.number}`}</p>
        <p className="muted">
          Placed on <OrderDate date={order.createdAt} />
          {order.email ? ` · A confirmation was sent to ${order.email}.` : null}
        </p>
      </PageHeader>
      <p className="order-status">
        {order.cancelledAt ? (
          <>
            <strong>Cancelled</strong> on <OrderDate date={order.cancelledAt} />
          </>
        ) : (
          <>
            <strong>{PAYMENT_LABELS[order.financialStatus]}</strong> · {FULFILLMENT_LABELS[order.fulfillmentStatus]}
          </>
        )}
      </p>
      {shipped ? (
        <p className="order-tracking">
          Shipped on <OrderDate date={shipped.at} />
          {shipped.trackingNumber ? ` · ${shipped.carrier ? `${shipped.carrier} ` : ""}tracking number ${shipped.trackingNumber}` : null}
        </p>
      ) : null}
      <OrderSummary order={order} />
      <p>
        <Link to="/collections/all" className="button">
          Continue shopping
        </Link>{" "}
        {signedIn ? <Link to="/account">Your orders</Link> : null}
      </p>
    </div>
  );
}
