import { Link } from "@remix-run/react";
import type { FinancialStatus, FulfillmentStatus } from "../../../db/types.ts";
import { formatMoney } from "../../../shop/money.ts";

export const PAYMENT_LABELS: Record<FinancialStatus, string> = {
  pending: "Payment pending",
  paid: "Paid",
  partially_refunded: "Partly refunded",
  refunded: "Refunded",
  voided: "Voided",
};

export const FULFILLMENT_LABELS: Record<FulfillmentStatus, string> = {
  unfulfilled: "Not shipped yet",
  partial: "Partly shipped",
  fulfilled: "Shipped",
};

/** "March 5, 2026", the same on the server and in the browser (UTC). */
export function formatOrderDate(date: Date | string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(new Date(date));
}

export function OrderDate({ date }: { date: Date | string }) {
  return <time dateTime={new Date(date).toISOString()}>{formatOrderDate(date)}</time>;
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
  return (
    <table className="store-table account-orders">
      <caption className="visually-hidden">Your orders</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Date</th>
          <th scope="col">Status</th>
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.number}>
            <th scope="row">
              <Link to={`/account/orders/${order.number}`} aria-label={`Order #${order.number}`}>{`#${order.number}`}</Link>
            </th>
            <td data-label="Date">
              <OrderDate date={order.createdAt} />
            </td>
            <td data-label="Status">
              {order.cancelled ? "Cancelled" : `${PAYMENT_LABELS[order.financialStatus]} · ${FULFILLMENT_LABELS[order.fulfillmentStatus]}`}
            </td>
            <td data-label="Total">{formatMoney(order.total, order.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
