import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import { AccountNav } from "../components/store/account-nav.tsx";
import { AccountOrdersTable } from "../components/store/account-orders.tsx";
import { EmptyState } from "../components/store/empty-state.tsx";
import { PageHeader } from "../components/store/page-header.tsx";
import { Pagination } from "../components/store/pagination.tsx";
import { storeFromMatches, storeMeta } from "../components/store/seo.ts";
import { listShopperOrders } from "../domain.server.ts";
import shopperStyles from "../styles/shopper.css";
import { privatePageHeaders, requireShopper } from "../utils/shopper.server.ts";

// /account: the signed-in shopper's order history at this shop.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, shopper, headers, intl } = await requireShopper(context, request);
  const pageParam = Number(new URL(request.url).searchParams.get("page"));
  const page = Number.isSafeInteger(pageParam) && pageParam >= 1 && pageParam <= 10_000 ? pageParam : 1;
  const history = await listShopperOrders(db, shopper, page);
  return data(
    {
      name: `${shopper.firstName} ${shopper.lastName}`.trim(),
      email: shopper.email,
      history,
      seo: {
        title: intl.formatMessage({ id: "account.home.title" }),
        description: intl.formatMessage({ id: "account.home.metaDescription" }),
        path: "/account",
        noindex: true,
      },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Account() {
  const { name, email, history } = useLoaderData<typeof loader>();
  const intl = useIntl();
  return (
    <div className="store-page account-page">
      <PageHeader
        title={intl.formatMessage({ id: "account.home.title" })}
        description={intl.formatMessage({ id: name ? "account.home.loggedInAsName" : "account.home.loggedInAs" }, { name, email })}
      />
      <div className="account-layout">
        <AccountNav />
        <section className="account-main" aria-labelledby="orders-heading">
          <h2 id="orders-heading">
            <FormattedMessage id="account.home.orderHistory" />
          </h2>
          {history.orders.length ? (
            <>
              <AccountOrdersTable orders={history.orders} />
              <Pagination page={history.page} hasNext={history.hasNext} />
            </>
          ) : (
            <EmptyState title={intl.formatMessage({ id: "account.home.noOrders" })}>
              <p>
                <Link to="/collections/all" className="button">
                  <FormattedMessage id="account.home.startShopping" />
                </Link>
              </p>
            </EmptyState>
          )}
        </section>
      </div>
    </div>
  );
}
