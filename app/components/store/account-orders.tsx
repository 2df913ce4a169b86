import { Link } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";
import type { FinancialStatus, FulfillmentStatus } from "../../../db/types.ts";
import { formatMoney } from "../../../shop/money.ts";

const PAYMENT_MESSAGES: Record<FinancialStatus, string> = {
  pending: "order.payment.pending",
  paid: "order.payment.paid",
  partially_refunded: "order.payment.partially_refunded",
  refunded: "order.payment.refunded",
  voided: "order.payment.voided",
};

const FULFILLMENT_MESSAGES: Record<FulfillmentStatus, string> = {
  unfulfilled: "order.fulfillment.unfulfilled",
  partial: "order.fulfillment.partial",
  fulfilled: "order.fulfillment.fulfilled",
};

/** "March 5, 2026" or "2026年3月5日", the same on the server and in the browser (UTC). */
function useOrderDate(date: Date | string): string {
  return useIntl().formatDate(new Date(date), { dateStyle: "long", timeZone: "UTC" });
}

export function OrderDate({ date }: { date: Date | string }) {
  return <time dateTime={new Date(date).toISOString()}>{useOrderDate(date)}</time>;
}

/** Where an order stands: cancelled (and when), or its payment and shipping. */
export function OrderState({
  order,
}: {
  order: { cancelledAt: Date | string | null; financialStatus: FinancialStatus; fulfillmentStatus: FulfillmentStatus };
}) {
  if (order.cancelledAt)
    return <FormattedMessage id="order.cancelledOn" values={{ strong: (text) => <strong>{text}</strong>, date: <OrderDate date={order.cancelledAt} /> }} />;
  return (
    <>
      <strong>
        <FormattedMessage id={PAYMENT_MESSAGES[order.financialStatus]} />
      </strong>{" "}
      · <FormattedMessage id={FULFILLMENT_MESSAGES[order.fulfillmentStatus]} />
    </>
  );
}

export interface AccountOrderRow {
  number: string;
  createdAt: Date | string;
  currency: string;
  total: string;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  cancelled: boolean;
}

/** The account's order history: number, date, status, total in the order's own currency. */
export function AccountOrdersTable({ orders }: { orders: AccountOrderRow[] }) {
  const intl = useIntl();
  const say = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  return (
    <table className="store-table account-orders">
      <caption className="visually-hidden">{say("order.yourOrders")}</caption>
      <thead>
        <tr>
          <th scope="col">{say("order.column.order")}</th>
          <th scope="col">{say("order.column.date")}</th>
          <th scope="col">{say("order.column.status")}</th>
          <th scope="col">{say("cart.total")}</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.number}>
            <th scope="row">
              <Link to={`/account/orders/${order.number}`} aria-label={say("order.title", { number: order.number })}>{`#${order.number}`}</Link>
            </th>
            <td data-label={say("order.column.date")}>
              <OrderDate date={order.createdAt} />
            </td>
            <td data-label={say("order.column.status")}>
              {order.cancelled
                ? say("order.cancelled")
                : `${say(PAYMENT_MESSAGES[order.financialStatus])} · ${say(FULFILLMENT_MESSAGES[order.fulfillmentStatus])}`}
            </td>
            <td data-label={say("cart.total")}>{formatMoney(order.total, order.currency, intl.locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
