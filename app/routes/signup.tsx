import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { suggestSlug } from "../../tenants/slugs.ts";
import { platformOrigin } from "../../server/config.ts";
import { sendVerificationEmail, signUpMerchant, signupForm, tooManyAttempts, type SignupErrors } from "../domain.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { Field } from "../components/field.tsx";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [{ title: "Open your shop · Bazaar" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requirePlatform(context);
  if (context.user) throw redirect("/admin");
  return { storeDomain: context.services.config.storeDomain };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatform(context);
  const parsed = await readForm(request, signupForm);
  const typed = parsed.ok ? parsed.value : parsed.values;
  const values = { email: typed.email ?? "", shopName: typed.shopName ?? "", slug: (typed.slug ?? "").trim().toLowerCase() };
  const gate = await context.services.limits.consume("signup", context.clientAddress);
  if (!gate.ok) return data({ errors: { form: tooManyAttempts(gate) } as SignupErrors, values }, { status: 429 });
  if (!parsed.ok) return data({ errors: parsed.errors as SignupErrors, values }, { status: 400 });
  const result = await signUpMerchant(context.services.db, parsed.value);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  // The account exists either way: a link that can be neither mailed nor queued (logged) is sent again from the dashboard.
  await sendVerificationEmail(context.services.db, context.services.deliverMail, result.user.id, platformOrigin(context.services.config)).catch(
    (error: unknown) => console.error("verification email failed:", error instanceof Error ? error.message : error),
  );
  context.services.requestSpareShopRefill();
  await context.services.recommendations.follow(result.shop);
  const cookie = await context.services.auth.logIn(result.user.id);
  throw redirect(`/admin/${result.shop.slug}`, { headers: { "Set-Cookie": cookie } });
}

type SlugCheck = { slug: string; available: boolean; message: string };

export default function Signup() {
  const { storeDomain } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: SignupErrors = actionData?.errors ?? {};
  const values = actionData?.values;
  const submitting = useNavigation().state === "submitting";

  const [shopName, setShopName] = useState(values?.shopName ?? "");
  const [slug, setSlug] = useState(values?.slug ?? "");
  const [slugEdited, setSlugEdited] = useState(Boolean(values?.slug));
  const check = useFetcher<SlugCheck>();

  // Check the address as the merchant types, after a short pause.
  useEffect(() => {
    if (!slug) return;
    const timer = setTimeout(() => check.load(`/slug-availability?${new URLSearchParams({ slug })}`), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug]);

  const live = check.data && check.data.slug === slug ? check.data : null;
  // The refused submission's message holds only while the address is the one submitted; then the live check speaks.
  const submittedError = values && slug === values.slug ? errors.slug : undefined;
  const slugError = live ? (live.available ? undefined : live.message) : submittedError;

  return (
    <main className="narrow">
      <PlatformBrand />
      <h1>Open your shop</h1>
      <Form method="post" className="stack" noValidate>
        {errors.form ? (
          <p className="banner" role="alert">
            {errors.form}
          </p>
        ) : null}
        <Field label="Shop name" name="shopName" error={errors.shopName}>
          <input
            id="shopName"
            name="shopName"
            required
            maxLength={80}
            value={shopName}
            aria-invalid={Boolean(errors.shopName)}
            aria-describedby={errors.shopName ? "shopName-error" : undefined}
            onChange={(e) => {
              setShopName(e.target.value);
              if (!slugEdited) setSlug(suggestSlug(e.target.value));
            }}
          />
        </Field>
        <Field label="Shop address" name="slug" error={slugError} hint={live?.available ? `${slug}.${storeDomain} is available.` : undefined}>
          <div className="slug-field">
            <input
              id="slug"
              name="slug"
              required
              minLength={3}
              maxLength={40}
              pattern="[a-z0-9-]+"
              value={slug}
              autoCapitalize="none"
              spellCheck={false}
              aria-invalid={Boolean(slugError)}
              aria-describedby={slugError ? "slug-error" : "slug-hint"}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value.toLowerCase());
              }}
            />
            <span>.{storeDomain}</span>
          </div>
        </Field>
        <Field label="Email" name="email" error={errors.email}>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={values?.email}
            aria-invalid={Boolean(errors.email)}
            aria-describedby={errors.email ? "email-error" : undefined}
          />
        </Field>
        <Field label="Password" name="password" error={errors.password} hint="At least 8 characters.">
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            aria-invalid={Boolean(errors.password)}
            aria-describedby={errors.password ? "password-error" : "password-hint"}
          />
        </Field>
        <button type="submit" disabled={submitting}>
          {submitting ? "Creating your shop…" : "Create my shop"}
        </button>
      </Form>
      <p className="muted">
        Already selling on Bazaar? <Link to="/login">Log in</Link>
      </p>
    </main>
  );
}
