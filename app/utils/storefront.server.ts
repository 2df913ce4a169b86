import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { platformOrigin } from "../../server/config.ts";
import { cartItemCount } from "../../shop/cart.server.ts";
import { logoPath } from "../../shop/settings.server.ts";
import { storefrontSettings, storeNavigation } from "../../shop/storefront.server.ts";
import type { IntlShape } from "react-intl";
import type { Gate } from "../../server/limits.server.ts";
import { storefrontIntl, storefrontLanguage, type StorefrontLanguage } from "../../shop/storefront-language.ts";
import { storefrontTheme } from "../../shop/themes.server.ts";
import { showDefaultTexts } from "../../themes/default-texts.ts";
import type { PasswordPageData } from "../components/store/password-page.tsx";
import type { StoreLayoutData } from "../components/store/types.ts";
import { requireShop } from "./guards.server.ts";

export type StoreSettings = Awaited<ReturnType<typeof storefrontSettings>>;

export interface StorefrontPreview {
  /** Render a theme's draft (`preview=draft` with a token, or a draft-preview cookie) instead of what is published. */
  draft: boolean;
  themeId: string | null;
  /** The preview query carried by links inside the editor's frame; null when a cookie carries the preview. */
  query: string | null;
}

export interface Storefront {
  shop: ReturnType<typeof requireShop>["shop"];
  db: ReturnType<typeof requireShop>["db"];
  settings: StoreSettings;
  /** Whether the visitor may see the shop (launched, password entered, or the merchant previewing). */
  unlocked: boolean;
  preview: StorefrontPreview | null;
  /** What shoppers read the shop in, and its intl for text made on the server (form errors, emails). */
  language: StorefrontLanguage;
  intl: IntlShape;
}

/**
 * Reads who is visiting this shop without refusing anyone: the password page
 * and "/" use it directly; every other storefront loader uses
 * `requireStorefront`.
 */
export async function readStorefront(context: AppLoadContext, request: Request): Promise<Storefront> {
  const { shop, db } = requireShop(context);
  const settings = await storefrontSettings(db);
  const access = context.services.storefrontAccess;
  const url = new URL(request.url);
  const draft = url.searchParams.get("preview") === "draft";
  const cookie = await access.readAccessCookie(request.headers.get("cookie"), { id: shop.id, password: settings.storefront_password });

  let preview: StorefrontPreview | null = null;
  const token = url.searchParams.get("preview_token");
  const fromToken = token ? await access.readPreviewToken(token, shop.id) : null;
  if (token && fromToken) {
    // A top-level visit trades the token for a cookie and drops it from the address, so it doesn't linger in history
    // or Referer headers. Inside the editor's frame (cross-site) no SameSite=Lax cookie would come back: keep the token.
    if (request.method === "GET" && request.headers.get("sec-fetch-dest") !== "iframe") {
      url.searchParams.delete("preview_token");
      url.searchParams.delete("preview");
      // The cookie remembers the theme only for a draft preview, so the whole visit shows that draft.
      const themeId = draft ? fromToken.themeId : null;
      throw redirect(url.pathname + url.search, {
        headers: { "Set-Cookie": await access.previewCookie(shop.id, themeId) },
      });
    }
    const query = new URLSearchParams({ preview_token: token });
    if (draft) query.set("preview", "draft");
    preview = { draft, themeId: fromToken.themeId, query: query.toString() };
  } else if (cookie?.kind === "preview") {
    preview = { draft: cookie.themeId !== null, themeId: cookie.themeId, query: null };
  }
  const unlocked = settings.launched_at !== null || preview !== null || cookie?.kind === "password";
  const language = storefrontLanguage(settings.storefront_language);
  return { shop, db, settings, unlocked, preview, language, intl: storefrontIntl(language) };
}

/**
 * The gate every storefront loader and action starts with: until the shop is
 * launched, visitors without the password (or the merchant's preview) are
 * sent to /password.
 */
export async function requireStorefront(context: AppLoadContext, request: Request): Promise<Storefront> {
  const storefront = await readStorefront(context, request);
  if (!storefront.unlocked) throw redirect("/password");
  return storefront;
}

/** The layout's data: shop, theme settings, navigation, footer links, cart count. */
export async function loadStoreLayout(context: AppLoadContext, request: Request, storefront: Storefront): Promise<StoreLayoutData> {
  const { shop, db, settings, preview, intl } = storefront;
  const [theme, navigation, cartCount] = await Promise.all([storefrontTheme(db, preview), storeNavigation(db, intl), cartItemCount(db, request)]);
  const logo = logoPath(settings.logo_key);
  return {
    shop: {
      name: shop.name,
      origin: context.origin,
      currency: settings.currency,
      contactEmail: settings.contact_email,
      logo: logo ? { url: logo } : null,
    },
    language: storefront.language,
    themeId: theme.themeId,
    // The theme's texts the merchant left untouched, in the shop's language, for every page that shows them.
    settings: { ...theme.settings, sections: showDefaultTexts(theme.settings.sections, intl) },
    nav: navigation.nav,
    policies: navigation.policies,
    pages: navigation.pages,
    cartCount,
    preview: preview ? { draft: preview.draft, query: preview.query ?? "" } : null,
  };
}

/**
 * Only the platform (the theme editor's preview frame) may frame a storefront,
 * and only a preview; nothing may frame the shop otherwise.
 */
export function storefrontSecurityHeaders(context: AppLoadContext, storefront: Pick<Storefront, "preview" | "settings">): Record<string, string> {
  const ancestors = storefront.preview?.query ? platformOrigin(context.services.config) : "'none'";
  const headers: Record<string, string> = { "Content-Security-Policy": `frame-ancestors ${ancestors}` };
  // A preview or a shop behind its password page must never land in a shared cache.
  if (storefront.preview || storefront.settings.launched_at === null) headers["Cache-Control"] = "private, no-store";
  return headers;
}

/** What the "Opening soon" page shows, in the live theme's colours. */
export async function loadPasswordPage(context: AppLoadContext, storefront: Storefront): Promise<PasswordPageData> {
  const { shop, db, settings } = storefront;
  const theme = await storefrontTheme(db, null);
  return {
    shopName: shop.name,
    headline: settings.headline,
    welcomeText: settings.welcome_text,
    hasPassword: Boolean(settings.storefront_password),
    language: storefront.language,
    themeId: theme.themeId,
    settings: theme.settings,
    adminUrl: `${platformOrigin(context.services.config)}/admin/${shop.slug}`,
  };
}

/** The rate limiter's refusal, in the shop's language. */
export function shopperTooManyAttempts(intl: IntlShape, gate: Extract<Gate, { ok: false }>): string {
  return intl.formatMessage({ id: "limits.tooManyAttempts" }, { minutes: Math.max(1, Math.ceil(gate.retryAfterSeconds / 60)) });
}
