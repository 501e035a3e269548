/**
 * The figure type every plot helper returns: a plain Plotly spec (`{data, layout}`), JSON-serialisable,
 * so the same object goes to a notebook (`display`), a report (`writeReport`) or a file.
 *
 * @example
 * ```ts
 * import { type Figure } from "./figure.ts";
 * const fig: Figure = { data: [{ type: "scatter", y: [1, 2, 3] }], layout: { title: { text: "demo" } } };
 * console.assert(JSON.parse(JSON.stringify(fig)).data.length === 1);
 * ```
 * @module
 */

/** One Plotly trace (scatter, histogram, bar, image, …): plain data, no functions. */
export type Trace = { type: string; [key: string]: unknown };

/** A Plotly figure spec. */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  /** Plotly config (e.g. `{responsive: true}`); optional. */
  config?: Record<string, unknown>;
}

/** A named series of y values (x defaults to 0, 1, 2, …). */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  /** Line colour. Default: the palette by position. */
  color?: string;
  /** Line dash ("solid", "dash", "dot", …). Default "solid". */
  dash?: string;
}

/** Common options of the figure builders. */
export interface FigureOptions {
  /** Figure title. Default: none. */
  title?: string;
  /** Height in pixels. Default 360. */
  height?: number;
}

/** Plotly's default qualitative palette (D3 category10), used so colours match across figures. */
export const PALETTE: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** Converts an array-like of numbers to a plain array, turning non-finite values into null (gaps). */
export function toPlain(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}

/** Base layout shared by the builders. */
export function baseLayout(
  options: FigureOptions,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...(options.title ? { title: { text: options.title } } : {}),
    height: options.height ?? 360,
    margin: { l: 60, r: 20, t: options.title ? 50 : 20, b: 50 },
    template: { layout: { font: { family: "system-ui, sans-serif" } } },
    ...extra,
  };
}
