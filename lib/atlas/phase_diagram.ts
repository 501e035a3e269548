/**
 * A phase diagram of the collapse atlas: the collapse rate of each cell of a 2-D slice as a heatmap
 * over two config fields (e.g. learning rate × input scaling), each cell's rate printed in it.
 *
 * @example
 * ```ts
 * import { phaseDiagram } from "./phase_diagram.ts";
 * const cell = (lr: number, scaling: string, rate: number) => ({ config: { lr, scaling }, collapseRate: rate });
 * const fig = phaseDiagram([cell(0.1, "raw", 1), cell(0.001, "raw", 0.2), cell(0.1, "unit", 0.6)], { x: "lr", y: "scaling" });
 * console.assert(fig.data[0].type === "heatmap");
 * ```
 * @module
 */
import { type Figure, heatmapFigure } from "../plot/mod.ts";

/** Options of {@link phaseDiagram}. */
export interface PhaseDiagramOptions {
  /** Config field along the columns. */
  x: string;
  /** Config field along the rows. */
  y: string;
  title?: string;
}

/** What {@link phaseDiagram} reads of a cell. */
export interface PhaseCell {
  config: Record<string, unknown>;
  collapseRate: number;
}

const order = (values: unknown[]) =>
  [...new Set(values)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))
  );

/**
 * The heatmap of collapse rate over `x` × `y` (axes sorted; a combination not run stays empty).
 * Throws, naming both values, when two cells sit at the same point.
 *
 * @example
 * ```ts
 * import { phaseDiagram } from "./phase_diagram.ts";
 * const c = { config: { a: 1, b: "x" }, collapseRate: 0 };
 * let err = "";
 * try { phaseDiagram([c, c], { x: "a", y: "b" }); } catch (e) { err = String(e); }
 * console.assert(err.includes("two cells at a = 1, b = x"));
 * ```
 */
export function phaseDiagram(cells: readonly PhaseCell[], options: PhaseDiagramOptions): Figure {
  const { x, y } = options;
  for (const c of cells) {
    for (const key of [x, y]) {
      if (!(key in c.config)) {
        throw new Error(`phaseDiagram: a cell has no config field '${key}'`);
      }
    }
  }
  const xs = order(cells.map((c) => c.config[x])), ys = order(cells.map((c) => c.config[y]));
  const z = ys.map(() => xs.map(() => NaN));
  for (const c of cells) {
    const i = ys.indexOf(c.config[y]), j = xs.indexOf(c.config[x]);
    if (!Number.isNaN(z[i][j])) {
      throw new Error(
        `phaseDiagram: two cells at ${x} = ${c.config[x]}, ${y} = ${c.config[y]}`,
      );
    }
    z[i][j] = c.collapseRate;
  }
  return heatmapFigure(z, {
    x: xs.map(String),
    y: ys.map(String),
    xTitle: x,
    yTitle: y,
    zTitle: "collapse rate",
    zmin: 0,
    zmax: 1,
    colorscale: "Reds",
    format: (v) => `${Math.round(v * 100)}%`,
    title: options.title ?? `collapse rate over ${x} × ${y}`,
  });
}
