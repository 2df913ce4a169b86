import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

// "/" is the one path both kinds of host share: the platform's landing page, or the shop's home.
export async function loader({ context }: LoaderFunctionArgs) {
  const { site } = context;
  if (site.kind === "platform") return { kind: "platform" as const, signedIn: Boolean(context.user) };
  const settings = await site.db.selectFrom("settings").select(["headline", "welcome_text"]).executeTakeFirstOrThrow();
  return { kind: "shop" as const, shopName: site.shop.name, headline: settings.headline, welcomeText: settings.welcome_text };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (data?.kind === "shop") return [{ title: data.shopName }, { name: "description", content: `${data.shopName}: opening soon.` }];
  return [{ title: "Bazaar: your shop, your subdomain" }, { name: "description", content: "Open an online shop in a minute." }];
};

export default function Index() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "shop") {
    return (
      <main className="storefront">
        <div>
          <p className="muted">Opening soon</p>
          <h1>{data.headline || data.shopName}</h1>
          <p>{data.welcomeText || `${data.shopName} is getting ready. Check back shortly.`}</p>
        </div>
      </main>
    );
  }
  return (
    <>
      <header className="topbar">
        <Link className="brand" to="/">Bazaar</Link>
        <nav>
          {data.signedIn ? <Link to="/admin">Your shops</Link> : <Link to="/login">Log in</Link>}
          <Link className="button" to="/signup">Open a shop</Link>
        </nav>
      </header>
      <main>
        <section className="hero">
          <h1>Your shop, on its own address, in a minute.</h1>
          <p>Bazaar gives every merchant a storefront at their own subdomain, backed by a database of its own. Sign up, name your shop, and start selling.</p>
          <Link className="button" to="/signup">Open your shop</Link>
        </section>
      </main>
    </>
  );
}
