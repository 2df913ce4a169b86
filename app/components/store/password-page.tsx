import { Form } from "@remix-run/react";
import type { CSSProperties } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import type { StorefrontLanguage } from "../../../shop/storefront-language.ts";
import { getTheme } from "../../../themes/index.ts";
import { cssVariables, type ThemeSettings } from "../../../themes/settings.ts";
import { StoreIntlProvider } from "./intl.tsx";

export interface PasswordPageData {
  shopName: string;
  headline: string;
  welcomeText: string;
  hasPassword: boolean;
  language: StorefrontLanguage;
  themeId: string;
  settings: ThemeSettings;
  /** Where the merchant logs in to preview (the platform's admin). */
  adminUrl: string;
}

/** "Opening soon": what visitors see until the merchant launches the shop, in the shop's theme. */
export function PasswordPage({ page, error }: { page: PasswordPageData; error?: string }) {
  return (
    <StoreIntlProvider language={page.language}>
      <PasswordCard page={page} error={error} />
    </StoreIntlProvider>
  );
}

function PasswordCard({ page, error }: { page: PasswordPageData; error?: string }) {
  const theme = getTheme(page.themeId);
  const intl = useIntl();
  return (
    <div className={`store theme-${theme.id}`} style={cssVariables(page.settings) as CSSProperties}>
      <main id="main" className="password-page">
        <div className="password-card">
          <p className="password-kicker">
            <FormattedMessage id="password.kicker" />
          </p>
          <h1>{page.shopName}</h1>
          {page.headline ? <p className="password-headline">{page.headline}</p> : null}
          <p className="muted">{page.welcomeText || intl.formatMessage({ id: "password.gettingReady" }, { shopName: page.shopName })}</p>
          {page.hasPassword ? (
            <Form method="post" action="/password" className="store-form">
              <div className="form-field">
                <label htmlFor="password">
                  <FormattedMessage id="password.label" />
                </label>
                <input
                  id="password"
                  name="password"
                  type="password"
                  required
                  autoComplete="current-password"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? "password-error" : undefined}
                />
                {error ? (
                  <p className="field-error" id="password-error">
                    {error}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="button">
                <FormattedMessage id="password.submit" />
              </button>
            </Form>
          ) : (
            <p className="notice">
              <FormattedMessage id="password.closed" />
            </p>
          )}
          <p className="password-owner">
            <FormattedMessage id="password.owner" values={{ link: (text) => <a href={page.adminUrl}>{text}</a> }} />
          </p>
        </div>
      </main>
    </div>
  );
}
