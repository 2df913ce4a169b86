/**
 * The fonts a merchant can pick: system font stacks only, so a storefront never
 * waits on a font download or calls a third-party font host.
 */
export const FONTS = {
  "system-sans": { label: "System sans-serif", stack: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif' },
  humanist: { label: "Humanist sans-serif", stack: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif' },
  condensed: {
    label: "Condensed grotesque",
    stack:
      'Bahnschrift, "DIN Alternate", "Franklin Gothic Medium", "Nimbus Sans Narrow", "Liberation Sans Narrow", "DejaVu Sans Condensed", sans-serif-condensed, sans-serif',
  },
  "transitional-serif": { label: "Transitional serif", stack: 'Charter, "Bitstream Charter", "Sitka Text", Cambria, "DejaVu Serif", serif' },
  "old-style-serif": { label: "Old-style serif", stack: '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, "Liberation Serif", serif' },
  didone: { label: "Didone display serif", stack: 'Didot, "Bodoni MT", "Noto Serif Display", "URW Palladio L", P052, Sylfaen, "Liberation Serif", serif' },
  slab: { label: "Slab serif", stack: 'Rockwell, "Rockwell Nova", "Roboto Slab", "DejaVu Serif Condensed", "DejaVu Serif", serif' },
  monospace: { label: "Monospace", stack: 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, "DejaVu Sans Mono", monospace' },
} as const;

export type FontId = keyof typeof FONTS;

export const FONT_IDS = Object.keys(FONTS) as FontId[];

export function isFontId(value: unknown): value is FontId {
  return typeof value === "string" && Object.hasOwn(FONTS, value);
}
