/**
 * The report sections of a sweep (a value swept per group, e.g. the margin α per miner): findings
 * sentences generated from the numbers, a headline figure of the answering value against the swept
 * one (one colour per group), a results table, and the training curves as small multiples in the
 * same colours.
 * @module
 */
import {
  type Figure,
  lineFigure,
  type Panel,
  smallMultiplesFigure,
  variantColors,
} from "../plot/mod.ts";
import { columnHeader, formatCell, type ResultColumn, type ResultsTable } from "./results_table.ts";
import type { ReportSections } from "./write_report.ts";

/** One cell of a sweep: a group (colour), a swept value, final values, and per-step records. */
export interface SweepCell {
  /** The variant's group, one colour in every figure (e.g. the miner). */
  group: string;
  /** The swept value (e.g. the margin α). */
  x: number;
  /** Final values for the table and the headline, keyed like the columns. */
  values: Record<string, number | string | boolean | null>;
  /** Step at which training collapsed; null or absent when it did not. */
  collapseStep?: number | null;
  /** Per-step records (with `step`) for the curves. */
  history?: Record<string, unknown>[];
}

/** A per-step metric drawn as a column of small multiples. */
export interface CurveMetric {
  key: string;
  label: string;
  logY?: boolean;
}

/** Options of {@link sweepReport}. */
export interface SweepReportOptions {
  /** The question the sweep answers. */
  question: string;
  /** Name of the groups, e.g. "miner". */
  groupLabel: string;
  /** Name of the swept value, e.g. "margin α". */
  xLabel: string;
  /** Short symbol for legends and sentences, e.g. "α". Default: `xLabel`. */
  xSymbol?: string;
  /** Logarithmic x axis in the headline. Default false. */
  xLog?: boolean;
  /** The value that answers the question, plotted against x per group. */
  headline: ResultColumn & {
    /** The value a model that learned nothing gets (e.g. 0.5), drawn as a dotted line. */
    chance?: number;
    /** How close to `chance` counts as chance, in the value's units. Default 0.05. */
    chanceTolerance?: number;
  };
  /** Further table columns, read from each cell's `values`. Default none. */
  columns?: ResultColumn[];
  /** Per-step metrics for the small multiples (one row per swept value). Default none. */
  curves?: CurveMetric[];
  /** EMA weight of the curves (centred; see `smallMultiplesFigure`). Default 0.7. */
  smoothing?: number;
  /** Rows of panels (swept values) per curves figure. Default 3 (one printed page). */
  rowsPerFigure?: number;
}

/** A value of a column with its unit, for sentences. */
function withUnit(value: unknown, column: ResultColumn): string {
  const unit = column.unit ?? (column.format === "percent" ? "%" : "");
  const text = formatCell(value, column);
  return unit === "%" ? `${text}%` : unit ? `${text} ${unit}` : text;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : NaN);

/**
 * Builds the question, findings, headline figure, results table and curves of a sweep.
 *
 * @example
 * ```ts
 * import { sweepReport } from "./sweep_report.ts";
 * const cells = [
 *   { group: "semihard", x: 0.2, values: { acc: 0.9 } },
 *   { group: "semihard", x: 4, values: { acc: 0.6 }, collapseStep: 12 },
 *   { group: "hardest", x: 0.2, values: { acc: 0.5 }, collapseStep: 3 },
 *   { group: "hardest", x: 4, values: { acc: 0.5 }, collapseStep: 3 },
 * ];
 * const r = sweepReport(cells, {
 *   question: "Which margin trains best?",
 *   groupLabel: "miner",
 *   xLabel: "margin α",
 *   xSymbol: "α",
 *   headline: { key: "acc", label: "accuracy", format: "percent", chance: 0.5 },
 * });
 * console.assert(r.findings![0].startsWith("Highest accuracy: 90.0% (semihard, α=0.2)"));
 * console.assert(r.table!.rows.length === 4 && r.headline!.data.length === 3);
 * ```
 */
export function sweepReport(cells: SweepCell[], options: SweepReportOptions): ReportSections {
  if (cells.length === 0) throw new Error("sweepReport: 'cells' is empty");
  const h = options.headline;
  for (const [i, c] of cells.entries()) {
    if (!(h.key in c.values)) {
      throw new Error(
        `sweepReport: cell ${i} (${c.group}, x=${c.x}) has no value '${h.key}' (the headline key)`,
      );
    }
  }
  const sym = options.xSymbol ?? options.xLabel;
  const groups = [...new Set(cells.map((c) => c.group))];
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const colors = variantColors(groups);
  const scale = h.format === "percent" ? 100 : 1;
  const where = (c: SweepCell) => `${c.group}, ${sym}=${c.x}`;
  const collapsed = (c: SweepCell) => c.collapseStep !== null && c.collapseStep !== undefined;

  // Findings, every number from the cells.
  const finite = cells.filter((c) => Number.isFinite(num(c.values[h.key])));
  const findings: string[] = [];
  if (finite.length > 0) {
    const best = finite.reduce((a, b) => (num(b.values[h.key]) > num(a.values[h.key]) ? b : a));
    const worst = finite.reduce((a, b) => (num(b.values[h.key]) < num(a.values[h.key]) ? b : a));
    findings.push(
      `Highest ${h.label}: ${withUnit(best.values[h.key], h)} (${where(best)}); lowest: ${
        withUnit(worst.values[h.key], h)
      } (${where(worst)}).`,
    );
  }
  const means = groups.map((g) => {
    const vs = cells.filter((c) => c.group === g).map((c) => num(c.values[h.key])).filter(
      Number.isFinite,
    );
    return { g, mean: vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : NaN };
  }).sort((a, b) => (Number.isNaN(a.mean) ? 1 : Number.isNaN(b.mean) ? -1 : b.mean - a.mean));
  if (groups.length > 1) {
    findings.push(
      `Mean ${h.label} over ${sym} = ${xs.join(", ")}, by ${options.groupLabel}: ${
        means.map((m) => `${m.g} ${withUnit(m.mean, h)}`).join(", ")
      }.`,
    );
  }
  for (const g of groups) {
    const gs = cells.filter((c) => c.group === g).sort((a, b) => a.x - b.x);
    const col = gs.filter(collapsed);
    const vs = gs.map((c) => num(c.values[h.key])).filter(Number.isFinite);
    const [lo, hi] = [withUnit(Math.min(...vs), h), withUnit(Math.max(...vs), h)];
    const range = vs.length === 0
      ? "no value"
      : lo === hi
      ? `${lo} at every ${sym}`
      : `${lo} to ${hi}`;
    const collapse = col.length === 0
      ? "no collapse"
      : col.length === gs.length
      ? `collapsed at every ${sym} (at step ${
        [...new Set(col.map((c) => c.collapseStep))].join(", ")
      })`
      : `collapsed at ${sym} = ${col.map((c) => `${c.x} (step ${c.collapseStep})`).join(", ")}`;
    findings.push(`${g}: ${h.label} ${range}; ${collapse}.`);
  }
  if (h.chance !== undefined) {
    const tol = h.chanceTolerance ?? 0.05;
    const near = finite.filter((c) => Math.abs(num(c.values[h.key]) - h.chance!) <= tol);
    const within = h.format === "percent"
      ? `${Number((tol * 100).toPrecision(3))} points`
      : String(tol);
    findings.push(
      `${near.length} of ${cells.length} runs ended within ${within} of chance (${
        withUnit(h.chance, h)
      })${near.length > 0 && near.length < cells.length ? `: ${near.map(where).join("; ")}` : ""}.`,
    );
  }

  // Headline: the answering value against x, one line per group.
  const headline: Figure = lineFigure(
    groups.map((g) => {
      const gs = cells.filter((c) => c.group === g).sort((a, b) => a.x - b.x);
      return {
        name: g,
        x: gs.map((c) => c.x),
        y: gs.map((c) => num(c.values[h.key]) * scale),
        color: colors[g],
      };
    }),
    {
      xTitle: options.xLabel,
      yTitle: columnHeader(h),
      markers: true,
      height: 380,
    },
  );
  headline.data.forEach((trace, i) => {
    const gs = cells.filter((c) => c.group === groups[i]).sort((a, b) => a.x - b.x);
    trace.marker = {
      color: colors[groups[i]],
      size: gs.map((c) => (collapsed(c) ? 11 : 8)),
      symbol: gs.map((c) => (collapsed(c) ? "x" : "circle")),
    };
  });
  const layout = headline.layout as Record<string, unknown>;
  layout.xaxis = {
    title: { text: options.xLabel },
    ...(options.xLog ? { type: "log" } : {}),
    tickvals: xs,
    ticktext: xs.map(String),
  };
  layout.legend = { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" };
  // A vertical mode bar at the right, clear of the legend along the top.
  layout.modebar = { orientation: "v" };
  layout.showlegend = true;
  layout.margin = { l: 60, r: 20, t: 40, b: 50 };
  if (h.chance !== undefined) {
    layout.shapes = [{
      type: "line",
      xref: "paper",
      x0: 0,
      x1: 1,
      y0: h.chance * scale,
      y1: h.chance * scale,
      line: { color: "#888", dash: "dot", width: 1 },
    }];
  }
  const nCollapsed = cells.filter(collapsed).length;
  const headlineCaption =
    `${h.label} against ${options.xLabel}, one line per ${options.groupLabel}` +
    (nCollapsed > 0 ? `; × marks the ${nCollapsed} run(s) that collapsed` : "") +
    (h.chance !== undefined ? `; dotted: chance (${withUnit(h.chance, h)})` : "") + ".";

  // Table: one row per cell.
  const columns: ResultColumn[] = [
    { key: "group", label: options.groupLabel, format: "text" },
    { key: "x", label: sym },
    h,
    ...(options.columns ?? []),
    { key: "collapse", label: "collapsed at step", format: "text" },
  ];
  const rows = [...cells].sort((a, b) =>
    groups.indexOf(a.group) - groups.indexOf(b.group) || a.x - b.x
  ).map((c) => ({
    group: c.group,
    x: c.x,
    ...c.values,
    collapse: collapsed(c) ? String(c.collapseStep) : "no",
  }));
  const table: ResultsTable = {
    columns,
    rows,
    colors,
    caption: `One row per ${options.groupLabel} and ${sym}; ${cells.length} runs.`,
  };

  // Curves: one row of panels per swept value, one column per metric, one colour per group; a few
  // rows per figure so that each fits a printed page.
  const curves: Figure[] = [];
  const metrics = options.curves ?? [];
  if (metrics.length > 0 && cells.some((c) => c.history?.length)) {
    const perFigure = Math.max(1, options.rowsPerFigure ?? 3);
    for (let start = 0; start < xs.length; start += perFigure) {
      const panels: Panel[] = [];
      for (const x of xs.slice(start, start + perFigure)) {
        for (const m of metrics) {
          panels.push({
            title: `${m.label}, ${sym}=${x}`,
            logY: m.logY,
            series: cells.filter((c) => c.x === x && c.history?.length).map((c) => {
              const rows = c.history!.filter((r) => typeof r.step === "number");
              return {
                name: c.group,
                x: rows.map((r) => r.step as number),
                y: rows.map((r) => num(r[m.key])),
                color: colors[c.group],
              };
            }),
          });
        }
      }
      curves.push(smallMultiplesFigure(panels, {
        columns: metrics.length,
        smoothing: options.smoothing,
        panelHeight: 170,
      }));
    }
  }
  return {
    question: options.question,
    findings,
    headline,
    headlineCaption,
    table,
    ...(curves.length
      ? {
        curves,
        curvesCaption:
          `One row per ${sym}, one column per metric, one colour per ${options.groupLabel}; ` +
          `lines are smoothed with an exponential moving average run forward and backward (weight ${
            options.smoothing ?? 0.7
          }; in log space on log axes), raw per-step values faint behind.`,
      }
      : {}),
  };
}
