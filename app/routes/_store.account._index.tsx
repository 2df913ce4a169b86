import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
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
  const { db, shopper, headers } = await requireShopper(context, request);
  const pageParam = Number(new URL(request.url).searchParams.get("page"));
  const page = Number.isSafeInteger(pageParam) && pageParam >= 1 && pageParam <= 10_000 ? pageParam : 1;
  const history = await listShopperOrders(db, shopper, page);
  return data(
    {
      name: `${shopper.firstName} ${shopper.lastName}`.trim(),
      email: shopper.email,
      history,
      seo: { title: "Your account", description: "Your orders and account details.", path: "/account", noindex: true },
    },
    { headers },
  );
}

export const headers = privatePageHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: shopperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => storeMeta(data?.seo, storeFromMatches(matches));

export default function Account() {
  const { name, email, history } = useLoaderData<typeof loader>();
  return (
    <div className="store-page account-page">
      <PageHeader title="Your account" description={`Logged in as ${name ? `${name} (${email})` : email}`} />
      <div className="account-layout">
        <AccountNav />
        <section className="account-main" aria-labelledby="orders-heading">
          <h2 id="orders-heading">Order history</h2>
          {history.orders.length ? (
            <>
              <AccountOrdersTable orders={history.orders} />
              <Pagination page={history.page} hasNext={history.hasNext} />
            </>
          ) : (
            <EmptyState title="You haven't placed any orders yet">
              <p>
                <Link to="/collections/all" className="button">
                  Start shopping
                </Link>
              </p>
            </EmptyState>
          )}
        </section>
      </div>
    </div>
  );
}
