import * as classic from "./classic/settings.ts";
import * as editorial from "./editorial/settings.ts";
import * as minimal from "./minimal/settings.ts";
import type { ThemeSchema, ThemeSettings } from "./settings.ts";

/** Theme ids, names, schemas and defaults: data only, safe for servers, jobs and the browser. */
export interface ThemeManifest {
  id: string;
  name: string;
  description: string;
  schema: ThemeSchema;
  defaults: ThemeSettings;
}

export const THEME_MANIFESTS: readonly ThemeManifest[] = [
  { id: "minimal", name: "Minimal", description: "Quiet and airy: white space, one typeface, products first.", ...minimal },
  { id: "editorial", name: "Editorial", description: "Bold and magazine-like: big serif headlines, strong colour, stories.", ...editorial },
  { id: "classic", name: "Classic", description: "A dependable catalogue: search up front, dense grids, clear departments.", ...classic },
];

export const DEFAULT_THEME_ID = "minimal";

export function findThemeManifest(id: string): ThemeManifest | undefined {
  return THEME_MANIFESTS.find((t) => t.id === id);
}

/** The manifest for an id, or the default theme's for an unknown one (a theme that was removed). */
export function themeManifest(id: string): ThemeManifest {
  return findThemeManifest(id) ?? findThemeManifest(DEFAULT_THEME_ID)!;
}
