/**
 * One colour per variant, the same in every figure of a report or notebook: build the map once
 * from the variant names and pass it to each figure builder.
 * @module
 */
import { PALETTE } from "./figure.ts";

/**
 * Maps each distinct name, in first-seen order, to a palette colour (cycling past the palette).
 *
 * @example
 * ```ts
 * import { variantColors } from "./variant_colors.ts";
 * const c = variantColors(["semihard", "hardest", "semihard"]);
 * console.assert(c.semihard === "#1f77b4" && c.hardest === "#ff7f0e");
 * ```
 */
export function variantColors(
  names: Iterable<string>,
  options: { palette?: readonly string[] } = {},
): Record<string, string> {
  const palette = options.palette ?? PALETTE;
  if (palette.length === 0) throw new Error("variantColors: 'palette' is empty");
  const out: Record<string, string> = {};
  let i = 0;
  for (const name of names) {
    if (!(name in out)) out[name] = palette[i++ % palette.length];
  }
  return out;
}

/**
 * A colour with an alpha channel, for faint raw curves behind their smoothed line.
 *
 * @example
 * ```ts
 * import { withAlpha } from "./variant_colors.ts";
 * console.assert(withAlpha("#ff0000", 0.25) === "rgba(255,0,0,0.25)");
 * ```
 */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha: expected a colour like '#1f77b4', got '${hex}'`);
  const [r, g, b] = m.slice(1).map((h) => parseInt(h, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}
