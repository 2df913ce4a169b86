import type { IntlShape } from "react-intl";
import type { PlatformDb } from "../db/database.server.ts";
import type { Shop } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import type { DeliverMail, MailDelivery } from "./mail.server.ts";
import { formatMoney } from "./money.ts";
import { shopperOrderView } from "./shopper-accounts.server.ts";
import { shopperIntl } from "./settings.server.ts";
import { DEFAULT_STOREFRONT_LANGUAGE, storefrontIntl } from "./storefront-language.ts";

/**
 * The emails an order sends: the shopper's confirmation and shipping notice (with the link to the order status
 * page) in the shop's storefront language, and the merchant's new-order notice in English, like the admin. Plain
 * text, built from the order as stored.
 */

export interface OrderMailDeps {
  db: TenantDb;
  platform: PlatformDb;
  shop: Pick<Shop, "id" | "name" | "slug">;
  /** The shop's storefront origin, for the order status page. */
  origin: string;
  /** The platform's origin, where the admin lives. */
  adminOrigin: string;
  /** services.deliverMail (or the worker's mailer): sends now, or queues the mail for retries. */
  deliverMail: DeliverMail;
}

type OrderView = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;

async function loadOrder(db: TenantDb, orderId: string) {
  const order = await db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirst();
  return order ? shopperOrderView(db, order) : null;
}

function orderSummary(order: OrderView, intl: IntlShape): string {
  const money = (amount: string) => formatMoney(amount, order.currency, intl.locale);
  const say = (id: string, values: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const lines = order.lines.map((l) =>
    l.variantTitle
      ? say("mail.order.lineWithVariant", { quantity: l.quantity, title: l.title, variant: l.variantTitle, total: money(l.total) })
      : say("mail.order.line", { quantity: l.quantity, title: l.title, total: money(l.total) }),
  );
  const shipping = order.shippingTotal === "0" ? intl.formatMessage({ id: "mail.order.free" }) : money(order.shippingTotal);
  const totals = [
    say("mail.order.subtotal", { amount: money(order.subtotal) }),
    order.discountCode && order.discountTotal !== "0" ? say("mail.order.discount", { code: order.discountCode, amount: money(order.discountTotal) }) : null,
    order.shippingTitle
      ? say("mail.order.shippingWithRate", { rate: order.shippingTitle, amount: shipping })
      : say("mail.order.shipping", { amount: shipping }),
    order.taxTotal !== "0" ? say("mail.order.taxes", { amount: money(order.taxTotal) }) : null,
    say("mail.order.total", { amount: money(order.total) }),
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
  if (order.email) {
    const intl = await shopperIntl(deps.db);
    const say = (id: string, values: Record<string, string>) => intl.formatMessage({ id }, values);
    await deps.deliverMail({
      to: order.email,
      subject: say("mail.confirmation.subject", { number: order.number }),
      text: [
        say("mail.confirmation.thanks", { shopName: deps.shop.name }),
        "",
        say("mail.confirmation.order", { number: order.number }),
        orderSummary(order, intl),
        "",
        say("mail.confirmation.status", { link: statusLink(deps, order) }),
      ].join("\n"),
    });
  }
  const merchant = await merchantEmail(deps);
  if (merchant)
    await deps.deliverMail({
      to: merchant,
      subject: `[${deps.shop.name}] New order #${order.number} for ${formatMoney(order.total, order.currency)}`,
      text: [
        `${order.email || "A guest"} placed order #${order.number}.`,
        "",
        orderSummary(order, storefrontIntl(DEFAULT_STOREFRONT_LANGUAGE)),
        "",
        `Open it: ${adminOrderLink(deps, order)}`,
      ].join("\n"),
    });
}

/**
 * Tells the shopper their order is on its way, with the carrier and tracking number when the merchant gave them.
 * Null when the order has no email to write to.
 */
export async function sendShippingEmail(deps: OrderMailDeps, orderId: string): Promise<MailDelivery | null> {
  const order = await loadOrder(deps.db, orderId);
  if (!order?.email) return null;
  const intl = await shopperIntl(deps.db);
  const say = (id: string, values: Record<string, string>) => intl.formatMessage({ id }, values);
  const latest = order.fulfillments.at(-1);
  const tracking = latest?.trackingNumber
    ? latest.carrier
      ? say("mail.shipping.tracking", { carrier: latest.carrier, number: latest.trackingNumber })
      : say("mail.shipping.trackingNoCarrier", { number: latest.trackingNumber })
    : null;
  return deps.deliverMail({
    to: order.email,
    subject: say("mail.shipping.subject", { number: order.number }),
    text: [
      say("mail.shipping.body", { number: order.number, shopName: deps.shop.name }),
      tracking,
      "",
      say("mail.shipping.follow", { link: statusLink(deps, order) }),
    ]
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
