import { Form, Link, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Field, fieldAria } from "../field.tsx";
import type { CollectionDraft } from "../../utils/collection-editor.server.ts";
import { RichTextField } from "./product-rich-text.tsx";

const FIELD_LABELS: Record<string, string> = {
  tag: "Product tag",
  product_type: "Product type",
  vendor: "Vendor",
  price: "Price",
  inventory: "Inventory (total stock)",
};

const RELATION_LABELS: Record<string, string> = {
  equals: "is equal to",
  not_equals: "is not equal to",
  contains: "contains",
  greater_than: "is greater than",
  less_than: "is less than",
};

/** One condition; with JavaScript, the comparisons follow the chosen field. */
function RuleRow({
  index,
  rule,
  relations,
  errors,
  currency,
}: {
  index: number;
  rule: CollectionDraft["rules"][number];
  relations: Record<string, string[]>;
  errors: Record<string, string>;
  currency: string;
}) {
  const [field, setField] = useState(rule.field);
  const choices = relations[field] ?? Object.keys(RELATION_LABELS);
  const name = (part: string) => `rules.${index}.${part}`;
  const error = errors[name("field")] ?? errors[name("relation")] ?? errors[name("value")];
  const errorId = `rules.${index}-error`;
  return (
    <fieldset className="rule-fieldset">
      <legend className="visually-hidden">Condition {index + 1}</legend>
      <div className="rule-row">
        <select
          name={name("field")}
          aria-label={`Condition ${index + 1}: field`}
          defaultValue={rule.field}
          onChange={(e) => setField(e.target.value)}
          aria-invalid={Boolean(errors[name("field")])}
          aria-describedby={error ? errorId : undefined}
        >
          {Object.keys(relations).map((f) => (
            <option key={f} value={f}>
              {FIELD_LABELS[f] ?? f}
            </option>
          ))}
        </select>
        <select
          name={name("relation")}
          aria-label={`Condition ${index + 1}: comparison`}
          defaultValue={rule.relation}
          aria-invalid={Boolean(errors[name("relation")])}
          aria-describedby={error ? errorId : undefined}
        >
          {choices.map((r) => (
            <option key={r} value={r}>
              {RELATION_LABELS[r] ?? r}
            </option>
          ))}
        </select>
        <input
          name={name("value")}
          aria-label={`Condition ${index + 1}: value`}
          defaultValue={rule.value}
          placeholder={field === "price" ? `Amount in ${currency}` : field === "inventory" ? "Whole number" : "Value"}
          aria-invalid={Boolean(errors[name("value")])}
          aria-describedby={error ? errorId : undefined}
        />
        <button type="submit" name="intent" value={`remove-rule:${index}`} className="secondary" aria-label={`Remove condition ${index + 1}`}>
          Remove
        </button>
      </div>
      {error ? (
        <p className="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function CollectionForm({
  shopSlug,
  draft,
  errors,
  notice,
  revision,
  parents,
  relations,
  currency,
  collectionId,
}: {
  shopSlug: string;
  draft: CollectionDraft;
  errors: Record<string, string>;
  notice: string | null;
  revision: string;
  parents: { id: string; title: string; handle: string }[];
  relations: Record<string, string[]>;
  currency: string;
  /** Absent on the new-collection page; the type is fixed once created. */
  collectionId?: string;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const errorCount = Object.keys(errors).length;
  const base = `/admin/${shopSlug}/collections`;
  return (
    <Form method="post" noValidate preventScrollReset key={revision} className="collection-form">
      <input type="hidden" name="version" value={draft.version} />
      <div className="page-head">
        <div>
          <p className="crumb">
            <Link to={base}>Collections</Link>
          </p>
          <h1>{collectionId ? draft.title || "Untitled collection" : "Add collection"}</h1>
        </div>
        <div className="head-actions">
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
          {errors.collection ?? errors.form ?? `Nothing was saved: ${errorCount === 1 ? "one field needs" : `${errorCount} fields need`} your attention.`}
        </p>
      ) : null}

      <div className="editor-layout">
        <div className="editor-main">
          <section className="card stack">
            <Field label="Title" name="title" error={errors.title}>
              <input id="title" name="title" defaultValue={draft.title} maxLength={255} placeholder="Summer collection" {...fieldAria("title", errors.title)} />
            </Field>
            <RichTextField name="descriptionHtml" label="Description" defaultValue={draft.descriptionHtml} error={errors.descriptionHtml} />
          </section>

          <section className="card stack" aria-labelledby="kind-heading">
            <h2 id="kind-heading">Collection type</h2>
            {collectionId ? (
              <>
                <input type="hidden" name="kind" value={draft.kind} />
                <p>
                  {draft.kind === "manual"
                    ? "Manual: you add products by hand and choose their order."
                    : "Automated: products that meet the conditions join by themselves."}
                </p>
              </>
            ) : (
              <div className="kind-choice" role="radiogroup" aria-labelledby="kind-heading">
                <label>
                  <input type="radio" name="kind" value="manual" defaultChecked={draft.kind !== "automated"} />
                  <span>
                    <strong>Manual</strong> Add products one by one and put them in order.
                  </span>
                </label>
                <label>
                  <input type="radio" name="kind" value="automated" defaultChecked={draft.kind === "automated"} />
                  <span>
                    <strong>Automated</strong> Products that meet the conditions join, now and in the future.
                  </span>
                </label>
                {errors.kind ? (
                  <p className="error" id="kind-error">
                    {errors.kind}
                  </p>
                ) : null}
              </div>
            )}
          </section>

          {draft.kind === "automated" || !collectionId ? (
            <section className="card stack rules-card" aria-labelledby="rules-heading">
              <h2 id="rules-heading">Conditions</h2>
              <div className="match-choice" role="radiogroup" aria-label="Products must match">
                <span>Products must match</span>
                <label>
                  <input type="radio" name="rulesMatch" value="all" defaultChecked={draft.rulesMatch !== "any"} /> all conditions
                </label>
                <label>
                  <input type="radio" name="rulesMatch" value="any" defaultChecked={draft.rulesMatch === "any"} /> any condition
                </label>
              </div>
              <input type="hidden" name="ruleCount" value={draft.rules.length} />
              {draft.rules.map((rule, i) => (
                <RuleRow key={i} index={i} rule={rule} relations={relations} errors={errors} currency={currency} />
              ))}
              {errors.rules ? (
                <p className="error" id="rules-error">
                  {errors.rules}
                </p>
              ) : null}
              <div className="row-actions">
                <button type="submit" name="intent" value="add-rule" className="secondary">
                  Add condition
                </button>
              </div>
            </section>
          ) : null}
        </div>

        <aside className="editor-side">
          <section className="card stack">
            <Field label="Parent collection" name="parentId" error={errors.parentId} hint="Nest this collection inside another one.">
              <select id="parentId" name="parentId" defaultValue={draft.parentId} {...fieldAria("parentId", errors.parentId, true)}>
                <option value="">None (top level)</option>
                {parents.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </Field>
          </section>
          <section className="card stack" aria-labelledby="seo-heading">
            <h2 id="seo-heading">Search engines</h2>
            <Field label="Handle" name="handle" error={errors.handle} hint="Part of the collection's address; blank uses the title.">
              <input
                id="handle"
                name="handle"
                defaultValue={draft.handle}
                autoCapitalize="none"
                spellCheck={false}
                {...fieldAria("handle", errors.handle, true)}
              />
            </Field>
            <Field label="Page title" name="seoTitle" error={errors.seoTitle}>
              <input id="seoTitle" name="seoTitle" defaultValue={draft.seoTitle} maxLength={70} {...fieldAria("seoTitle", errors.seoTitle)} />
            </Field>
            <Field label="Meta description" name="seoDescription" error={errors.seoDescription}>
              <textarea
                id="seoDescription"
                name="seoDescription"
                defaultValue={draft.seoDescription}
                rows={3}
                maxLength={320}
                {...fieldAria("seoDescription", errors.seoDescription)}
              />
            </Field>
          </section>
          {collectionId ? (
            <section className="card stack">
              <button
                type="submit"
                name="intent"
                value="delete"
                className="danger"
                onClick={(e) => {
                  if (!window.confirm("Delete this collection? Its products stay in the catalogue.")) e.preventDefault();
                }}
              >
                Delete collection
              </button>
            </section>
          ) : null}
        </aside>
      </div>
    </Form>
  );
}
