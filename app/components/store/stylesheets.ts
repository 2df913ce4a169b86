import { getTheme } from "../../../themes/index.ts";
import storefrontStyles from "../../styles/storefront.css";

/**
 * Routes that draw a page in a shop's theme export this as `handle`: the root layout links the stylesheets it
 * names for the loader data, and only those. Pages without one are the platform's and get its app.css.
 */
export interface StylesheetsHandle<Data = unknown> {
  stylesheets(data: Data | undefined): string[];
  /** The page's language for `<html lang>`: the shop's storefront language; platform pages stay English. */
  language?(data: Data | undefined): string | undefined;
}

/**
 * A storefront page's stylesheets: the shared base, then the theme's (the previewed theme's in a preview). With no
 * theme known (the layout's own loader failed) the base alone, so the error page still looks like a shop's.
 */
export function storefrontStylesheets(themeId: string | undefined): string[] {
  return themeId ? [storefrontStyles, getTheme(themeId).stylesheet] : [storefrontStyles];
}
