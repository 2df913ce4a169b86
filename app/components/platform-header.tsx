import { Form, Link } from "@remix-run/react";

export function PlatformHeader({ email, children }: { email: string; children?: React.ReactNode }) {
  return (
    <header className="topbar">
      <nav>
        <Link className="brand" to="/">
          Bazaar
        </Link>
        {children}
      </nav>
      <nav>
        <span className="muted">{email}</span>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary">
            Log out
          </button>
        </Form>
      </nav>
    </header>
  );
}
