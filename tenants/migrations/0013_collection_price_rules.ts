import { sql } from "kysely";
import type { TenantMigration } from "../migrator.server.ts";

/**
 * Collection price rules were stored as decimal text ("12.50") and read in whatever the shop's
 * currency was at the time (decision 021). They become integer minor units with the currency they
 * were typed in: `{ field: "price", relation, amount: "1250", currency: "EUR" }`.
 *
 * Each text is converted the way the storefront read it until now (the old reader: whitespace and
 * commas dropped, a point for decimals, at most the currency's decimals; anything else matched
 * as 0), so no collection changes its products. The reader is copied here, not imported: a
 * migration must keep doing what it did when it shipped.
 */
export const collectionPriceRules: TenantMigration = {
  name: "0013_collection_price_rules",
  async up(db, schema) {
    const collections = await db
      .withSchema(schema)
      .selectFrom("collections")
      .select(["id", "rules"])
      .where("rules", "@>", sql<unknown>`${JSON.stringify([{ field: "price" }])}::jsonb`)
      .execute();
    // A new shop (settings not written yet) has no collections.
    if (!collections.length) return;
    const { currency } = await db.withSchema(schema).selectFrom("settings").select("currency").executeTakeFirstOrThrow();
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    for (const collection of collections as { id: string; rules: Record<string, string>[] }[]) {
      const rules = collection.rules.map((rule) => {
        if (rule.field !== "price" || rule.amount !== undefined) return rule;
        return { field: rule.field, relation: rule.relation, amount: oldMinorUnits(String(rule.value ?? ""), digits), currency };
      });
      await db
        .withSchema(schema)
        .updateTable("collections")
        .set({ rules: JSON.stringify(rules) })
        .where("id", "=", collection.id)
        .execute();
    }
  },
};

function oldMinorUnits(value: string, digits: number): string {
  const match = /^(\d{1,13})(?:\.(\d*))?$/.exec(value.trim().replace(/[\s,]/g, ""));
  if (!match || (match[2] ?? "").length > digits) return "0";
  return BigInt(match[1] + (match[2] ?? "").padEnd(digits, "0")).toString();
}
