/**
 * Line charts: metric curves over steps, and one curve per setting (per-α curves).
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

/** Options of {@link lineFigure}. */
export interface LineFigureOptions extends FigureOptions {
  /** x-axis title. Default "step". */
  xTitle?: string;
  /** y-axis title. Default "". */
  yTitle?: string;
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
  /** Show markers as well as lines. Default false. */
  markers?: boolean;
}

/**
 * One line per series.
 *
 * @example
 * ```ts
 * import { lineFigure } from "./line_figure.ts";
 * const fig = lineFigure([{ name: "loss", y: [1, 0.5, 0.2] }], { title: "loss" });
 * console.assert(fig.data[0].type === "scatter" && fig.data.length === 1);
 * ```
 */
export function lineFigure(series: Series[], options: LineFigureOptions = {}): Figure {
  return {
    data: series.map((s, i) => ({
      type: "scatter",
      mode: options.markers ? "lines+markers" : "lines",
      name: s.name,
      x: s.x ? toPlain(s.x) : Array.from({ length: s.y.length }, (_, j) => j),
      y: toPlain(s.y),
      line: { color: s.color ?? PALETTE[i % PALETTE.length], ...(s.dash ? { dash: s.dash } : {}) },
    })),
    layout: baseLayout(options, {
      xaxis: { title: { text: options.xTitle ?? "step" } },
      yaxis: { title: { text: options.yTitle ?? "" }, type: options.logY ? "log" : "linear" },
      showlegend: series.length > 1,
    }),
  };
}

/** A metrics record as written to metrics.jsonl: numbers keyed by name. */
export type MetricRecord = Record<string, unknown>;

/** Options of {@link metricsFigure}. */
export interface MetricsFigureOptions extends FigureOptions {
  /** The field used as x. Default "step". */
  x?: string;
  /** Columns of the subplot grid. Default min(keys, 3). */
  columns?: number;
  /** Keys drawn with a log y axis. Default none. */
  logKeys?: string[];
}

/**
 * A grid of small line charts, one per metric key, from a metrics history (records with `step`).
 * Records without a finite value for a key leave a gap.
 *
 * @example
 * ```ts
 * import { metricsFigure } from "./line_figure.ts";
 * const history = [{ step: 0, loss: 1, accuracy: 0 }, { step: 1, loss: 0.8, accuracy: 0.4 }];
 * const fig = metricsFigure(history, ["loss", "accuracy"]);
 * console.assert(fig.data.length === 2 && fig.data[1].yaxis === "y2");
 * ```
 */
export function metricsFigure(
  history: MetricRecord[],
  keys: string[],
  options: MetricsFigureOptions = {},
): Figure {
  if (keys.length === 0) {
    throw new Error("metricsFigure: 'keys' must name at least one metric, got []");
  }
  const xKey = options.x ?? "step";
  const columns = Math.max(1, Math.min(options.columns ?? 3, keys.length));
  const rows = Math.ceil(keys.length / columns);
  const layout: Record<string, unknown> = baseLayout(
    { ...options, height: options.height ?? 260 * rows },
    {
      grid: { rows, columns, pattern: "independent" },
      showlegend: false,
      annotations: [],
    },
  );
  const data = keys.map((key, i) => {
    const axis = i === 0 ? "" : String(i + 1);
    const xs: number[] = [], ys: (number | null)[] = [];
    for (const r of history) {
      const x = r[xKey], y = r[key];
      if (typeof x !== "number") continue;
      xs.push(x);
      ys.push(typeof y === "number" && Number.isFinite(y) ? y : null);
    }
    layout[`xaxis${axis}`] = { title: { text: xKey } };
    layout[`yaxis${axis}`] = {
      title: { text: key },
      type: options.logKeys?.includes(key) ? "log" : "linear",
    };
    return {
      type: "scatter",
      mode: "lines",
      name: key,
      x: xs,
      y: ys,
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      line: { color: PALETTE[i % PALETTE.length] },
    };
  });
  return { data, layout };
}

/** One run of a sweep: its setting value and its metrics history. */
export interface SweepRun {
  /** Legend label, e.g. "α=0.2". */
  name: string;
  history: MetricRecord[];
}

/**
 * One curve per run of a sweep for one metric (e.g. loss per margin α).
 *
 * @example
 * ```ts
 * import { sweepFigure } from "./line_figure.ts";
 * const runs = [
 *   { name: "α=0.2", history: [{ step: 0, loss: 0.2 }, { step: 1, loss: 0.1 }] },
 *   { name: "α=1", history: [{ step: 0, loss: 1 }, { step: 1, loss: 1 }] },
 * ];
 * const fig = sweepFigure(runs, "loss");
 * console.assert(fig.data.length === 2 && fig.data[1].name === "α=1");
 * ```
 */
export function sweepFigure(
  runs: SweepRun[],
  metric: string,
  options: LineFigureOptions & { x?: string } = {},
): Figure {
  const xKey = options.x ?? "step";
  const series = runs.map((run) => {
    const rows = run.history.filter((r) => typeof r[xKey] === "number");
    return {
      name: run.name,
      x: rows.map((r) => r[xKey] as number),
      y: rows.map((r) => (typeof r[metric] === "number" ? (r[metric] as number) : NaN)),
    };
  });
  return lineFigure(series, {
    ...options,
    title: options.title ?? metric,
    xTitle: options.xTitle ?? xKey,
    yTitle: options.yTitle ?? metric,
  });
}
