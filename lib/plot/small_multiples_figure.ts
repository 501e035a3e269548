/**
 * Small multiples: a grid of small line charts, one panel per metric or setting, each variant one
 * colour in every panel (and one legend entry), the smoothed curve (a centred EMA) drawn over its raw
 * values in faint colour.
 * @module
 */
import {
  baseLayout,
  type Figure,
  type FigureOptions,
  PALETTE,
  type Series,
  toPlain,
} from "./figure.ts";
import { emaSmooth } from "./smooth.ts";
import { withAlpha } from "./variant_colors.ts";

/** One panel of {@link smallMultiplesFigure}. */
export interface Panel {
  /** Shown above the panel. */
  title: string;
  /** One line per variant; give each the variant's colour (see `variantColors`). */
  series: Series[];
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
}

/** Options of {@link smallMultiplesFigure}. */
export interface SmallMultiplesOptions extends FigureOptions {
  /** Panels per row. Default min(3, panels). */
  columns?: number;
  /**
   * EMA weight of the smoothed line (see `emaSmooth`; centred, and in log space on log axes, so
   * the line does not lag behind the raw values); 0 draws the raw values only. Default 0.7.
   */
  smoothing?: number;
  /** Opacity of the raw values behind a smoothed line. Default 0.25. */
  rawOpacity?: number;
  /** Height of one row of panels in pixels. Default 190. */
  panelHeight?: number;
  /** x-axis title, shown under the bottom row. Default "step". */
  xTitle?: string;
}

/**
 * A grid of panels sharing one legend: a variant's smoothed line is in its legend group, so
 * clicking its legend entry hides it in every panel.
 *
 * @example
 * ```ts
 * import { smallMultiplesFigure } from "./small_multiples_figure.ts";
 * const fig = smallMultiplesFigure([
 *   { title: "loss", series: [{ name: "a", y: [1, 0.5, 0.4], color: "#1f77b4" }] },
 *   { title: "accuracy", series: [{ name: "a", y: [0, 0.5, 0.9], color: "#1f77b4" }] },
 * ]);
 * // Per panel and variant: a faint raw trace and a smoothed line; one legend entry for "a".
 * console.assert(fig.data.length === 4 && fig.data.filter((t) => t.showlegend).length === 1);
 * ```
 */
export function smallMultiplesFigure(
  panels: Panel[],
  options: SmallMultiplesOptions = {},
): Figure {
  if (panels.length === 0) {
    throw new Error("smallMultiplesFigure: 'panels' must hold at least one panel, got []");
  }
  const smoothing = options.smoothing ?? 0.7;
  const rawOpacity = options.rawOpacity ?? 0.25;
  const columns = Math.max(1, Math.min(options.columns ?? 3, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const panelHeight = options.panelHeight ?? 190;
  const top = options.title ? 70 : 40;
  const layout: Record<string, unknown> = baseLayout(
    { ...options, height: options.height ?? rows * panelHeight + top + 60 },
    {
      grid: { rows, columns, pattern: "independent", xgap: 0.16, ygap: 0.35 },
      margin: { l: 50, r: 20, t: top, b: 50 },
      legend: { orientation: "h", x: 0, y: 1, yref: "container", yanchor: "top" },
      // A vertical mode bar at the right, clear of the legend along the top.
      modebar: { orientation: "v" },
      showlegend: true,
    },
  );
  const annotations: unknown[] = [];
  const data: Figure["data"] = [];
  const inLegend = new Set<string>();
  panels.forEach((panel, i) => {
    const axis = i === 0 ? "" : String(i + 1);
    const bottomRow = Math.floor(i / columns) === rows - 1 ||
      i + columns >= panels.length;
    layout[`xaxis${axis}`] = {
      ...(bottomRow ? { title: { text: options.xTitle ?? "step", standoff: 4 } } : {}),
      tickfont: { size: 10 },
      automargin: true,
    };
    layout[`yaxis${axis}`] = {
      type: panel.logY ? "log" : "linear",
      // Powers of ten (10⁻⁴), not SI prefixes (100µ), on log axes.
      ...(panel.logY ? { exponentformat: "power" } : {}),
      tickfont: { size: 10 },
      automargin: true,
    };
    annotations.push({
      text: `<b>${panel.title}</b>`,
      xref: `x${axis} domain`,
      yref: `y${axis} domain`,
      x: 0,
      xanchor: "left",
      y: 1.02,
      yanchor: "bottom",
      showarrow: false,
      font: { size: 12 },
    });
    panel.series.forEach((s, j) => {
      const color = s.color ?? PALETTE[j % PALETTE.length];
      const x = s.x ? toPlain(s.x) : Array.from({ length: s.y.length }, (_, k) => k);
      const common = { type: "scatter", mode: "lines", xaxis: `x${axis}`, yaxis: `y${axis}` };
      if (smoothing > 0) {
        data.push({
          ...common,
          name: s.name,
          x,
          y: toPlain(s.y),
          legendgroup: s.name,
          showlegend: false,
          hoverinfo: "skip",
          line: { color: withAlpha(color, rawOpacity), width: 1 },
        });
      }
      data.push({
        ...common,
        name: s.name,
        x,
        y: smoothing > 0
          ? emaSmooth(s.y, { weight: smoothing, centered: true, log: panel.logY })
          : toPlain(s.y),
        legendgroup: s.name,
        showlegend: !inLegend.has(s.name),
        line: { color, width: 2, ...(s.dash ? { dash: s.dash } : {}) },
      });
      inLegend.add(s.name);
    });
  });
  layout.annotations = annotations;
  return { data, layout };
}
