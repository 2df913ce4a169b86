import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AccountNav } from "../components/store/account-nav.tsx";
import { OrderDate, OrderState } from "../components/store/account-orders.tsx";
import { OrderSummary } from "../components/store/order-summary.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { getShopperOrder } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";

// /account/orders/:number: one of the shopper's own orders; anyone else's is a 404.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shopper, headers, intl } = await requireShopper(context, request);
  const order = await getShopperOrder(db, shopper, params.number);
  if (!order) throw new Response("Not found", { status: 404, headers });
  const title = intl.formatMessage({ id: "order.title" }, { number: order.number });
  return data({ order, seo: { title, description: title, path: `/account/orders/${order.number}`, noindex: true } }, { headers });
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function AccountOrder() {
  const { order } = useLoaderData<typeof loader>();
  const intl = useIntl();
  return (
    <div className="store-page account-page">
      <PageHeader title={intl.formatMessage({ id: "order.title" }, { number: order.number })}>
        <p className="muted">
          <FormattedMessage id="order.placedOn" values={{ date: <OrderDate date={order.createdAt} /> }} />
        </p>
      </PageHeader>
      <div className="account-layout">
        <AccountNav />
        <div className="account-main">
          <p>
            <Link to="/account">
              <FormattedMessage id="account.order.allOrders" />
            </Link>
            {order.statusToken ? (
              <>
                {" · "}
                <Link to={`/orders/${order.statusToken}`}>
                  <FormattedMessage id="account.order.statusPage" />
                </Link>
              </>
            ) : null}
          </p>
          <p className="order-status">
            <OrderState order={order} />
          </p>
          <OrderSummary order={order} />
        </div>
      </div>
    </div>
  );
}
