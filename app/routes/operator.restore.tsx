import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  data,
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { OperatorHeader } from "../components/operator-header.tsx";
import { Field, fieldAria } from "../components/field.tsx";
import { BundleError, logOperatorAction, MAX_BUNDLE_BYTES, restoreShopBundle, SlugUnavailableError } from "../domain.server.ts";
import { SLUG_MESSAGES } from "../../tenants/slugs.ts";
import { parseForm } from "../utils/forms.server.ts";
import { restoreForm } from "../utils/operator-forms.server.ts";
import { requireOperator } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Restore a shop · Operator console · Bazaar" }];

type Errors = { bundle?: string; slug?: string; owner?: string; name?: string };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const operator = requireOperator(context, request);
  return { email: operator.email, maxGigabytes: MAX_BUNDLE_BYTES / 1024 ** 3 };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const operator = requireOperator(context, request);
  const directory = await mkdtemp(path.join(os.tmpdir(), "bazaar-restore-"));
  try {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          unstable_createFileUploadHandler({
            directory,
            maxPartSize: MAX_BUNDLE_BYTES,
            // The directory is this request's own, so the sender's file name (made safe) can be kept for the log.
            file: ({ filename }) => `upload-${filename.replace(/[^\w.-]/g, "_").slice(-100)}`,
          }),
          // The text fields: a few short values.
          unstable_createMemoryUploadHandler({ maxPartSize: 4096 }),
        ),
      );
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError)
        return data({ errors: { bundle: `The file is larger than ${MAX_BUNDLE_BYTES / 1024 ** 3} GB.` } as Errors }, { status: 413 });
      throw error;
    }
    const parsed = parseForm(form, restoreForm);
    const errors: Errors = parsed.ok ? {} : parsed.errors;
    const entries = form.getAll("bundle");
    const file = entries.length === 1 && entries[0] instanceof NodeOnDiskFile && entries[0].size > 0 ? entries[0] : null;
    if (!file) errors.bundle = "Choose a shop bundle (a .bazaar.gz file downloaded from Bazaar).";
    const owner = parsed.ok
      ? await context.services.db.selectFrom("platform.users").select("id").where("email", "=", parsed.value.owner).executeTakeFirst()
      : undefined;
    if (parsed.ok && !owner) errors.owner = "Enter the email of an existing merchant account: it will own the restored shop.";
    if (!parsed.ok || !owner || !file) return data({ errors }, { status: 400 });
    const { slug, name } = parsed.value;
    try {
      const shop = await restoreShopBundle(context.services.db, context.services.media, createReadStream(file.getFilePath()), {
        slug,
        name,
        ownerId: owner.id,
      });
      context.services.registry.invalidate();
      await context.services.recommendations.follow(shop);
      await logOperatorAction(context.services.db, operator, {
        action: "shop.restore",
        shopId: shop.id,
        detail: `From ${file.name.replace(/^upload-/, "")}`,
        ip: context.clientAddress,
      });
      throw redirect(`/operator/shops/${shop.id}`);
    } catch (error) {
      if (error instanceof SlugUnavailableError) return data({ errors: { slug: SLUG_MESSAGES[error.problem] } as Errors }, { status: 400 });
      if (error instanceof BundleError) return data({ errors: { bundle: error.message } as Errors }, { status: 400 });
      throw error;
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export default function RestoreShop() {
  const { email, maxGigabytes } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>()?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <OperatorHeader email={email} />
      <main className="wide stack">
        <h1>Restore a shop</h1>
        <p className="muted">
          A bundle downloaded from a shop&apos;s page (or by its owner) becomes a new shop at a new address, with its products, images, customers, orders, pages
          and settings. The original shop is not touched.
        </p>
        <Form method="post" encType="multipart/form-data" className="card stack" noValidate>
          <Field label="Shop bundle" name="bundle" error={errors.bundle} hint={`A .bazaar.gz file, up to ${maxGigabytes} GB.`}>
            <input id="bundle" name="bundle" type="file" accept=".gz,application/gzip" required {...fieldAria("bundle", errors.bundle, true)} />
          </Field>
          <Field label="New address" name="slug" error={errors.slug} hint="The restored shop's subdomain: lowercase letters, digits and dashes.">
            <input id="slug" name="slug" required autoComplete="off" {...fieldAria("slug", errors.slug, true)} />
          </Field>
          <Field label="Shop name" name="name" error={errors.name} hint="Leave blank to keep the name in the bundle.">
            <input id="name" name="name" maxLength={100} {...fieldAria("name", errors.name, true)} />
          </Field>
          <Field label="Owner's email" name="owner" error={errors.owner} hint="An existing merchant account.">
            <input id="owner" name="owner" type="email" required autoComplete="off" {...fieldAria("owner", errors.owner, true)} />
          </Field>
          <div>
            <button type="submit" disabled={busy}>
              {busy ? "Restoring…" : "Restore into a new shop"}
            </button>
          </div>
        </Form>
      </main>
    </>
  );
}
