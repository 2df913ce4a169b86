import type { DiscountKind, FinancialStatus, FulfillmentStatus } from "../../../db/types.ts";
import type { CustomerSort } from "../../../shop/customers.server.ts";
import type { DiscountScope, DiscountStatus } from "../../../shop/discounts.server.ts";
import type { OrderSort } from "../../../shop/orders.server.ts";

// Labels the orders, customers and discounts pages render on the server and in the browser.
// Typed against the tables, so a new status can't go without a label.

export const FINANCIAL_LABELS: Record<FinancialStatus, string> = {
  pending: "Payment pending",
  paid: "Paid",
  partially_refunded: "Partially refunded",
  refunded: "Refunded",
  voided: "Voided",
};

export const FULFILLMENT_LABELS: Record<FulfillmentStatus, string> = {
  unfulfilled: "Unfulfilled",
  partial: "Partially fulfilled",
  fulfilled: "Fulfilled",
};

export const ORDER_SORT_LABELS: Record<OrderSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  total_desc: "Highest total",
  total_asc: "Lowest total",
};

export const CUSTOMER_SORT_LABELS: Record<CustomerSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  orders: "Most orders",
  spend: "Highest spend",
};

export const DISCOUNT_KIND_LABELS: Record<DiscountKind, string> = {
  percentage: "Percentage",
  fixed_amount: "Fixed amount",
  free_shipping: "Free shipping",
};

export const DISCOUNT_SCOPE_LABELS: Record<DiscountScope, string> = {
  order: "The whole order",
  collections: "Some collections",
  products: "Some products",
};

export const DISCOUNT_STATUS_LABELS: Record<DiscountStatus, string> = {
  scheduled: "Scheduled",
  active: "Active",
  expired: "Expired",
  used_up: "Used up",
};

// Dates are shown in UTC, and say so: the same on the server and in every browser.
const DATE = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});
const DAY_MONTH = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const MONTH = new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

export function formatUtcDate(date: Date | string): string {
  return DATE.format(new Date(date));
}

export function formatUtcDateTime(date: Date | string): string {
  return `${DATE_TIME.format(new Date(date))} UTC`;
}

/** "2025-06-03" → "Jun 3" */
export function formatDayMonth(day: string): string {
  return DAY_MONTH.format(new Date(`${day}T00:00:00Z`));
}

export function formatUtcMonth(date: Date | string): string {
  return MONTH.format(new Date(date));
}
