/**
 * Heatmaps: one value per cell of a two-way sweep (e.g. held-out accuracy or collapse rate over
 * miner × margin), the value printed in each cell.
 * @module
 */
import { baseLayout, type Figure, type FigureOptions } from "./figure.ts";

/** Options of {@link heatmapFigure}. */
export interface HeatmapFigureOptions extends FigureOptions {
  /** Column labels (length = columns of z). */
  x: (string | number)[];
  /** Row labels (length = rows of z). */
  y: (string | number)[];
  xTitle?: string;
  yTitle?: string;
  /** Colour bar title (the value's name and unit). */
  zTitle?: string;
  /** Colour range. Default: the data's range. */
  zmin?: number;
  zmax?: number;
  /** Plotly colour scale name. Default "Viridis". */
  colorscale?: string;
  /** Formats the value printed in each cell. Default: 3 significant digits. */
  format?: (value: number) => string;
}

/**
 * A heatmap of `z[row][column]`; non-finite cells stay empty.
 *
 * @example
 * ```ts
 * import { heatmapFigure } from "./heatmap_figure.ts";
 * const fig = heatmapFigure([[0.5, 0.9], [0.5, 0.5]], { x: [0.2, 1], y: ["semihard", "hardest"] });
 * console.assert(fig.data[0].type === "heatmap" && (fig.data[0].text as string[][])[0][1] === "0.9");
 * ```
 */
export function heatmapFigure(z: ArrayLike<number>[], options: HeatmapFigureOptions): Figure {
  if (z.length !== options.y.length) {
    throw new Error(`heatmapFigure: ${z.length} rows of z for ${options.y.length} 'y' labels`);
  }
  for (const [i, row] of z.entries()) {
    if (row.length !== options.x.length) {
      throw new Error(
        `heatmapFigure: row ${i} has ${row.length} values for ${options.x.length} 'x' labels`,
      );
    }
  }
  const format = options.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const zs = z.map((row) => Array.from(row, (v) => (Number.isFinite(v) ? v : null)));
  return {
    data: [{
      type: "heatmap",
      x: options.x.map(String),
      y: options.y.map(String),
      z: zs,
      text: zs.map((row) => row.map((v) => (v === null ? "" : format(v)))),
      texttemplate: "%{text}",
      colorscale: options.colorscale ?? "Viridis",
      ...(options.zmin !== undefined ? { zmin: options.zmin } : {}),
      ...(options.zmax !== undefined ? { zmax: options.zmax } : {}),
      colorbar: { title: { text: options.zTitle ?? "" } },
      hovertemplate: "%{y}, %{x}: %{text}<extra></extra>",
    }],
    layout: baseLayout(options, {
      xaxis: { title: { text: options.xTitle ?? "" }, type: "category" },
      yaxis: { title: { text: options.yTitle ?? "" }, type: "category" },
    }),
  };
}
