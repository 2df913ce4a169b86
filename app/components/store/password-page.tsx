import { Form } from "@remix-run/react";
import type { CSSProperties } from "react";
import { getTheme } from "../../../themes/index.ts";
import { cssVariables, type ThemeSettings } from "../../../themes/settings.ts";

export interface PasswordPageData {
  shopName: string;
  headline: string;
  welcomeText: string;
  hasPassword: boolean;
  themeId: string;
  settings: ThemeSettings;
  /** Where the merchant logs in to preview (the platform's admin). */
  adminUrl: string;
}

/** "Opening soon": what visitors see until the merchant launches the shop, in the shop's theme. */
export function PasswordPage({ page, error }: { page: PasswordPageData; error?: string }) {
  const theme = getTheme(page.themeId);
  return (
    <div className={`store theme-${theme.id}`} style={cssVariables(page.settings) as CSSProperties}>
      <main id="main" className="password-page">
        <div className="password-card">
          <p className="password-kicker">Opening soon</p>
          <h1>{page.shopName}</h1>
          {page.headline ? <p className="password-headline">{page.headline}</p> : null}
          <p className="muted">{page.welcomeText || `${page.shopName} is getting ready. Check back shortly.`}</p>
          {page.hasPassword ? (
            <Form method="post" action="/password" className="store-form">
              <div className="form-field">
                <label htmlFor="password">Enter the shop password</label>
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
                Enter
              </button>
            </Form>
          ) : (
            <p className="notice">This shop isn't open to visitors yet.</p>
          )}
          <p className="password-owner">
            Are you the owner? <a href={page.adminUrl}>Log in to preview your shop</a>
          </p>
        </div>
      </main>
    </div>
  );
}
