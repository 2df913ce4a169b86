import { IntlProvider } from "react-intl";
import { CATALOGUES, formatLocale, type StorefrontLanguage } from "../../../shop/storefront-language.ts";

/** The shop's language for every storefront component under it (react-intl's `useIntl`, `FormattedMessage`). */
export function StoreIntlProvider({ language, children }: { language: StorefrontLanguage; children: React.ReactNode }) {
  return (
    <IntlProvider locale={formatLocale(language)} defaultLocale="en-US" messages={CATALOGUES[language]}>
      {children}
    </IntlProvider>
  );
}
