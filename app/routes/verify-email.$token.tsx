import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { verifyEmail } from "../domain.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [{ title: "Verify your email · Bazaar" }];
// The token is in the address: never send it on to another site.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

// GET /verify-email/:token: following the mailed link is the proof, so opening it verifies (once; 400 after that).
export async function loader({ context, params }: LoaderFunctionArgs) {
  requirePlatform(context);
  const verified = await verifyEmail(context.services.db, params.token ?? "");
  return data({ email: verified?.email ?? null }, { status: verified ? 200 : 400 });
}

export default function VerifyEmail() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <main className="narrow">
      <PlatformBrand />
      <h1>Verify your email</h1>
      {email ? (
        <p className="flash" role="status">
          {`Thank you: ${email} is verified. Your shop can launch now.`}
        </p>
      ) : (
        <p className="banner" role="alert">
          This link has expired or was already used. Your shop&apos;s home can send a new one.
        </p>
      )}
      <p>
        <Link to="/admin">Go to your shops</Link>
      </p>
    </main>
  );
}
