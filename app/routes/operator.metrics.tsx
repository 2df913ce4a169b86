import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatMoney, formatPercent, minorUnitDigits } from "../../shop/money.ts";
import { BarChart } from "../components/admin/bar-chart.tsx";
import { OperatorHeader } from "../components/operator-header.tsx";
import { monthlyMetrics, type MonthMetrics } from "../domain.server.ts";
import salesStyles from "../styles/sales.css";
import { requireOperator } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Metrics · Operator console · Bazaar" }];
export const links = () => [{ rel: "stylesheet", href: salesStyles }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  const { currency, months } = await monthlyMetrics(context.services.db, { months: 12 });
  const percent = (bp: number | null) => (bp === null ? "—" : `${formatPercent(bp)} %`);
  return { email: operator.email, currency, months: months.map((m) => ({ ...m, churn: percent(m.churnBp), conversion: percent(m.conversionBp) })) };
}

const monthLabel = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", { month: "short", year: "2-digit", timeZone: "UTC" });

function MoneyChart({ months, currency, field, caption }: { months: MonthMetrics[]; currency: string; field: "mrr" | "gmv" | "fees"; caption: string }) {
  const unit = 10n ** BigInt(minorUnitDigits(currency));
  const values = months.map((m) => BigInt(m[field]));
  const total = values.reduce((a, b) => a + b, 0n);
  const whole = (v: bigint) => formatMoney(v - (v % unit), currency).replace(/\.0+$/, "");
  return (
    <BarChart
      bars={months.map((m, i) => ({
        key: m.month,
        axisLabel: i % 2 === months.length % 2 ? null : monthLabel(m.month),
        value: values[i],
        title: `${monthLabel(m.month)}: ${formatMoney(values[i], currency)}`,
      }))}
      unit={unit}
      tick={whole}
      caption={caption}
      note="Months are UTC calendar months."
      summary={`${caption}, ${monthLabel(months[0].month)} to ${monthLabel(months[months.length - 1].month)}: latest ${formatMoney(values[values.length - 1], currency)}${field === "mrr" ? "" : `, ${formatMoney(total, currency)} in all`}.`}
      table={{ headers: ["Month", caption], rows: months.map((m, i) => ({ key: m.month, cells: [monthLabel(m.month), formatMoney(values[i], currency)] })) }}
    />
  );
}

export default function OperatorMetrics() {
  const { email, currency, months } = useLoaderData<typeof loader>();
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>Metrics</h1>
        <p className="muted">
          From the fee ledger, the daily platform snapshots and the shops&apos; lifecycle history; money in {currency}.{" "}
          <a href="/operator/metrics.csv">Download CSV</a>
        </p>
        <section className="card stack">
          <MoneyChart months={months} currency={currency} field="mrr" caption="Monthly recurring revenue" />
        </section>
        <section className="card stack">
          <MoneyChart months={months} currency={currency} field="fees" caption="Fee income" />
        </section>
        <section className="card stack">
          <MoneyChart months={months} currency={currency} field="gmv" caption="GMV, net of refunds" />
        </section>
        <section className="card stack">
          <BarChart
            bars={months.map((m, i) => ({
              key: m.month,
              axisLabel: i % 2 === months.length % 2 ? null : monthLabel(m.month),
              value: BigInt(m.activeShops),
              title: `${monthLabel(m.month)}: ${m.activeShops} shops`,
            }))}
            unit={1n}
            tick={(v) => v.toLocaleString("en-US")}
            caption="Live shops (trial, active or paused)"
            note="At each month's end; this month: now."
            summary={`Live shops now: ${months[months.length - 1].activeShops}.`}
            table={{ headers: ["Month", "Live shops"], rows: months.map((m) => ({ key: m.month, cells: [monthLabel(m.month), String(m.activeShops)] })) }}
          />
        </section>
        <section className="card">
          <h2>Churn and trial conversion</h2>
          <div className="scroll-x">
            <table>
              <thead>
                <tr>
                  <th>Month</th>
                  <th className="num">Shops closed</th>
                  <th className="num">Churn</th>
                  <th className="num">Trials converted</th>
                  <th className="num">Trial conversion</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{monthLabel(m.month)}</th>
                    <td className="num">{m.closes}</td>
                    <td className="num">{m.churn}</td>
                    <td className="num">{m.conversions}</td>
                    <td className="num">{m.conversion}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </main>
    </>
  );
}
