/**
 * Grouped bar charts: one value per category and series (e.g. accuracy per loss, collapse rate per miner).
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, PALETTE, toPlain } from "./figure.ts";

/** Options of {@link barFigure}. */
export interface BarFigureOptions extends FigureOptions {
  yTitle?: string;
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
}

/**
 * Grouped bars: `series[i].y[j]` is the bar of series i over `categories[j]`.
 *
 * @example
 * ```ts
 * import { barFigure } from "./bar_figure.ts";
 * const fig = barFigure(["random", "semihard"], [{ name: "collapse rate", y: [1, 0] }]);
 * console.assert(fig.data[0].type === "bar");
 * ```
 */
export function barFigure(
  categories: string[],
  series: { name: string; y: ArrayLike<number> }[],
  options: BarFigureOptions = {},
): Figure {
  for (const s of series) {
    if (s.y.length !== categories.length) {
      throw new Error(
        `barFigure: series '${s.name}' has ${s.y.length} values, expected ${categories.length} (one per category)`,
      );
    }
  }
  return {
    data: series.map((s, i) => ({
      type: "bar",
      name: s.name,
      x: categories,
      y: toPlain(s.y),
      marker: { color: PALETTE[i % PALETTE.length] },
    })),
    layout: baseLayout(options, {
      barmode: "group",
      yaxis: { title: { text: options.yTitle ?? "" }, type: options.logY ? "log" : "linear" },
      showlegend: series.length > 1,
    }),
  };
}
