import { Form, NavLink } from "@remix-run/react";

/** The account area's sections and the log-out button (a POST, so a link elsewhere can't sign anyone out). */
export function AccountNav() {
  return (
    <nav className="account-nav" aria-label="Account">
      <ul>
        <li>
          <NavLink to="/account" end>
            Orders
          </NavLink>
        </li>
        <li>
          <NavLink to="/account/addresses">Addresses</NavLink>
        </li>
        <li>
          <NavLink to="/account/privacy">Your data</NavLink>
        </li>
        <li>
          <Form method="post" action="/account/logout">
            <button type="submit" className="link-button">
              Log out
            </button>
          </Form>
        </li>
      </ul>
    </nav>
  );
}
