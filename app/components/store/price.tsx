import { formatMoney } from "../../../shop/money.ts";

/** A price in the shop's currency; a higher compare-at price shows struck through with a "Sale" badge. */
export function Price({ amount, compareAt, currency, varies = false }: { amount: string; compareAt?: string | null; currency: string; varies?: boolean }) {
  const onSale = compareAt != null && BigInt(compareAt) > BigInt(amount);
  return (
    <span className="price">
      {onSale ? <span className="visually-hidden">Sale price</span> : null}
      <span className="price-current">
        {varies ? "From " : ""}
        {formatMoney(amount, currency)}
      </span>
      {onSale ? (
        <>
          {" "}
          <span className="visually-hidden">Regular price</span>
          <s className="price-compare">{formatMoney(compareAt, currency)}</s> <span className="badge badge-sale">Sale</span>
        </>
      ) : null}
    </span>
  );
}
