import { Await } from "@remix-run/react";
import { Suspense } from "react";
import { formatMoney } from "../../../shop/money.ts";

interface Performance {
  views: number;
  addToCarts: number;
  orders: number;
  revenue: string;
}

/** The dashboard's card: what the recommendation blocks brought in the last 30 days, attributed on the server. */
export function RecommendationPerformance({ performance, currency }: { performance: Promise<Performance> | Performance; currency: string }) {
  return (
    <section className="card" aria-labelledby="recommendations-title">
      <h2 id="recommendations-title">Recommendations, last 30 days</h2>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Await resolve={performance} errorElement={<p className="error">These figures couldn't be loaded. Reload the page to try again.</p>}>
          {(p) => (
            <dl className="recommendation-figures">
              <div>
                <dt>Product views from a recommendation</dt>
                <dd>{p.views.toLocaleString("en-US")}</dd>
              </div>
              <div>
                <dt>Added to cart from one</dt>
                <dd>{p.addToCarts.toLocaleString("en-US")}</dd>
              </div>
              <div>
                <dt>Sales from one</dt>
                <dd>
                  {formatMoney(p.revenue, currency)} in {p.orders} order{p.orders === 1 ? "" : "s"}
                </dd>
              </div>
            </dl>
          )}
        </Await>
      </Suspense>
    </section>
  );
}
