/**
 * Where a configuration that did not collapse can be made to: the cells of a finished collapse-atlas
 * run that did collapse, read from its summary.json, nearest first (the atlas's one-factor
 * neighbours of its baseline, then its 2-D slices' cells), each with its count and label (which
 * names its departure from the atlas baseline).
 * @module
 */

/** What {@link nearestCollapsing} reads of an atlas cell. */
export interface AtlasCellBrief {
  label: string;
  /** "baseline", "one-factor" or a slice name. */
  group: string;
  seeds: number[];
  collapsed: number;
  collapseRate: number;
  collapseRateCi: [number, number];
}

/** A finished atlas run's cells and where they came from. */
export interface AtlasSource {
  /** The run folder (or file) the cells were read from. */
  source: string;
  preset: string;
  cells: AtlasCellBrief[];
}

/**
 * The atlas cells that collapsed on at least one seed: one-factor neighbours first, then the
 * slices' cells; within each, the higher collapse rate first.
 *
 * @example
 * ```ts
 * import { nearestCollapsing } from "./nearest_collapsing.ts";
 * const c = (label: string, group: string, collapsed: number) =>
 *   ({ label, group, seeds: [1, 2], collapsed, collapseRate: collapsed / 2, collapseRateCi: [0, 1] as [number, number] });
 * const near = nearestCollapsing([c("baseline", "baseline", 0), c("x", "lr-scaling", 2), c("y", "one-factor", 1)]);
 * console.assert(near.map((n) => n.label).join() === "y,x");
 * ```
 */
export function nearestCollapsing(cells: readonly AtlasCellBrief[]): AtlasCellBrief[] {
  const rank = (g: string) => (g === "one-factor" ? 0 : g === "baseline" ? -1 : 1);
  return cells
    .filter((c) => c.collapsed > 0)
    .sort((a, b) => rank(a.group) - rank(b.group) || b.collapseRate - a.collapseRate);
}

/**
 * The newest finished collapse-atlas run under `runsDir` (its `collapse-atlas/<timestamp>/
 * summary.json`), preferring `preset` ("small" by default) and falling back to any preset; undefined
 * when there is none. A summary that cannot be parsed is skipped.
 *
 * @example
 * ```ts
 * import { latestAtlasRun } from "./nearest_collapsing.ts";
 * console.assert((await latestAtlasRun(await Deno.makeTempDir())) === undefined);
 * ```
 */
export async function latestAtlasRun(
  runsDir: string,
  options: { preset?: string } = {},
): Promise<AtlasSource | undefined> {
  const dir = `${runsDir}/collapse-atlas`;
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory && e.name !== "cells") names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const found: AtlasSource[] = [];
  for (const name of names.sort().reverse()) {
    let summary: { preset?: string; cells?: AtlasCellBrief[] };
    try {
      summary = JSON.parse(await Deno.readTextFile(`${dir}/${name}/summary.json`));
    } catch {
      continue; // unfinished or damaged run
    }
    if (!Array.isArray(summary.cells)) continue;
    found.push({ source: `${dir}/${name}`, preset: summary.preset ?? "?", cells: summary.cells });
  }
  const want = options.preset ?? "small";
  return found.find((r) => r.preset === want) ?? found[0];
}
