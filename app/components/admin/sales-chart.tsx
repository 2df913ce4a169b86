import { formatMoney, minorUnitDigits } from "../../../shop/money.ts";
import { BarChart } from "./bar-chart.tsx";
import { formatDayMonth, formatUtcDate } from "./sales-format.ts";

export interface SalesPoint {
  /** YYYY-MM-DD, a UTC day. */
  date: string;
  /** Minor units. */
  sales: string;
  orders: number;
}

function wholeUnits(amount: bigint, unit: bigint, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: 0 });
  return format.format((amount / unit).toString() as unknown as number);
}

/**
 * Daily sales as a bar chart (BarChart), rendered on the server. Screen readers get the
 * title and a summary; everyone can open the same figures as a table.
 */
export function SalesChart({ points, currency, caption }: { points: SalesPoint[]; currency: string; caption: string }) {
  const unit = 10n ** BigInt(minorUnitDigits(currency));
  const amounts = points.map((p) => BigInt(p.sales));
  const max = amounts.reduce((a, b) => (b > a ? b : a), 0n);
  const total = amounts.reduce((a, b) => a + b, 0n);
  const orders = points.reduce((sum, p) => sum + p.orders, 0);
  const best = points.length ? points[amounts.indexOf(max)] : null;
  const first = points[0]?.date;
  const last = points[points.length - 1]?.date;
  const summary = points.length
    ? `Daily sales in ${currency} from ${formatUtcDate(`${first}T00:00:00Z`)} to ${formatUtcDate(`${last}T00:00:00Z`)} (UTC days): ` +
      `${formatMoney(total, currency)} from ${orders} paid order${orders === 1 ? "" : "s"}` +
      (max > 0n && best ? `; the best day was ${formatDayMonth(best.date)} with ${formatMoney(max, currency)}.` : "; no sales yet.")
    : "No days to show.";
  return (
    <BarChart
      bars={points.map((p, i) => ({
        key: p.date,
        axisLabel: (points.length - 1 - i) % 7 === 0 ? formatDayMonth(p.date) : null,
        value: amounts[i],
        title: `${formatDayMonth(p.date)}: ${formatMoney(amounts[i], currency)}, ${p.orders} order${p.orders === 1 ? "" : "s"}`,
      }))}
      unit={unit}
      tick={(value) => wholeUnits(value, unit, currency)}
      caption={caption}
      note="Days are UTC calendar days."
      summary={summary}
      table={{
        headers: ["Day (UTC)", "Paid orders", "Sales"],
        rows: points.map((p) => ({ key: p.date, cells: [formatUtcDate(`${p.date}T00:00:00Z`), String(p.orders), formatMoney(p.sales, currency)] })),
        footer: ["Total", String(orders), formatMoney(total, currency)],
      }}
    />
  );
}
