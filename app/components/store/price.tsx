import { FormattedMessage, useIntl } from "react-intl";
import { formatMoney } from "../../../shop/money.ts";

/** A price in the shop's currency; a higher compare-at price shows struck through with a "Sale" badge. */
export function Price({ amount, compareAt, currency, varies = false }: { amount: string; compareAt?: string | null; currency: string; varies?: boolean }) {
  const { locale } = useIntl();
  const onSale = compareAt != null && BigInt(compareAt) > BigInt(amount);
  const current = formatMoney(amount, currency, locale);
  return (
    <span className="price">
      {onSale ? (
        <span className="visually-hidden">
          <FormattedMessage id="price.salePrice" />
        </span>
      ) : null}
      <span className="price-current">{varies ? <FormattedMessage id="price.from" values={{ price: current }} /> : current}</span>
      {onSale ? (
        <>
          {" "}
          <span className="visually-hidden">
            <FormattedMessage id="price.regularPrice" />
          </span>
          <s className="price-compare">{formatMoney(compareAt, currency, locale)}</s>{" "}
          <span className="badge badge-sale">
            <FormattedMessage id="price.sale" />
          </span>
        </>
      ) : null}
    </span>
  );
}
