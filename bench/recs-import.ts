import { sql } from "kysely";
import { refreshAllProductSummaries } from "../shop/product-summary.server.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import type { Line } from "./recs-data.ts";

// Orders have nine columns: 5,000 rows stay under the 65,535 parameters of one statement.
const CHUNK = 5_000;

/** The cleaned lines before the cutoff, as the shop's catalogue, customers and paid orders. */
export async function importOrders(db: TenantDb, lines: readonly Line[]): Promise<string> {
  const items = new Map<string, Line>();
  for (const l of lines) if (!items.has(l.item)) items.set(l.item, l);
  const codes = [...items.keys()];
  const productIds = new Map<string, string>();
  const variantIds = new Map<string, string>();
  for (let start = 0; start < codes.length; start += CHUNK) {
    const chunk = codes.slice(start, start + CHUNK);
    const products = await db
      .insertInto("products")
      .values(
        chunk.map((code) => ({
          handle: code.toLowerCase(),
          title: items.get(code)!.description || code,
          status: "active" as const,
          published_at: new Date(0),
        })),
      )
      .returning(["id", "handle"])
      .execute();
    for (const p of products) productIds.set(p.handle.toUpperCase(), p.id);
    const variants = await db
      .insertInto("variants")
      .values(chunk.map((code) => ({ product_id: productIds.get(code)!, position: 1, price: items.get(code)!.unitPrice, inventory_quantity: 1_000_000 })))
      .returning(["id", "product_id"])
      .execute();
    const codeOf = new Map([...productIds].map(([code, id]) => [id, code]));
    for (const v of variants) variantIds.set(codeOf.get(v.product_id)!, v.id);
  }
  await refreshAllProductSummaries(db);

  const customers = [...new Set(lines.flatMap((l) => (l.customer ? [l.customer] : [])))];
  const customerIds = new Map<string, string>();
  for (let start = 0; start < customers.length; start += CHUNK) {
    const rows = await db
      .insertInto("customers")
      .values(customers.slice(start, start + CHUNK).map((c) => ({ email: `customer-${c}@example.com` })))
      .returning(["id", "email"])
      .execute();
    for (const r of rows) customerIds.set(r.email!.slice(9, -12), r.id);
  }

  const invoices = new Map<string, Line[]>();
  for (const l of lines) invoices.set(l.invoice, [...(invoices.get(l.invoice) ?? []), l]);
  const invoiceList = [...invoices];
  for (let start = 0; start < invoiceList.length; start += CHUNK) {
    const chunk = invoiceList.slice(start, start + CHUNK);
    const orders = await db
      .insertInto("orders")
      .values(
        chunk.map(([invoice, orderLines]) => {
          const total = orderLines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
          const first = orderLines[0];
          return {
            customer_id: first.customer ? customerIds.get(first.customer)! : null,
            email: first.customer ? `customer-${first.customer}@example.com` : "",
            currency: "GBP",
            subtotal: total,
            total,
            financial_status: "paid" as const,
            created_at: first.at,
            paid_at: first.at,
            // The invoice number finds the order again below; a throwaway shop's orders have no status page.
            status_token: `invoice-${invoice}`,
          };
        }),
      )
      .returning(["id", "status_token"])
      .execute();
    const orderOf = new Map(orders.map((o) => [o.status_token!.slice(8), o.id]));
    const rows = chunk.flatMap(([invoice, orderLines]) => orderLines.map((l) => ({ invoice, l })));
    await db
      .insertInto("order_lines")
      .columns(["order_id", "product_id", "variant_id", "title", "quantity", "unit_price"])
      .expression((eb) =>
        eb
          .selectFrom(
            sql`unnest(${rows.map((r) => orderOf.get(r.invoice)!)}::bigint[], ${rows.map((r) => productIds.get(r.l.item)!)}::bigint[],
              ${rows.map((r) => variantIds.get(r.l.item)!)}::bigint[], ${rows.map((r) => r.l.description || r.l.item)}::text[],
              ${rows.map((r) => r.l.quantity)}::int[], ${rows.map((r) => r.l.unitPrice)}::bigint[])`.as("u"),
          )
          .selectAll(),
      )
      .execute();
  }
  return `imported ${codes.length} products, ${customers.length} customers, ${invoices.size} orders, ${lines.length} lines`;
}
