import type { PlatformDb } from "../db/database.server.ts";
import type { Shop } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { sendMail } from "./mail.server.ts";
import { formatMoney } from "./money.ts";
import { shopperOrderView } from "./shopper-accounts.server.ts";

/**
 * The emails an order sends: the shopper's confirmation and shipping notice (with the link to the order status
 * page), and the merchant's new-order notice. Plain text, built from the order as stored.
 */

export interface OrderMailDeps {
  db: TenantDb;
  platform: PlatformDb;
  shop: Pick<Shop, "id" | "name" | "slug">;
  /** The shop's storefront origin, for the order status page. */
  origin: string;
  /** The platform's origin, where the admin lives. */
  adminOrigin: string;
}

type OrderView = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;

async function loadOrder(db: TenantDb, orderId: string) {
  const order = await db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirst();
  return order ? shopperOrderView(db, order) : null;
}

function orderSummary(order: OrderView): string {
  const money = (amount: string) => formatMoney(amount, order.currency);
  const lines = order.lines.map((l) => `  ${l.quantity} × ${l.title}${l.variantTitle ? ` (${l.variantTitle})` : ""}  ${money(l.total)}`);
  const totals = [
    `Subtotal: ${money(order.subtotal)}`,
    order.discountCode && order.discountTotal !== "0" ? `Discount (${order.discountCode}): −${money(order.discountTotal)}` : null,
    `Shipping${order.shippingTitle ? ` (${order.shippingTitle})` : ""}: ${order.shippingTotal === "0" ? "Free" : money(order.shippingTotal)}`,
    order.taxTotal !== "0" ? `Taxes: ${money(order.taxTotal)}` : null,
    `Total: ${money(order.total)}`,
  ].filter(Boolean);
  return [...lines, "", ...totals].join("\n");
}

function statusLink(deps: OrderMailDeps, order: OrderView): string {
  return `${deps.origin}/orders/${order.statusToken}`;
}

/** The shopper's confirmation and the merchant's notice for a newly paid order. */
export async function sendOrderEmails(deps: OrderMailDeps, orderId: string): Promise<void> {
  const order = await loadOrder(deps.db, orderId);
  if (!order) return;
  if (order.email)
    await sendMail({
      to: order.email,
      subject: `Order #${order.number} confirmed`,
      text: [
        `Thank you for your order from ${deps.shop.name}.`,
        "",
        `Order #${order.number}`,
        orderSummary(order),
        "",
        `See your order's status at any time: ${statusLink(deps, order)}`,
      ].join("\n"),
    });
  const merchant = await merchantEmail(deps);
  if (merchant)
    await sendMail({
      to: merchant,
      subject: `[${deps.shop.name}] New order #${order.number} for ${formatMoney(order.total, order.currency)}`,
      text: [`${order.email || "A guest"} placed order #${order.number}.`, "", orderSummary(order), "", `Open it: ${adminOrderLink(deps, order)}`].join("\n"),
    });
}

/** Tells the shopper their order is on its way, with the carrier and tracking number when the merchant gave them. */
export async function sendShippingEmail(deps: OrderMailDeps, orderId: string): Promise<void> {
  const order = await loadOrder(deps.db, orderId);
  if (!order?.email) return;
  const latest = order.fulfillments.at(-1);
  const tracking = latest?.trackingNumber ? `${latest.carrier ? `${latest.carrier} ` : ""}tracking number: ${latest.trackingNumber}` : null;
  await sendMail({
    to: order.email,
    subject: `Order #${order.number} is on its way`,
    text: [`Good news: your order #${order.number} from ${deps.shop.name} has shipped.`, tracking, "", `Follow it here: ${statusLink(deps, order)}`]
      .filter((line) => line !== null)
      .join("\n"),
  });
}

function adminOrderLink(deps: OrderMailDeps, order: OrderView): string {
  return `${deps.adminOrigin}/admin/${deps.shop.slug}/orders/${order.number}`;
}

/** The shop's contact email, else its owner's: where notices to the merchant go. */
export async function merchantEmail(deps: Pick<OrderMailDeps, "db" | "platform" | "shop">): Promise<string | null> {
  const settings = await deps.db.selectFrom("settings").select("contact_email").executeTakeFirstOrThrow();
  if (settings.contact_email) return settings.contact_email;
  const owner = await deps.platform
    .selectFrom("platform.memberships as m")
    .innerJoin("platform.users as u", "u.id", "m.user_id")
    .select("u.email")
    .where("m.shop_id", "=", deps.shop.id)
    .where("m.role", "=", "owner")
    .executeTakeFirst();
  return owner?.email ?? null;
}
