import { Form, Link, useNavigation } from "@remix-run/react";
import { Field, fieldAria } from "../field.tsx";
import type { PageDraft } from "../../utils/page-editor.server.ts";
import { RichTextField } from "./product-rich-text.tsx";

export function PageForm({
  shopSlug,
  draft,
  errors,
  notice,
  revision,
  saved,
}: {
  shopSlug: string;
  draft: PageDraft;
  errors: Record<string, string>;
  notice: string | null;
  revision: string;
  /** The stored page, on its edit page: where shoppers find it while it is visible. */
  saved?: { handle: string; visible: boolean; storefrontUrl: string | null };
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const errorCount = Object.keys(errors).length;
  const base = `/admin/${shopSlug}/pages`;
  return (
    <Form method="post" noValidate preventScrollReset key={revision} className="page-form">
      <input type="hidden" name="version" value={draft.version} />
      <div className="page-head">
        <div>
          <p className="crumb">
            <Link to={base}>Pages</Link>
          </p>
          <h1>{saved ? draft.title || "Untitled page" : "Add page"}</h1>
        </div>
        <div className="head-actions">
          {saved?.visible && saved.storefrontUrl ? (
            <a href={`${saved.storefrontUrl}/pages/${saved.handle}`} target="_blank" rel="noreferrer">
              View on your shop
            </a>
          ) : null}
          <button type="submit" name="intent" value="save" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </div>
      </div>
      {notice ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      {errorCount ? (
        <p className="banner" role="alert">
          {errors.page ?? errors.form ?? `Nothing was saved: ${errorCount === 1 ? "one field needs" : `${errorCount} fields need`} your attention.`}
        </p>
      ) : null}

      <div className="editor-layout">
        <div className="editor-main">
          <section className="card stack">
            <Field label="Title" name="title" error={errors.title}>
              <input id="title" name="title" defaultValue={draft.title} maxLength={255} placeholder="About us" {...fieldAria("title", errors.title)} />
            </Field>
            <RichTextField
              name="bodyHtml"
              label="Content"
              defaultValue={draft.bodyHtml}
              error={errors.bodyHtml}
              hint="Basic HTML: paragraphs, headings, lists, links, images and tables. Scripts, styles and anything else are removed when you save."
            />
          </section>
        </div>

        <aside className="editor-side">
          <section className="card stack">
            <fieldset className="visibility-choice" aria-describedby={errors.visibility ? "visibility-error" : undefined}>
              <legend>Visibility</legend>
              <label>
                <input
                  type="radio"
                  name="visibility"
                  value="visible"
                  defaultChecked={draft.visibility !== "hidden"}
                  aria-invalid={Boolean(errors.visibility)}
                />
                <span>
                  <strong>Visible</strong> On your shop at its address, linked from its footer and in the sitemap.
                </span>
              </label>
              <label>
                <input type="radio" name="visibility" value="hidden" defaultChecked={draft.visibility === "hidden"} aria-invalid={Boolean(errors.visibility)} />
                <span>
                  <strong>Hidden</strong> Not on your shop: only here, in the admin.
                </span>
              </label>
              {errors.visibility ? (
                <p className="error" id="visibility-error">
                  {errors.visibility}
                </p>
              ) : null}
            </fieldset>
          </section>
          <section className="card stack" aria-labelledby="seo-heading">
            <h2 id="seo-heading">Search engines</h2>
            <Field label="Handle" name="handle" error={errors.handle} hint="The page's address is /pages/ and its handle; blank uses the title.">
              <input
                id="handle"
                name="handle"
                defaultValue={draft.handle}
                maxLength={255}
                autoCapitalize="none"
                spellCheck={false}
                {...fieldAria("handle", errors.handle, true)}
              />
            </Field>
            <Field label="Page title" name="seoTitle" error={errors.seoTitle} hint="Blank uses the title.">
              <input id="seoTitle" name="seoTitle" defaultValue={draft.seoTitle} maxLength={70} {...fieldAria("seoTitle", errors.seoTitle, true)} />
            </Field>
            <Field label="Meta description" name="seoDescription" error={errors.seoDescription} hint="Blank uses the start of the content.">
              <textarea
                id="seoDescription"
                name="seoDescription"
                defaultValue={draft.seoDescription}
                rows={3}
                maxLength={320}
                {...fieldAria("seoDescription", errors.seoDescription, true)}
              />
            </Field>
          </section>
          {saved ? (
            <section className="card stack">
              <button
                type="submit"
                name="intent"
                value="delete"
                className="danger"
                onClick={(e) => {
                  if (!window.confirm("Delete this page? Its address stops working for shoppers.")) e.preventDefault();
                }}
              >
                Delete page
              </button>
            </section>
          ) : null}
        </aside>
      </div>
    </Form>
  );
}
