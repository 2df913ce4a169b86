import { Link } from "@remix-run/react";
import type { PlanSummary } from "../domain.server.ts";
import { PricingTable } from "./pricing-table.tsx";

const FEATURES = [
  {
    title: "Your own shop address",
    text: "Your storefront opens at your-shop on our domain, or on a domain of your own, with a password page until you launch.",
  },
  {
    title: "Products the way you sell them",
    text: "Options and variants, photos resized for every screen, stock per variant, collections and a Shopify CSV import.",
  },
  { title: "Checkout and payouts", text: "Carts, shopper accounts, discount codes, shipping zones and taxes; card payments through Stripe, paid out to you." },
  { title: "Found by search", text: "Typo-tolerant search with filters in your shop, and clean addresses, sitemaps and structured data for search engines." },
  { title: "Recommendations", text: "“Frequently bought together” and picks for each shopper, from your own orders, with the reason shown to you." },
  {
    title: "Run it from your phone",
    text: "Orders, products and customers in an admin that works on a phone, with staff accounts and roles and an audit log.",
  },
];

/** The platform's landing page: what a merchant gets, the themes, the plans (the operator's), and a way in. */
export function Landing({
  signedIn,
  themes,
  plans,
  trialDays,
}: {
  signedIn: boolean;
  themes: { id: string; name: string; description: string }[];
  plans: PlanSummary[];
  trialDays: number;
}) {
  return (
    <>
      <header className="topbar">
        <Link className="brand" to="/">
          Bazaar
        </Link>
        <nav aria-label="Bazaar">
          <a href="#themes">Themes</a>
          <a href="#pricing">Pricing</a>
          {signedIn ? <Link to="/admin">Your shops</Link> : <Link to="/login">Log in</Link>}
          <Link className="button" to="/signup">
            Open a shop
          </Link>
        </nav>
      </header>
      <main className="landing">
        <section className="hero landing-hero">
          <div>
            <h1>Your shop online, open in a minute.</h1>
            <p>
              Pick a theme, add your products and take orders: Bazaar gives you a storefront, a checkout and an admin to run it,{" "}
              {trialDays > 0 ? `free for ${trialDays} days, no card needed.` : "from one monthly price."}
            </p>
            <Link className="button" to="/signup">
              Open your shop
            </Link>
          </div>
          <img src="/landing-admin.svg" width={480} height={320} alt="The shop admin: a sales chart, and a product with its photos" />
        </section>

        <section className="landing-section" aria-labelledby="features-heading">
          <h2 id="features-heading">Everything a shop needs</h2>
          <ul className="landing-features">
            {FEATURES.map((feature) => (
              <li key={feature.title}>
                <h3>{feature.title}</h3>
                <p>{feature.text}</p>
              </li>
            ))}
          </ul>
        </section>

        <section className="landing-section" id="themes" aria-labelledby="themes-heading">
          <h2 id="themes-heading">Three themes to start from</h2>
          <p className="muted">Change colours, fonts and home page sections in the theme editor, with a live preview on a desktop and a phone.</p>
          <ul className="landing-themes">
            {themes.map((theme) => (
              <li key={theme.id}>
                <img src={`/landing-theme-${theme.id}.svg`} width={480} height={320} alt={`A shop in the ${theme.name} theme`} loading="lazy" />
                <h3>{theme.name}</h3>
                <p>{theme.description}</p>
              </li>
            ))}
          </ul>
        </section>

        <section className="landing-section" id="pricing" aria-labelledby="pricing-heading">
          <h2 id="pricing-heading">Pricing</h2>
          <p className="muted">
            {trialDays > 0 ? `Every shop starts with a ${trialDays}-day free trial. ` : ""}Then a monthly price and a small fee on each sale; change plans
            whenever you like.
          </p>
          <PricingTable plans={plans} trialDays={trialDays} />
        </section>

        <section className="landing-section landing-close">
          <h2>Ready when you are</h2>
          <Link className="button" to="/signup">
            Start now
          </Link>
        </section>
      </main>
    </>
  );
}
