import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { OrderDate, OrderState } from "../components/store/account-orders.tsx";
import { OrderSummary } from "../components/store/order-summary.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { findOrderByStatusToken } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, shopperContext } from "../utils/shopper.server.ts";

// /orders/:token: the order status page ("Thank you"), reached after paying, from the confirmation email and
// from the shopper's account. The unguessable token is the key; no account is needed.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shopper, headers, intl } = await shopperContext(context, request);
  const order = await findOrderByStatusToken(db, params.token);
  if (!order) throw new Response("Not found", { status: 404, headers });
  const firstName = (order.shippingAddress?.name ?? "").trim().split(/\s+/)[0] ?? "";
  return data(
    {
      order,
      firstName,
      signedIn: Boolean(shopper),
      seo: {
        title: intl.formatMessage({ id: "order.title" }, { number: order.number }),
        description: intl.formatMessage({ id: "order.title" }, { number: order.number }),
        path: `/orders/${params.token}`,
        noindex: true,
      },
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
  const intl = useIntl();
  return (
    <div className="store-page order-status-page">
      <PageHeader title={firstName ? intl.formatMessage({ id: "order.thanksName" }, { name: firstName }) : intl.formatMessage({ id: "order.thanks" })}>
        <p className="order-number">{intl.formatMessage({ id: "order.title" }, { number: order.number })}</p>
        <p className="muted">
          <FormattedMessage id="order.placedOn" values={{ date: <OrderDate date={order.createdAt} /> }} />
          {order.email ? intl.formatMessage({ id: "order.confirmationSent" }, { email: order.email }) : null}
        </p>
      </PageHeader>
      <p className="order-status">
        <OrderState order={order} />
      </p>
      {shipped ? (
        <p className="order-tracking">
          <FormattedMessage id="order.shippedOn" values={{ date: <OrderDate date={shipped.at} /> }} />
          {shipped.trackingNumber
            ? shipped.carrier
              ? intl.formatMessage({ id: "order.tracking" }, { carrier: shipped.carrier, number: shipped.trackingNumber })
              : intl.formatMessage({ id: "order.trackingNoCarrier" }, { number: shipped.trackingNumber })
            : null}
        </p>
      ) : null}
      <OrderSummary order={order} />
      <p>
        <Link to="/collections/all" className="button">
          <FormattedMessage id="cart.continueShopping" />
        </Link>{" "}
        {signedIn ? (
          <Link to="/account">
            <FormattedMessage id="order.yourOrders" />
          </Link>
        ) : null}
      </p>
    </div>
  );
}
