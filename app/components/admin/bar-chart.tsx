import { useId } from "react";

export interface Bar {
  key: string;
  /** Under the bar, or null to leave this one unlabelled (long series label every n-th bar). */
  axisLabel: string | null;
  /** Integer value: minor units, a count or basis points. */
  value: bigint;
  /** The bar's tooltip. */
  title: string;
}

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 12, bottom: 34, left: 76 };
const TICKS = 4;

/** The smallest 1, 2 or 5 × 10ⁿ × `unit` such that TICKS steps cover `max`. */
function niceStep(max: bigint, unit: bigint): bigint {
  const needed = (max + unit * BigInt(TICKS) - 1n) / (unit * BigInt(TICKS)); // whole units per step, rounded up
  for (let magnitude = 1n; ; magnitude *= 10n) {
    for (const factor of [1n, 2n, 5n]) {
      if (factor * magnitude >= needed) return factor * magnitude * unit;
    }
  }
}

/**
 * A bar chart in inline SVG, rendered on the server, with integer values throughout (geometry is the only float).
 * Screen readers get the title and `summary`; everyone can open the figures as a table.
 *
 * @example
 *   <BarChart bars={bars} unit={100n} tick={(v) => formatMoney(v, "USD")} caption="Fee income per month" summary="…" table={table} />
 */
export function BarChart({
  bars,
  unit,
  tick,
  caption,
  note,
  summary,
  table,
}: {
  bars: Bar[];
  /** The smallest step the axis may use: 100n minor units is one dollar; 1n for counts. */
  unit: bigint;
  tick: (value: bigint) => string;
  caption: string;
  /** After the caption, e.g. "Days are UTC calendar days." */
  note?: string;
  summary: string;
  table: { headers: string[]; rows: { key: string; cells: string[] }[]; footer?: string[] };
}) {
  const id = useId();
  const max = bars.reduce((a, b) => (b.value > a ? b.value : a), 0n);
  const step = niceStep(max, unit);
  const top = step * BigInt(TICKS);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(bars.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: bigint) => MARGIN.top + plotHeight - (Number(((value < 0n ? 0n : value) * 10_000n) / top) / 10_000) * plotHeight;

  return (
    <figure className="sales-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-title`}>{caption}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <g className="axis" aria-hidden="true">
          {Array.from({ length: TICKS + 1 }, (_, i) => {
            const value = step * BigInt(i);
            return (
              <g key={i}>
                <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(value)} y2={y(value)} className={i === 0 ? "baseline" : "gridline"} />
                <text x={MARGIN.left - 8} y={y(value)} dy="0.32em" textAnchor="end">
                  {tick(value)}
                </text>
              </g>
            );
          })}
          {bars.map((bar, i) =>
            bar.axisLabel ? (
              <text key={bar.key} x={MARGIN.left + slot * i + slot / 2} y={HEIGHT - MARGIN.bottom + 20} textAnchor="middle">
                {bar.axisLabel}
              </text>
            ) : null,
          )}
        </g>
        <g className="bars">
          {bars.map((bar, i) => {
            const barTop = y(bar.value);
            return (
              <rect
                key={bar.key}
                x={MARGIN.left + slot * i + (slot - barWidth) / 2}
                y={barTop}
                width={barWidth}
                height={Math.max(0, MARGIN.top + plotHeight - barTop)}
                rx={2}
              >
                <title>{bar.title}</title>
              </rect>
            );
          })}
        </g>
      </svg>
      <figcaption className="muted">
        {caption}.{note ? ` ${note}` : ""}
      </figcaption>
      <details className="chart-data">
        <summary>Show the figures as a table</summary>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {table.headers.map((header, i) => (
                <th key={header} scope="col" className={i ? "num" : undefined}>
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, i) =>
                  i ? (
                    <td key={i} className="num">
                      {cell}
                    </td>
                  ) : (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ),
                )}
              </tr>
            ))}
          </tbody>
          {table.footer ? (
            <tfoot>
              <tr>
                {table.footer.map((cell, i) =>
                  i ? (
                    <td key={i} className="num">
                      {cell}
                    </td>
                  ) : (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ),
                )}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </details>
    </figure>
  );
}
