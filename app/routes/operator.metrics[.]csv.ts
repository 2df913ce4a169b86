import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import { toDecimalString } from "../../shop/money.ts";
import { monthlyMetrics } from "../domain.server.ts";
import { requireOperator } from "../utils/guards.server.ts";

/** The metrics page's figures as CSV: one row per month, money as plain decimals, rates in basis points. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(context, request);
  const { currency, months } = await monthlyMetrics(context.services.db, { months: 24 });
  const csv = stringify([
    ["month", "currency", "mrr", "fee_income", "gmv_net", "live_shops", "shops_closed", "churn_bp", "trials_converted", "trial_conversion_bp"],
    ...months.map((m) => [
      m.month,
      currency,
      toDecimalString(m.mrr, currency),
      toDecimalString(m.fees, currency),
      toDecimalString(m.gmv, currency),
      m.activeShops,
      m.closes,
      m.churnBp ?? "",
      m.conversions,
      m.conversionBp ?? "",
    ]),
  ]);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="bazaar-metrics-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
