import { Form, Link } from "@remix-run/react";

export function PlatformHeader({ email, children, logoutAction = "/logout" }: { email: string; children?: React.ReactNode; logoutAction?: string }) {
  return (
    <header className="topbar">
      <nav>
        <Link className="brand" to="/">
          Bazaar
        </Link>
        {children}
      </nav>
      <div className="topbar-account">
        <span className="muted">{email}</span>
        <Form method="post" action={logoutAction}>
          <button type="submit" className="secondary">
            Log out
          </button>
        </Form>
      </div>
    </header>
  );
}
