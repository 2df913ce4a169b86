import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CURRENCIES, minorUnitDigits, SHOP_LOCALES } from "../../shop/money.ts";
import { STOREFRONT_LANGUAGE_NAMES, STOREFRONT_LANGUAGES } from "../../shop/storefront-language.ts";
import { Field } from "../components/field.tsx";
import {
  currencyChangeBlockers,
  getSettings,
  ImageRejectedError,
  logoPath,
  MAX_IMAGE_BYTES,
  removeLogo,
  generalSettingsForm,
  saveGeneralSettings,
  saveLogo,
  saveStorefrontLanguage,
  SettingsValidationError,
  staleEditMessage,
  StaleEditError,
  type SettingsErrors,
} from "../domain.server.ts";
import { parseEditVersion, readForm, typedFields } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const meta: MetaFunction = () => [{ title: "Settings · Bazaar admin" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "settings");
  const [settings, blockers] = await Promise.all([getSettings(db), currencyChangeBlockers(db)]);
  const names = new Intl.DisplayNames(["en"], { type: "currency" });
  const languages = new Intl.DisplayNames(["en"], { type: "language" });
  return {
    name: shop.name,
    contactEmail: settings.contact_email,
    currency: settings.currency,
    locale: settings.locale,
    currencyLocked: blockers.length > 0,
    blockers,
    currencies: CURRENCIES.map((code) => ({ code, label: `${code} · ${names.of(code) ?? code}`, decimals: minorUnitDigits(code) })),
    // "German (Germany) · 1.234,56": the sample shows the decimal mark typed amounts are read with.
    locales: SHOP_LOCALES.map((code) => ({
      code,
      label: `${languages.of(code) ?? code} · ${new Intl.NumberFormat(code, { minimumFractionDigits: 2 }).format(1234.56)}`,
    })),
    logoUrl: logoPath(settings.logo_key, { adminSlug: shop.slug }),
    storefrontLanguage: settings.storefront_language,
    version: settings.version,
  };
}

type ActionResult = {
  form: "general" | "logo" | "language";
  errors: SettingsErrors;
  values?: Record<string, string>;
  saved?: string;
  /** A refused save's: the newer version the typed values now stand on. */
  version?: number;
};

/** A save over newer settings: the typed values stay, on the newer version, so saving again is a knowing choice. */
function staleSettings(form: ActionResult["form"], error: StaleEditError, values: Record<string, string>) {
  return data<ActionResult>({ form, errors: { form: staleEditMessage(error) }, values, version: error.currentVersion }, { status: 409 });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "settings");

  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMAGE_BYTES }));
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error;
      return data<ActionResult>(
        { form: "logo", errors: { logo: `The file is too large; a logo can be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` } },
        { status: 400 },
      );
    }
    const file = form.get("logo");
    if (!(file instanceof File) || file.size === 0)
      return data<ActionResult>({ form: "logo", errors: { logo: "Choose an image file to upload." } }, { status: 400 });
    try {
      await saveLogo(db, context.services.media, actor, shop.id, Buffer.from(await file.arrayBuffer()));
    } catch (error) {
      if (error instanceof ImageRejectedError) return data<ActionResult>({ form: "logo", errors: { logo: error.reason } }, { status: 400 });
      throw error;
    }
    return { form: "logo", errors: {}, saved: "Logo saved." } satisfies ActionResult;
  }

  const parsed = await readForm(request, generalSettingsForm);
  if (parsed.values.intent === "remove-logo") {
    await removeLogo(db, context.services.media, actor, shop.id);
    return { form: "logo", errors: {}, saved: "Logo removed." } satisfies ActionResult;
  }
  if (parsed.values.intent === "language") {
    const language = typedFields(parsed.values, ["storefrontLanguage"]);
    const version = parseEditVersion(parsed.form);
    if (!version.ok) return data<ActionResult>({ form: "language", errors: version.errors, values: language }, { status: 400 });
    try {
      const changed = await saveStorefrontLanguage(db, actor, language.storefrontLanguage, { expectedVersion: version.value.version });
      return { form: "language", errors: {}, saved: changed ? "Storefront language saved." : "Nothing changed." } satisfies ActionResult;
    } catch (error) {
      if (error instanceof StaleEditError) return staleSettings("language", error, language);
      if (error instanceof SettingsValidationError) return data<ActionResult>({ form: "language", errors: error.errors }, { status: 400 });
      throw error;
    }
  }
  const values = typedFields(parsed.values, ["name", "contactEmail", "currency", "locale"]);
  if (!parsed.ok) return data<ActionResult>({ form: "general", errors: parsed.errors, values }, { status: 400 });
  try {
    const changes = await saveGeneralSettings(context.services.db, shop, actor, values, { expectedVersion: parsed.value.version });
    return { form: "general", errors: {}, saved: changes.length ? "Settings saved." : "Nothing changed." } satisfies ActionResult;
  } catch (error) {
    if (error instanceof StaleEditError) return staleSettings("general", error, values);
    if (error instanceof SettingsValidationError) return data<ActionResult>({ form: "general", errors: error.errors, values }, { status: 400 });
    throw error;
  }
}

function describedBy(field: string, errors: SettingsErrors, hint = false): string | undefined {
  return errors[field] ? `${field}-error` : hint ? `${field}-hint` : undefined;
}

export default function GeneralSettings() {
  const settings = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const general = result?.form === "general" ? result : undefined;
  const logo = result?.form === "logo" ? result : undefined;
  const language = result?.form === "language" ? result : undefined;
  const errors = general?.errors ?? {};
  const values = general?.values ?? { name: settings.name, contactEmail: settings.contactEmail, currency: settings.currency, locale: settings.locale };
  const currencyHint = settings.currencyLocked
    ? `Locked: this shop already has ${settings.blockers.join(", ")}. Amounts are stored in minor units of ${settings.currency}, so they would change value in another currency.`
    : "Prices are stored in the currency's smallest unit (cents, or whole yen for JPY). Choose it before adding products: it can't change afterwards.";

  return (
    <div className="settings-sections">
      <section className="card">
        <h2>Store details</h2>
        {general?.saved ? (
          <p className="flash" role="status">
            {general.saved}
          </p>
        ) : null}
        {errors.form ? (
          <p className="banner" role="alert">
            {errors.form}
          </p>
        ) : null}
        {/* Keyed by the stored values, so the form shows them again once saved. */}
        <Form method="post" className="stack" noValidate key={`${settings.name}|${settings.contactEmail}|${settings.currency}|${settings.locale}`}>
          <input type="hidden" name="intent" value="general" />
          <input type="hidden" name="version" value={general?.version ?? settings.version} />
          <Field label="Shop name" name="name" error={errors.name}>
            <input
              id="name"
              name="name"
              required
              maxLength={80}
              defaultValue={values.name}
              aria-invalid={Boolean(errors.name)}
              aria-describedby={describedBy("name", errors)}
            />
          </Field>
          <Field label="Contact email" name="contactEmail" error={errors.contactEmail} hint="Shown to customers and used as the reply address of shop emails.">
            <input
              id="contactEmail"
              name="contactEmail"
              type="email"
              autoComplete="email"
              defaultValue={values.contactEmail}
              aria-invalid={Boolean(errors.contactEmail)}
              aria-describedby={describedBy("contactEmail", errors, true)}
            />
          </Field>
          <Field label="Currency" name="currency" error={errors.currency} hint={currencyHint}>
            <select
              id="currency"
              name="currency"
              defaultValue={values.currency}
              aria-invalid={Boolean(errors.currency)}
              aria-describedby={describedBy("currency", errors, true)}
            >
              {settings.currencies.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                  {c.decimals !== 2 ? ` (${c.decimals} decimals)` : ""}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Number format"
            name="locale"
            error={errors.locale}
            hint="How amounts and percentages are typed in your admin and in your shop's price filters: with a decimal comma (12,50) or a decimal point (12.50)."
          >
            <select
              id="locale"
              name="locale"
              defaultValue={values.locale}
              aria-invalid={Boolean(errors.locale)}
              aria-describedby={describedBy("locale", errors, true)}
            >
              {settings.locales.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          </Field>
          <div>
            <button type="submit" disabled={busy}>
              Save
            </button>
          </div>
        </Form>
      </section>

      <section className="card">
        <h2>Storefront language</h2>
        {language?.saved ? (
          <p className="flash" role="status">
            {language.saved}
          </p>
        ) : null}
        {language?.errors.form ? (
          <p className="banner" role="alert">
            {language.errors.form}
          </p>
        ) : null}
        <Form method="post" className="stack" noValidate key={settings.storefrontLanguage}>
          <input type="hidden" name="intent" value="language" />
          <input type="hidden" name="version" value={language?.version ?? settings.version} />
          <Field
            label="Storefront language"
            name="storefrontLanguage"
            error={language?.errors.storefrontLanguage}
            hint="What shoppers read: the shop's pages, cart, checkout and emails. Prices and dates follow it too."
          >
            <select
              id="storefrontLanguage"
              name="storefrontLanguage"
              defaultValue={language?.values?.storefrontLanguage ?? settings.storefrontLanguage}
              aria-invalid={Boolean(language?.errors.storefrontLanguage)}
              aria-describedby={language?.errors.storefrontLanguage ? "storefrontLanguage-error" : "storefrontLanguage-hint"}
            >
              {STOREFRONT_LANGUAGES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {STOREFRONT_LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          </Field>
          <div>
            <button type="submit" disabled={busy}>
              Save language
            </button>
          </div>
        </Form>
      </section>

      <section className="card">
        <h2>Logo</h2>
        {logo?.saved ? (
          <p className="flash" role="status">
            {logo.saved}
          </p>
        ) : null}
        <div className="logo-row">
          <div className="logo-preview">
            {settings.logoUrl ? <img src={settings.logoUrl} alt={`${settings.name} logo`} /> : <span className="muted">No logo yet</span>}
          </div>
          <div className="stack">
            <Form method="post" encType="multipart/form-data" className="stack" key={settings.logoUrl ?? "no-logo"}>
              <Field label="Upload a logo" name="logo" error={logo?.errors.logo} hint="A JPEG, PNG, WebP or AVIF image. Shown up to 480 pixels wide.">
                <input
                  id="logo"
                  name="logo"
                  type="file"
                  accept="image/jpeg,image/png,image/webp,image/avif"
                  required
                  aria-invalid={Boolean(logo?.errors.logo)}
                  aria-describedby={logo?.errors.logo ? "logo-error" : "logo-hint"}
                />
              </Field>
              <div>
                <button type="submit" disabled={busy}>
                  Upload logo
                </button>
              </div>
            </Form>
            {settings.logoUrl ? (
              <Form method="post">
                <button type="submit" name="intent" value="remove-logo" className="secondary" disabled={busy}>
                  Remove logo
                </button>
              </Form>
            ) : null}
          </div>
        </div>
      </section>
    </div>
  );
}
