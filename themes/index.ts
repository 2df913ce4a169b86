import { classic } from "./classic/index.tsx";
import { editorial } from "./editorial/index.tsx";
import { DEFAULT_THEME_ID } from "./manifest.ts";
import { minimal } from "./minimal/index.tsx";
import type { Theme } from "./types.ts";

/** Every theme with its components and stylesheet, for the web layer. Data-only code uses ./manifest.ts. */
export const THEMES: readonly Theme[] = [minimal, editorial, classic];

export { DEFAULT_THEME_ID };

export function getTheme(id: string): Theme {
  return THEMES.find((t) => t.id === id) ?? THEMES.find((t) => t.id === DEFAULT_THEME_ID)!;
}
