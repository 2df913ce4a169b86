import { useId } from "react";
import { formatMoney, minorUnitDigits } from "../../../shop/money.ts";
import { formatDayMonth, formatUtcDate } from "./sales-format.ts";

export interface SalesPoint {
  /** YYYY-MM-DD, a UTC day. */
  date: string;
  /** Minor units. */
  sales: string;
  orders: number;
}

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 12, bottom: 34, left: 76 };
const TICKS = 4;

/** The smallest 1, 2 or 5 × 10ⁿ whole currency units such that TICKS steps cover `max` minor units. */
function niceStep(max: bigint, unit: bigint): bigint {
  const needed = (max + unit * BigInt(TICKS) - 1n) / (unit * BigInt(TICKS)); // whole units per step, rounded up
  for (let magnitude = 1n; ; magnitude *= 10n) {
    for (const factor of [1n, 2n, 5n]) {
      if (factor * magnitude >= needed) return factor * magnitude * unit;
    }
  }
}

function wholeUnits(amount: bigint, unit: bigint, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: 0 });
  return format.format((amount / unit).toString() as unknown as number);
}

/**
 * Daily sales as a bar chart in inline SVG, rendered on the server. Screen readers get the
 * title and a summary; everyone can open the same figures as a table.
 */
export function SalesChart({ points, currency, caption }: { points: SalesPoint[]; currency: string; caption: string }) {
  const id = useId();
  const unit = 10n ** BigInt(minorUnitDigits(currency));
  const amounts = points.map((p) => BigInt(p.sales));
  const max = amounts.reduce((a, b) => (b > a ? b : a), 0n);
  const total = amounts.reduce((a, b) => a + b, 0n);
  const orders = points.reduce((sum, p) => sum + p.orders, 0);
  const step = niceStep(max, unit);
  const top = step * BigInt(TICKS);

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  // Geometry only: the figures people read come from the integers.
  const y = (amount: bigint) => MARGIN.top + plotHeight - (Number((amount * 10_000n) / top) / 10_000) * plotHeight;

  const best = points.length ? points[amounts.indexOf(max)] : null;
  const first = points[0]?.date;
  const last = points[points.length - 1]?.date;
  const summary = points.length
    ? `Daily sales in ${currency} from ${formatUtcDate(`${first}T00:00:00Z`)} to ${formatUtcDate(`${last}T00:00:00Z`)} (UTC days): ` +
      `${formatMoney(total, currency)} from ${orders} paid order${orders === 1 ? "" : "s"}` +
      (max > 0n && best ? `; the best day was ${formatDayMonth(best.date)} with ${formatMoney(max, currency)}.` : "; no sales yet.")
    : "No days to show.";

  return (
    <figure className="sales-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-title`}>{caption}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <g className="axis" aria-hidden="true">
          {Array.from({ length: TICKS + 1 }, (_, i) => {
            const tick = step * BigInt(i);
            return (
              <g key={i}>
                <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} className={i === 0 ? "baseline" : "gridline"} />
                <text x={MARGIN.left - 8} y={y(tick)} dy="0.32em" textAnchor="end">
                  {wholeUnits(tick, unit, currency)}
                </text>
              </g>
            );
          })}
          {points.map((p, i) =>
            (points.length - 1 - i) % 7 === 0 ? (
              <text key={p.date} x={MARGIN.left + slot * i + slot / 2} y={HEIGHT - MARGIN.bottom + 20} textAnchor="middle">
                {formatDayMonth(p.date)}
              </text>
            ) : null,
          )}
        </g>
        <g className="bars">
          {points.map((p, i) => {
            const amount = amounts[i];
            const barTop = y(amount);
            return (
              <rect
                key={p.date}
                x={MARGIN.left + slot * i + (slot - barWidth) / 2}
                y={barTop}
                width={barWidth}
                height={Math.max(0, MARGIN.top + plotHeight - barTop)}
                rx={2}
              >
                <title>{`${formatDayMonth(p.date)}: ${formatMoney(amount, currency)}, ${p.orders} order${p.orders === 1 ? "" : "s"}`}</title>
              </rect>
            );
          })}
        </g>
      </svg>
      <figcaption className="muted">{caption}. Days are UTC calendar days.</figcaption>
      <details className="chart-data">
        <summary>Show the figures as a table</summary>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                Paid orders
              </th>
              <th scope="col" className="num">
                Sales
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.date}>
                <th scope="row">{formatUtcDate(`${p.date}T00:00:00Z`)}</th>
                <td className="num">{p.orders}</td>
                <td className="num">{formatMoney(p.sales, currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">{orders}</td>
              <td className="num">{formatMoney(total, currency)}</td>
            </tr>
          </tfoot>
        </table>
      </details>
    </figure>
  );
}
