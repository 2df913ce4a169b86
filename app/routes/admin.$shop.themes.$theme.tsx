import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { shopOrigin } from "../../server/config.ts";
import { FONTS } from "../../themes/fonts.ts";
import { showDefaultTexts, storeDefaultTexts } from "../../themes/default-texts.ts";
import { findThemeManifest } from "../../themes/manifest.ts";
import {
  COLOR_LABELS,
  contrastWarnings,
  LIMITS,
  newSection,
  SECTION_LABELS,
  settingsFromForm,
  type HomeSection,
  type SectionType,
  type SettingsErrors,
  type ThemeColors,
  type ThemeSettings,
} from "../../themes/settings.ts";
import { Field } from "../components/field.tsx";
import {
  collectionChoices,
  listThemes,
  productChoices,
  publishTheme,
  resetThemeDraft,
  saveThemeDraft,
  shopperIntl,
  staleEditMessage,
  StaleEditError,
  ThemeSettingsError,
  themeDraft,
  themeDraftVersion,
} from "../domain.server.ts";
import { themeEditorForm } from "../utils/admin-forms.server.ts";
import { parseForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { useHydrated } from "../utils/use-hydrated.ts";
import styles from "../styles/themes.css";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.theme.name ?? "Theme"} · Themes · Bazaar admin` }];

function manifestFor(themeId: string | undefined) {
  const manifest = themeId ? findThemeManifest(themeId) : undefined;
  if (!manifest) throw new Response("Not found", { status: 404 });
  return manifest;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "themes");
  const manifest = manifestFor(params.theme);
  // The version first: a save between the two reads then looks newer than the settings shown, and is reported, not lost.
  const version = await themeDraftVersion(db, manifest.id);
  const [draft, themes, collections, products, intl] = await Promise.all([
    themeDraft(db, manifest.id),
    listThemes(db),
    collectionChoices(db),
    productChoices(db),
    shopperIntl(db),
  ]);
  // The theme's untouched texts in the storefront's language: the merchant sees what shoppers read.
  const settings = { ...draft, sections: showDefaultTexts(draft.sections, intl) };
  const state = themes.find((t) => t.id === manifest.id)!;
  // A fresh token on every load: the preview frame reloads with it after each save.
  const previewQuery = new URLSearchParams({
    preview_token: await context.services.storefrontAccess.createPreviewToken(shop.id, manifest.id),
    preview: "draft",
  }).toString();
  return {
    slug: shop.slug,
    theme: { id: manifest.id, name: manifest.name, schema: manifest.schema, live: state.live, unpublishedChanges: state.unpublishedChanges },
    settings,
    version,
    previewOrigin: shopOrigin(context.services.config, shop.slug),
    previewQuery,
    previewPaths: [
      { label: "Home page", path: "/" },
      { label: "All products", path: "/collections/all" },
      ...(products[0] ? [{ label: `Product: ${products[0].title}`, path: `/products/${products[0].handle}` }] : []),
    ],
    collections,
    products,
  };
}

/** Applies the editor's section buttons (add, remove, move) to the posted sections. */
function applySectionIntent(input: Record<string, unknown>, intent: string, newType: string): void {
  const sections = input.sections as Record<string, unknown>[];
  const [action, indexText] = intent.split(":");
  const index = Number(indexText);
  if (action === "add" && newType in SECTION_LABELS) {
    const ids = new Set(sections.map((s) => s.id));
    let n = sections.length + 1;
    while (ids.has(`${newType}-${n}`)) n++;
    sections.push({ ...newSection(newType as SectionType, `${newType}-${n}`) });
  } else if (action === "remove" && sections[index]) {
    sections.splice(index, 1);
  } else if (action === "up" || action === "down") {
    const target = action === "up" ? index - 1 : index + 1;
    // Both ends must be posted sections: a move of an index the form doesn't hold (a stale or forged button) does nothing.
    if (sections[index] && sections[target]) [sections[index], sections[target]] = [sections[target], sections[index]];
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor, shop } = await requireShopAdmin(context, request, params.shop, "themes");
  const manifest = manifestFor(params.theme);
  const form = await request.formData();
  const parsed = parseForm(form, themeEditorForm());
  const editor = `/admin/${shop.slug}/themes/${manifest.id}`;
  // The editor shows the theme's untouched texts in the storefront's language; they are saved as untouched again.
  const intl = await shopperIntl(db);
  const input = settingsFromForm(form);
  input.sections = storeDefaultTexts(input.sections as Record<string, unknown>[], intl);
  const shown = () => ({ ...input, sections: showDefaultTexts(input.sections as Record<string, unknown>[], intl) });
  if (!parsed.ok) {
    // The buttons and the version are hidden: their message is the whole form's.
    const { intent: unknown, newSectionType, autosave, ...errors } = parsed.errors;
    const whole = unknown ?? newSectionType ?? autosave ?? errors.form;
    return data({ errors: { ...errors, ...(whole ? { form: whole } : {}) }, values: shown(), savedAt: null, version: null, stale: null }, { status: 400 });
  }
  const { intent, newSectionType } = parsed.value;
  if (intent === "reset") {
    await resetThemeDraft(db, actor, manifest.id);
    throw redirect(`${editor}?done=reset&at=${Date.now()}`);
  }
  applySectionIntent(input, intent, newSectionType);
  const values = shown();
  let version: number;
  try {
    version = await saveThemeDraft(db, actor, manifest.id, input, { expectedVersion: parsed.value.version });
  } catch (error) {
    if (error instanceof ThemeSettingsError) return data({ errors: error.errors, values, savedAt: null, version: null, stale: null }, { status: 400 });
    // What was typed stays in the form, now on the newer version: the next save replaces the draft knowingly.
    if (error instanceof StaleEditError)
      return data({ errors: {}, values, savedAt: null, version: error.currentVersion, stale: staleEditMessage(error) }, { status: 409 });
    throw error;
  }
  if (intent === "publish") await publishTheme(db, actor, manifest.id);
  // Typing saves in the background (a fetcher): answer with data so the page stays put and only the preview reloads.
  if (parsed.value.autosave) return { errors: {} as SettingsErrors, values: null, savedAt: Date.now(), version, stale: null };
  throw redirect(`${editor}?done=${intent === "publish" ? "publish" : "save"}&at=${Date.now()}`);
}

/** Preview widths: a desktop fills the space; a phone is 390 px wide (themes.css). */
const PREVIEW_WIDTHS = { desktop: { label: "Desktop" }, phone: { label: "Phone" } } as const;
type PreviewWidth = keyof typeof PREVIEW_WIDTHS;

const DONE_MESSAGES: Record<string, string> = {
  save: "Draft saved.",
  publish: "Published: shoppers see these settings now.",
  reset: "The draft is back to the theme's defaults. Publish to apply them to your shop.",
};

export default function ThemeEditor() {
  const loaderData = useLoaderData<typeof loader>();
  const { slug, theme, previewOrigin, previewQuery, previewPaths, collections, products } = loaderData;
  const actionData = useActionData<typeof action>();
  const autosave = useFetcher<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const inFlight = useRef(false);
  useEffect(() => {
    inFlight.current = autosave.state !== "idle";
  }, [autosave.state]);

  // The version the next save is based on, and the refusal to show: the loader's when the form mounts again after a
  // full save (a new `at`), then whatever each answer says, a refusal's included, so saving again is a knowing choice.
  // Never a revalidated loader's alone: the fields, typed over, don't show what that version holds.
  const at = searchParams.get("at");
  const [based, setBased] = useState({
    at,
    fetched: autosave.data,
    posted: actionData,
    version: actionData?.version ?? loaderData.version,
    stale: actionData?.stale ?? null,
  });
  if (based.at !== at) setBased({ at, fetched: autosave.data, posted: actionData, version: loaderData.version, stale: null });
  else if (based.fetched !== autosave.data || based.posted !== actionData) {
    const answer = based.fetched !== autosave.data ? autosave.data : actionData;
    setBased({ at, fetched: autosave.data, posted: actionData, version: answer?.version ?? based.version, stale: answer?.stale ?? null });
  }

  const invalid = autosave.data?.values ?? actionData?.values;
  const errors: SettingsErrors = autosave.data?.errors ?? actionData?.errors ?? {};
  const settings = (actionData?.values ?? loaderData.settings) as ThemeSettings;
  const [colors, setColors] = useState<ThemeColors>(settings.colors);
  useEffect(() => setColors(settings.colors), [settings.colors]);
  const warnings = contrastWarnings(colors);

  const [previewPath, setPreviewPath] = useState("/");
  const [previewWidth, setPreviewWidth] = useState<PreviewWidth>("desktop");
  const previewSrc = `${previewOrigin}${previewPath}?${previewQuery}`;
  const hydrated = useHydrated();

  // Save the draft half a second after the merchant stops typing; the new preview token then reloads the frame.
  const scheduleSave = () => {
    const form = formRef.current;
    if (!form) return;
    const colorValues = Object.fromEntries(
      (Object.keys(COLOR_LABELS) as (keyof ThemeColors)[]).map((key) => [key, String(new FormData(form).get(`colors.${key}`) ?? "")]),
    ) as unknown as ThemeColors;
    setColors(colorValues);
    clearTimeout(timer.current);
    const save = () => {
      // One save at a time: a save cut off in flight may still land, and the next, on its old version, would be refused.
      if (inFlight.current) {
        timer.current = setTimeout(save, 200);
        return;
      }
      const body = new FormData(form);
      body.set("intent", "save");
      body.set("autosave", "1");
      autosave.submit(body, { method: "post" });
    };
    timer.current = setTimeout(save, 500);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  // With JavaScript, section buttons (add, move, remove) save through the fetcher: the page stays put, the loader
  // brings the new list and the preview reloads. Without it they submit the form like any other button.
  const submitSectionChange = (event: React.MouseEvent<HTMLButtonElement>) => {
    const form = formRef.current;
    if (!form) return;
    event.preventDefault();
    clearTimeout(timer.current);
    const body = new FormData(form);
    body.set("intent", event.currentTarget.value);
    body.set("autosave", "1");
    autosave.submit(body, { method: "post" });
  };

  const saving = autosave.state !== "idle";
  const status = saving
    ? "Saving draft…"
    : based.stale
      ? "Not saved: someone else changed this draft."
      : autosave.data && invalid
        ? "Fix the highlighted fields to update the preview."
        : autosave.data?.savedAt
          ? "Draft saved. Preview updated."
          : "";
  const done = searchParams.get("done");
  const busy = navigation.state === "submitting";
  const sectionsFull = settings.sections.length >= theme.schema.maxSections;

  return (
    <main>
      <div className="page-head">
        <h1>
          {theme.name} {theme.live ? <span className="status">Live</span> : null}
        </h1>
        <Link to={`/admin/${slug}/themes`}>All themes</Link>
      </div>
      {done && DONE_MESSAGES[done] ? (
        <p className="flash" role="status">
          {DONE_MESSAGES[done]}
        </p>
      ) : null}
      {based.stale ? (
        <p className="banner" role="alert">
          {based.stale}
        </p>
      ) : null}
      {actionData?.errors && Object.keys(actionData.errors).length ? (
        <p className="banner" role="alert">
          {errors.form ?? "Some settings need fixing; nothing was saved."}
        </p>
      ) : null}
      <div className="theme-editor">
        <div className="theme-controls">
          <Form
            method="post"
            ref={formRef}
            className="theme-form stack"
            onChange={scheduleSave}
            onSubmit={() => clearTimeout(timer.current)}
            key={searchParams.get("at") ?? "initial"}
            noValidate
          >
            <input type="hidden" name="version" value={based.version} />
            <fieldset>
              <legend>Colours</legend>
              <div className="color-grid">
                {(Object.keys(COLOR_LABELS) as (keyof ThemeColors)[]).map((key) => {
                  const name = `colors.${key}`;
                  return (
                    <Field key={key} label={COLOR_LABELS[key]} name={name} error={errors[name]}>
                      <input
                        id={name}
                        name={name}
                        type="color"
                        defaultValue={settings.colors[key]}
                        aria-invalid={Boolean(errors[name])}
                        aria-describedby={errors[name] ? `${name}-error` : undefined}
                      />
                    </Field>
                  );
                })}
              </div>
              {warnings.length ? (
                <ul className="contrast-warnings" aria-live="polite">
                  {warnings.map((w) => (
                    <li key={w.message}>{w.message}</li>
                  ))}
                </ul>
              ) : (
                <p className="hint" aria-live="polite">
                  All colour pairs meet WCAG AA contrast (4.5:1).
                </p>
              )}
            </fieldset>

            <fieldset>
              <legend>Typography and logo</legend>
              {(["headingFont", "bodyFont"] as const).map((name) => (
                <Field key={name} label={name === "headingFont" ? "Heading font" : "Body font"} name={name} error={errors[name]}>
                  <select id={name} name={name} defaultValue={settings[name]} aria-describedby={errors[name] ? `${name}-error` : undefined}>
                    {theme.schema.fonts.map((font) => (
                      <option key={font} value={font}>
                        {FONTS[font].label}
                      </option>
                    ))}
                  </select>
                </Field>
              ))}
              <Field label="Logo width (pixels)" name="logoWidth" error={errors.logoWidth} hint="Used when you have uploaded a logo in Settings.">
                <input
                  id="logoWidth"
                  name="logoWidth"
                  type="number"
                  min={LIMITS.logoWidth.min}
                  max={LIMITS.logoWidth.max}
                  defaultValue={settings.logoWidth}
                  aria-invalid={Boolean(errors.logoWidth)}
                  aria-describedby={errors.logoWidth ? "logoWidth-error" : "logoWidth-hint"}
                />
              </Field>
            </fieldset>

            <fieldset>
              <legend>Announcement bar</legend>
              <label className="checkbox">
                <input type="checkbox" name="announcement.enabled" defaultChecked={settings.announcement.enabled} /> Show the announcement bar
              </label>
              <TextField name="announcement.text" label="Announcement" value={settings.announcement.text} max={LIMITS.announcement} errors={errors} />
              <TextField
                name="announcement.link"
                label="Link (optional)"
                value={settings.announcement.link}
                max={LIMITS.link}
                errors={errors}
                hint="A page of your shop, like /collections/all"
              />
            </fieldset>

            <fieldset>
              <legend>Home page sections</legend>
              {errors.sections ? (
                <p className="error" id="sections-error">
                  {errors.sections}
                </p>
              ) : null}
              <ol className="section-list">
                {settings.sections.map((section, i) => (
                  <li key={section.id}>
                    <SectionFields
                      section={section}
                      index={i}
                      count={settings.sections.length}
                      errors={errors}
                      collections={collections}
                      products={products}
                      onSectionChange={submitSectionChange}
                      busy={saving}
                    />
                  </li>
                ))}
              </ol>
              <div className="toolbar">
                <Field label="New section" name="newSectionType">
                  <select id="newSectionType" name="newSectionType" defaultValue="rich-text">
                    {theme.schema.sectionTypes.map((type) => (
                      <option key={type} value={type}>
                        {SECTION_LABELS[type]}
                      </option>
                    ))}
                  </select>
                </Field>
                <button type="submit" name="intent" value="add" className="secondary" disabled={sectionsFull || saving} onClick={submitSectionChange}>
                  Add section
                </button>
              </div>
              {sectionsFull ? <p className="hint">This theme takes at most {theme.schema.maxSections} sections.</p> : null}
            </fieldset>

            <div className="theme-actions">
              <p className="hint" role="status">
                {status}
              </p>
              <button type="submit" name="intent" value="save" className="secondary" disabled={busy}>
                Save draft
              </button>
              <button type="submit" name="intent" value="publish" disabled={busy}>
                Publish
              </button>
            </div>
          </Form>

          {/* Apart from Publish and confirmed first: the disclosure works without JavaScript too. */}
          <details className="theme-reset">
            <summary>Reset to defaults…</summary>
            <p>
              This replaces the draft&apos;s colours, fonts, announcement and home page sections with {theme.name}&apos;s defaults. Your shop doesn&apos;t
              change until you publish.
            </p>
            <Form method="post">
              <button type="submit" name="intent" value="reset" className="danger" disabled={busy}>
                Yes, reset the draft to defaults
              </button>
            </Form>
          </details>
        </div>

        <section className={`theme-preview preview-${previewWidth}`} aria-label="Preview">
          <div className="toolbar">
            {hydrated ? (
              <div role="group" aria-label="Preview width" className="preview-widths">
                {(Object.keys(PREVIEW_WIDTHS) as PreviewWidth[]).map((key) => (
                  <button key={key} type="button" className="secondary" aria-pressed={previewWidth === key} onClick={() => setPreviewWidth(key)}>
                    {PREVIEW_WIDTHS[key].label}
                  </button>
                ))}
              </div>
            ) : null}
            <label htmlFor="previewPath">Preview page</label>
            <select id="previewPath" value={previewPath} onChange={(e) => setPreviewPath(e.target.value)}>
              {previewPaths.map((p) => (
                <option key={p.path} value={p.path}>
                  {p.label}
                </option>
              ))}
            </select>
            <a href={previewSrc} target="_blank" rel="noreferrer">
              Open in a new tab
            </a>
          </div>
          <iframe key={previewSrc} src={previewSrc} title={`Preview of ${theme.name}`} className="preview-frame" />
        </section>
      </div>
    </main>
  );
}

function TextField({
  name,
  label,
  value,
  max,
  errors,
  hint,
  multiline = false,
}: {
  name: string;
  label: string;
  value: string;
  max: number;
  errors: SettingsErrors;
  hint?: string;
  multiline?: boolean;
}) {
  const describedBy = errors[name] ? `${name}-error` : hint ? `${name}-hint` : undefined;
  return (
    <Field label={label} name={name} error={errors[name]} hint={hint}>
      {multiline ? (
        <textarea id={name} name={name} defaultValue={value} maxLength={max} rows={4} aria-invalid={Boolean(errors[name])} aria-describedby={describedBy} />
      ) : (
        <input id={name} name={name} defaultValue={value} maxLength={max} aria-invalid={Boolean(errors[name])} aria-describedby={describedBy} />
      )}
    </Field>
  );
}

function SectionFields({
  section,
  index,
  count,
  errors,
  collections,
  products,
  onSectionChange,
  busy,
}: {
  section: HomeSection;
  index: number;
  count: number;
  errors: SettingsErrors;
  collections: { handle: string; title: string }[];
  products: { handle: string; title: string }[];
  onSectionChange: (event: React.MouseEvent<HTMLButtonElement>) => void;
  busy: boolean;
}) {
  const p = (field: string) => `sections.${index}.${field}`;
  const label = SECTION_LABELS[section.type];
  return (
    <fieldset className="section-fields">
      <legend>
        {index + 1}. {label}
      </legend>
      <input type="hidden" name={p("id")} value={section.id} />
      <input type="hidden" name={p("type")} value={section.type} />
      {errors[p("type")] ? <p className="error">{errors[p("type")]}</p> : null}
      <TextField name={p("heading")} label="Heading" value={section.heading} max={LIMITS.heading} errors={errors} />
      {"text" in section ? (
        <TextField
          name={p("text")}
          label="Text"
          value={section.text}
          max={section.type === "rich-text" ? LIMITS.text : LIMITS.shortText}
          errors={errors}
          multiline
        />
      ) : null}
      {section.type === "featured-collection" ? (
        <Field label="Collection" name={p("collection")} error={errors[p("collection")]}>
          <select id={p("collection")} name={p("collection")} defaultValue={section.collection}>
            <option value="all">All products</option>
            {collections.map((c) => (
              <option key={c.handle} value={c.handle}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {"limit" in section ? (
        <Field label="Products shown" name={p("limit")} error={errors[p("limit")]}>
          <input
            id={p("limit")}
            name={p("limit")}
            type="number"
            min={LIMITS.productLimit.min}
            max={LIMITS.productLimit.max}
            defaultValue={section.limit}
            aria-invalid={Boolean(errors[p("limit")])}
            aria-describedby={errors[p("limit")] ? `${p("limit")}-error` : undefined}
          />
        </Field>
      ) : null}
      {section.type === "image-with-text" ? (
        <>
          <Field label="Image from product" name={p("product")} error={errors[p("product")]}>
            <select id={p("product")} name={p("product")} defaultValue={section.product}>
              <option value="">A pattern in the theme's colours</option>
              {products.map((product) => (
                <option key={product.handle} value={product.handle}>
                  {product.title}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Image position" name={p("imagePosition")} error={errors[p("imagePosition")]}>
            <select id={p("imagePosition")} name={p("imagePosition")} defaultValue={section.imagePosition}>
              <option value="left">Left</option>
              <option value="right">Right</option>
            </select>
          </Field>
        </>
      ) : null}
      {"buttonLabel" in section ? (
        <>
          <TextField name={p("buttonLabel")} label="Button label" value={section.buttonLabel} max={LIMITS.buttonLabel} errors={errors} />
          <TextField
            name={p("buttonLink")}
            label="Button link"
            value={section.buttonLink}
            max={LIMITS.link}
            errors={errors}
            hint="A page of your shop, like /collections/all"
          />
        </>
      ) : null}
      <div className="toolbar section-buttons">
        <button type="submit" name="intent" value={`up:${index}`} className="secondary" disabled={index === 0 || busy} onClick={onSectionChange}>
          Move up
          <span className="visually-hidden">
            {" "}
            {label} {index + 1}
          </span>
        </button>
        <button type="submit" name="intent" value={`down:${index}`} className="secondary" disabled={index === count - 1 || busy} onClick={onSectionChange}>
          Move down
          <span className="visually-hidden">
            {" "}
            {label} {index + 1}
          </span>
        </button>
        <button type="submit" name="intent" value={`remove:${index}`} className="danger" disabled={busy} onClick={onSectionChange}>
          Remove
          <span className="visually-hidden">
            {" "}
            {label} {index + 1}
          </span>
        </button>
      </div>
    </fieldset>
  );
}
