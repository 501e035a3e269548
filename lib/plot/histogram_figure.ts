/**
 * Histograms: overlaid distributions, e.g. anchor–positive vs anchor–negative distances.
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, PALETTE, toPlain } from "./figure.ts";

/** A named sample. */
export interface Sample {
  name: string;
  values: ArrayLike<number>;
}

/** Options of {@link histogramFigure}. */
export interface HistogramOptions extends FigureOptions {
  /** x-axis title. Default "value". */
  xTitle?: string;
  /** Number of bins (approximate, Plotly's nbinsx). Default 40. */
  bins?: number;
  /** Normalise each histogram to a probability density. Default true. */
  density?: boolean;
}

/**
 * Overlaid semi-transparent histograms, one per sample.
 *
 * @example
 * ```ts
 * import { histogramFigure } from "./histogram_figure.ts";
 * const fig = histogramFigure([{ name: "d_ap", values: [0.1, 0.2] }, { name: "d_an", values: [0.9, 1.1] }]);
 * console.assert(fig.data.length === 2 && fig.layout.barmode === "overlay");
 * ```
 */
export function histogramFigure(samples: Sample[], options: HistogramOptions = {}): Figure {
  return {
    data: samples.map((s, i) => ({
      type: "histogram",
      name: s.name,
      x: toPlain(s.values).filter((v) => v !== null),
      opacity: 0.6,
      nbinsx: options.bins ?? 40,
      histnorm: options.density === false ? "" : "probability density",
      marker: { color: PALETTE[i % PALETTE.length] },
    })),
    layout: baseLayout(options, {
      barmode: "overlay",
      xaxis: { title: { text: options.xTitle ?? "value" } },
      yaxis: { title: { text: options.density === false ? "count" : "density" } },
    }),
  };
}
