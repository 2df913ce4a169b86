import { Form, Link } from "@remix-run/react";

/** `accountLink`: merchants reach their account page from their email; operators have no such page. */
export function PlatformHeader({
  email,
  children,
  logoutAction = "/logout",
  accountLink = true,
}: {
  email: string;
  children?: React.ReactNode;
  logoutAction?: string;
  accountLink?: boolean;
}) {
  return (
    <header className="topbar">
      <nav>
        <Link className="brand" to="/">
          Bazaar
        </Link>
        {children}
      </nav>
      <div className="topbar-account">
        {accountLink ? (
          <Link className="muted" to="/account" aria-label={`${email}: your account`}>
            {email}
          </Link>
        ) : (
          <span className="muted">{email}</span>
        )}
        <Form method="post" action={logoutAction}>
          <button type="submit" className="secondary">
            Log out
          </button>
        </Form>
      </div>
    </header>
  );
}

/** The platform's name above a signed-out page (login, signup, password and email links), leading home. */
export function PlatformBrand() {
  return (
    <p>
      <Link className="brand" to="/">
        Bazaar
      </Link>
    </p>
  );
}
