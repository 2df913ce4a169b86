import { Form, NavLink } from "@remix-run/react";
import { FormattedMessage, useIntl } from "react-intl";

/** The account area's sections and the log-out button (a POST, so a link elsewhere can't sign anyone out). */
export function AccountNav() {
  const intl = useIntl();
  return (
    <nav className="account-nav" aria-label={intl.formatMessage({ id: "account.nav" })}>
      <ul>
        <li>
          <NavLink to="/account" end>
            <FormattedMessage id="account.nav.orders" />
          </NavLink>
        </li>
        <li>
          <NavLink to="/account/addresses">
            <FormattedMessage id="account.nav.addresses" />
          </NavLink>
        </li>
        <li>
          <NavLink to="/account/privacy">
            <FormattedMessage id="account.nav.data" />
          </NavLink>
        </li>
        <li>
          <Form method="post" action="/account/logout">
            <button type="submit" className="link-button">
              <FormattedMessage id="account.nav.logout" />
            </button>
          </Form>
        </li>
      </ul>
    </nav>
  );
}
