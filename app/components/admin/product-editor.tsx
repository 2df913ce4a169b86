import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { ProductDraft, VariantDraft } from "../../../shop/product-drafts.server.ts";
import { toInputAmount } from "../../../shop/money.ts";
import { Field } from "../field.tsx";
import { ProductImages, type NewImage, type StoredImage } from "./product-images.tsx";
import { RichTextField } from "./product-rich-text.tsx";
import { useHydrated } from "../../utils/use-hydrated.ts";

export interface ProductEditorProps {
  shopSlug: string;
  currency: string;
  /** The shop's locale: placeholders show its decimal mark. */
  locale: string;
  draft: ProductDraft;
  errors: Record<string, string>;
  notice: string | null;
  /** Changes whenever the server hands back a new draft, so the form starts over from it. */
  revision: string;
  /** The product's stored images, in the order shown. */
  images: StoredImage[];
  /** True when the page was loaded after a save: the files chosen before it are stored now. */
  saved: boolean;
  /** Absent on the new-product page. */
  product?: {
    id: string;
    handle: string;
    redirects: string[];
    storefrontUrl: string;
  };
}

type StockRow = Pick<VariantDraft, "inventoryQuantity" | "continueSelling">;

/** What a shopper sees of the product, in words, from its status and its variants' stock. */
export function shopperView(status: string, variants: StockRow[]): string {
  if (status === "draft") return "Shoppers can't see this product: it's a draft.";
  if (status === "archived") return "Shoppers can't see this product: it's archived.";
  const soldOut = variants.filter((v) => !v.continueSelling && !(Number.parseInt(v.inventoryQuantity, 10) > 0)).length;
  if (!soldOut) return "Shoppers can buy this product now.";
  if (soldOut === variants.length)
    return `Shoppers will see Sold out: stock is 0${variants.length > 1 ? " for every variant" : ""}. Set the inventory, or tick "Sell when out of stock".`;
  return `Shoppers can buy ${variants.length - soldOut} of ${variants.length} variants; ${soldOut} show Sold out (stock is 0).`;
}

/** The status and stock fields as the form holds them now. */
function stockOf(form: HTMLFormElement, count: number): { status: string; variants: StockRow[] } {
  const data = new FormData(form);
  return {
    status: String(data.get("status") ?? ""),
    variants: Array.from({ length: count }, (_, i) => ({
      inventoryQuantity: String(data.get(`variants.${i}.inventoryQuantity`) ?? ""),
      continueSelling: data.get(`variants.${i}.continueSelling`) === "on",
    })),
  };
}

const STATUSES = [
  { value: "active", label: "Active", hint: "For sale in the shop." },
  { value: "draft", label: "Draft", hint: "Hidden from the shop while you work on it." },
  { value: "archived", label: "Archived", hint: "Hidden from the shop, kept for your records." },
];

const BULK_ACTIONS = [
  { value: "price", label: "Set price" },
  { value: "compareAtPrice", label: "Set compare-at price" },
  { value: "inventoryQuantity", label: "Set inventory" },
  { value: "weightGrams", label: "Set weight (g)" },
  { value: "continueSelling", label: "Continue selling when out of stock" },
  { value: "stopSelling", label: "Stop selling when out of stock" },
  { value: "delete", label: "Delete selected" },
];

const SEO_DESCRIPTION_HINT = "Up to 320 characters.";

function describedBy(name: string, error: string | undefined, hint?: string) {
  return error ? `${name}-error` : hint ? `${name}-hint` : undefined;
}

function TextField({
  label,
  name,
  defaultValue,
  error,
  hint,
  ...input
}: { label: string; name: string; defaultValue: string; error?: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} name={name} error={error} hint={hint}>
      <input id={name} name={name} defaultValue={defaultValue} aria-invalid={Boolean(error)} aria-describedby={describedBy(name, error, hint)} {...input} />
    </Field>
  );
}

function variantLabel(v: VariantDraft): string {
  return v.optionValues.length ? v.optionValues.join(" / ") : "Default";
}

/** One input in the variants table, with its error under it. */
function Cell({
  name,
  label,
  defaultValue,
  error,
  ...input
}: { name: string; label: string; defaultValue: string; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <td>
      <input
        id={name}
        name={name}
        aria-label={label}
        defaultValue={defaultValue}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${name}-error` : undefined}
        {...input}
      />
      {error ? (
        <p className="error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </td>
  );
}

export function ProductEditor({ shopSlug, currency, locale, draft, errors, notice, revision, images, saved, product }: ProductEditorProps) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const saving = busy && navigation.formData?.get("intent") === "save";
  const form = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();
  const errorCount = Object.keys(errors).length;
  const amountPlaceholder = toInputAmount(0, currency, locale);
  const base = `/admin/${shopSlug}/products`;
  const statusHint = STATUSES.find((s) => s.value === draft.status)?.hint;
  // Outside the form, which starts over on every round trip: the files chosen stay until they're saved.
  const [newImages, setNewImages] = useState<NewImage[]>([]);
  useEffect(() => {
    if (saved) setNewImages([]);
  }, [saved, revision]);
  const [stock, setStock] = useState({ status: draft.status, variants: draft.variants as StockRow[] });
  useEffect(() => setStock({ status: draft.status, variants: draft.variants }), [draft]);

  function selectAll(checked: boolean) {
    form.current?.querySelectorAll<HTMLInputElement>("input[data-variant-select]").forEach((box) => (box.checked = checked));
  }

  return (
    <Form
      method="post"
      encType="multipart/form-data"
      noValidate
      preventScrollReset
      ref={form}
      key={revision}
      className="product-editor"
      aria-busy={busy}
      onChange={() => form.current && setStock(stockOf(form.current, draft.variants.length))}
    >
      <div className="page-head">
        <div>
          <p className="crumb">
            <Link to={base}>Products</Link>
          </p>
          <h1>{product ? draft.title || "Untitled product" : "Add product"}</h1>
        </div>
        <div className="head-actions">
          {/* First submit button in the form: Enter in any field saves. */}
          <button type="submit" name="intent" value="save" disabled={busy}>
            {saving ? "Saving…" : "Save"}
          </button>
          {product ? (
            <>
              <Link className="button secondary" to={`${base}/${product.id}/media`}>
                Media
              </Link>
              <Link className="button secondary" to={`${base}/${product.id}/recommendations`}>
                Recommendations
              </Link>
            </>
          ) : null}
        </div>
      </div>

      {notice ? (
        <p className="flash" role="status">
          {notice}
        </p>
      ) : null}
      {errorCount ? (
        <p className="banner" role="alert">
          {errors.planLimit ??
            errors.product ??
            errors.form ??
            `Nothing was saved: ${errorCount === 1 ? "one field needs" : `${errorCount} fields need`} your attention.`}
          {errors.planLimit ? (
            <>
              {" "}
              <Link to={base.replace(/\/products$/, "/billing")}>See plans</Link>
            </>
          ) : null}
        </p>
      ) : null}

      <div className="editor-layout">
        <div className="editor-main">
          <section className="card stack">
            <TextField label="Title" name="title" defaultValue={draft.title} error={errors.title} required maxLength={255} placeholder="Short-sleeve T-shirt" />
            <RichTextField
              name="descriptionHtml"
              label="Description"
              defaultValue={draft.descriptionHtml}
              error={errors.descriptionHtml}
              hint="Formatting, links, lists and images. Scripts and styles are removed when you save."
            />
          </section>

          <ProductImages images={images} newImages={newImages} onNewImages={setNewImages} errors={errors} />

          <section className="card stack" aria-labelledby="options-heading">
            <h2 id="options-heading">Options</h2>
            <p className="hint">Options such as size or colour. Each combination of their values becomes a variant.</p>
            <input type="hidden" name="optionCount" value={draft.options.length} />
            {draft.options.map((option, i) => (
              <fieldset key={i} className="option-row">
                <legend className="visually-hidden">Option {i + 1}</legend>
                <TextField
                  label={`Option ${i + 1} name`}
                  name={`options.${i}.name`}
                  defaultValue={option.name}
                  error={errors[`options.${i}.name`]}
                  placeholder="Size"
                />
                <TextField
                  label="Values"
                  name={`options.${i}.values`}
                  defaultValue={option.values}
                  error={errors[`options.${i}.values`]}
                  hint="Separate values with commas."
                  placeholder="Small, Medium, Large"
                />
                <button type="submit" name="intent" value={`remove-option:${i}`} className="secondary" aria-label={`Remove option ${option.name || i + 1}`}>
                  Remove
                </button>
              </fieldset>
            ))}
            {errors.options ? (
              <p className="error" id="options-error">
                {errors.options}
              </p>
            ) : null}
            <div className="row-actions">
              <button type="submit" name="intent" value="add-option" className="secondary">
                Add option
              </button>
              {draft.options.length ? (
                <button type="submit" name="intent" value="generate" className="secondary">
                  Generate variants
                </button>
              ) : null}
            </div>
          </section>
        </div>

        <aside className="editor-side">
          <section className="card stack">
            <Field label="Status" name="status" error={errors.status} hint={statusHint}>
              <select
                id="status"
                name="status"
                defaultValue={draft.status}
                aria-invalid={Boolean(errors.status)}
                aria-describedby={describedBy("status", errors.status, statusHint)}
              >
                {STATUSES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
            <p className="shopper-view" role="status" aria-live="polite">
              {shopperView(stock.status, stock.variants)}
            </p>
          </section>

          <section className="card stack" aria-labelledby="organisation-heading">
            <h2 id="organisation-heading">Organisation</h2>
            <TextField label="Vendor" name="vendor" defaultValue={draft.vendor} error={errors.vendor} maxLength={255} />
            <TextField label="Product type" name="productType" defaultValue={draft.productType} error={errors.productType} maxLength={255} />
            <TextField label="Tags" name="tags" defaultValue={draft.tags} error={errors.tags} hint="Separate tags with commas." />
          </section>

          <section className="card stack" aria-labelledby="seo-heading">
            <h2 id="seo-heading">Search engines</h2>
            <TextField
              label="Handle"
              name="handle"
              defaultValue={draft.handle}
              error={errors.handle}
              autoCapitalize="none"
              spellCheck={false}
              hint={product ? "Part of the product's address. Old addresses keep working." : "Part of the product's address; leave blank to use the title."}
            />
            {product?.redirects.length ? <p className="hint">{`Also reached from: ${product.redirects.map((h) => `/products/${h}`).join(", ")}`}</p> : null}
            <TextField
              label="Page title"
              name="seoTitle"
              defaultValue={draft.seoTitle}
              error={errors.seoTitle}
              maxLength={70}
              hint="Up to 70 characters; blank uses the title."
            />
            <Field label="Meta description" name="seoDescription" error={errors.seoDescription} hint={SEO_DESCRIPTION_HINT}>
              <textarea
                id="seoDescription"
                name="seoDescription"
                defaultValue={draft.seoDescription}
                rows={3}
                maxLength={320}
                aria-invalid={Boolean(errors.seoDescription)}
                aria-describedby={describedBy("seoDescription", errors.seoDescription, SEO_DESCRIPTION_HINT)}
              />
            </Field>
          </section>

          {product ? (
            <section className="card stack">
              <a href={`${product.storefrontUrl}/products/${product.handle}`} target="_blank" rel="noreferrer">
                View in shop
              </a>
              <button
                type="submit"
                name="intent"
                value="delete"
                className="danger"
                onClick={(e) => {
                  if (!window.confirm("Delete this product and its variants? This can't be undone.")) e.preventDefault();
                }}
              >
                Delete product
              </button>
            </section>
          ) : null}
        </aside>

        <section className="card stack variants-card" aria-labelledby="variants-heading">
          <h2 id="variants-heading">
            Variants <span className="muted">({draft.variants.length})</span>
          </h2>
          <input type="hidden" name="builtFrom" value={JSON.stringify(draft.builtFrom)} />
          <input type="hidden" name="version" value={draft.version} />
          <input type="hidden" name="variantCount" value={draft.variants.length} />
          {errors.variants ? (
            <p className="error" id="variants-error">
              {errors.variants}
            </p>
          ) : null}
          <div className="bulk-bar" role="group" aria-label="Change selected variants">
            <label htmlFor="bulkAction">With selected</label>
            <select id="bulkAction" name="bulkAction" defaultValue="price">
              {BULK_ACTIONS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
            <input
              id="bulkValue"
              name="bulkValue"
              aria-label="New value"
              placeholder="Value"
              className="bulk-value"
              aria-invalid={Boolean(errors.bulkValue)}
              aria-describedby={errors.bulkValue ? "bulkValue-error" : undefined}
            />
            <button type="submit" name="intent" value="bulk" className="secondary">
              Apply to selected
            </button>
          </div>
          {errors.bulk ? (
            <p className="error" id="bulk-error">
              {errors.bulk}
            </p>
          ) : null}
          {errors.bulkValue ? (
            <p className="error" id="bulkValue-error">
              {errors.bulkValue}
            </p>
          ) : null}
          <div className="table-scroll">
            <table className="variants-table">
              <thead>
                <tr>
                  <th scope="col" className="check">
                    {hydrated ? (
                      <input type="checkbox" aria-label="Select all variants" onChange={(e) => selectAll(e.target.checked)} />
                    ) : (
                      <span className="visually-hidden">Select</span>
                    )}
                  </th>
                  <th scope="col">Variant</th>
                  <th scope="col">Price ({currency})</th>
                  <th scope="col">Compare-at</th>
                  <th scope="col">Inventory</th>
                  <th scope="col" className="wrap">
                    Sell when out of stock
                  </th>
                  <th scope="col">SKU</th>
                  <th scope="col">Weight (g)</th>
                </tr>
              </thead>
              <tbody>
                {draft.variants.map((v, i) => {
                  const name = variantLabel(v);
                  const optionError = errors[`variants.${i}.optionValues`];
                  return (
                    <tr key={i}>
                      <td className="check">
                        <input type="checkbox" name={`variants.${i}.selected`} data-variant-select defaultChecked={v.selected} aria-label={`Select ${name}`} />
                      </td>
                      <th scope="row">
                        {v.optionValues.map((value, o) => (
                          <input key={o} type="hidden" name={`variants.${i}.option.${o}`} value={value} />
                        ))}
                        {name}
                        {optionError ? <p className="error">{optionError}</p> : null}
                      </th>
                      <Cell
                        name={`variants.${i}.price`}
                        label={`Price for ${name}`}
                        defaultValue={v.price}
                        error={errors[`variants.${i}.price`]}
                        inputMode="decimal"
                        placeholder={amountPlaceholder}
                        className="amount"
                      />
                      <Cell
                        name={`variants.${i}.compareAtPrice`}
                        label={`Compare-at price for ${name}`}
                        defaultValue={v.compareAtPrice}
                        error={errors[`variants.${i}.compareAtPrice`]}
                        inputMode="decimal"
                        className="amount"
                      />
                      <Cell
                        name={`variants.${i}.inventoryQuantity`}
                        label={`Inventory for ${name}`}
                        defaultValue={v.inventoryQuantity}
                        error={errors[`variants.${i}.inventoryQuantity`]}
                        inputMode="numeric"
                        className="number"
                      />
                      <td className="check">
                        <input
                          type="checkbox"
                          name={`variants.${i}.continueSelling`}
                          defaultChecked={v.continueSelling}
                          aria-label={`Continue selling ${name} when out of stock`}
                        />
                      </td>
                      <Cell name={`variants.${i}.sku`} label={`SKU for ${name}`} defaultValue={v.sku} error={errors[`variants.${i}.sku`]} className="sku" />
                      <Cell
                        name={`variants.${i}.weightGrams`}
                        label={`Weight in grams for ${name}`}
                        defaultValue={v.weightGrams}
                        error={errors[`variants.${i}.weightGrams`]}
                        inputMode="numeric"
                        className="number"
                      />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </Form>
  );
}
