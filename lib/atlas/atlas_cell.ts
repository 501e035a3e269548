/**
 * One cell of the collapse atlas: a configuration trained on several seeds, summarised as a
 * collapse rate with its Wilson 95% interval, the most frequent mechanism among the collapsed runs,
 * the median steps to collapse, and the means of the final numbers over seeds.
 *
 * @example
 * ```ts
 * import { summarizeCell } from "./atlas_cell.ts";
 * const run = (collapsed: boolean) => ({
 *   outcome: collapsed ? "collapsed" as const : "learned" as const, collapsed,
 *   mechanism: collapsed ? "dead-units" as const : "none" as const, diagnosis: "",
 *   stepsToCollapse: collapsed ? 30 : null, steps: 100, finalLoss: 1, lossOverMargin: 1,
 *   tripletAccuracy: 0, dAp: 0, dAn: 0, heldOutAccuracy: 0.5, heldOutChance: 0.5, heldOutCi: null,
 * });
 * const cell = summarizeCell({ lr: 0.1 }, [1, 2, 3], [run(true), run(true), run(false)]);
 * console.assert(cell.collapsed === 2 && cell.mechanism === "dead-units");
 * ```
 * @module
 */
import type { RunOutcome, RunVerdict } from "./classify_run.ts";
import { wilsonInterval } from "./wilson_interval.ts";

/** A summarised cell. */
export interface AtlasCell<C = Record<string, unknown>> {
  /** The cell's configuration (what differs between cells and what they share). */
  config: C;
  /** The seeds run, in order. */
  seeds: number[];
  /** Runs that collapsed. */
  collapsed: number;
  /** collapsed / seeds. */
  collapseRate: number;
  /** Wilson 95% interval of the collapse rate. */
  collapseRateCi: [number, number];
  /** The most frequent mechanism among collapsed runs (first seen wins a tie); "none" if none. */
  mechanism: string;
  /** Runs per mechanism ("none" for the runs that did not collapse). */
  mechanisms: Record<string, number>;
  /** Runs per outcome. */
  outcomes: Partial<Record<RunOutcome, number>>;
  /** Median first step of the collapses, or null. */
  stepsToCollapse: number | null;
  /** Means over the seeds whose value is finite (NaN when none is). */
  lossOverMargin: number;
  tripletAccuracy: number;
  dAp: number;
  dAn: number;
  /** Mean held-out verification accuracy over seeds, and its chance level. */
  heldOutAccuracy: number;
  heldOutChance: number;
  /** The per-seed verdicts. */
  runs: RunVerdict[];
}

/** Mean of the finite values (a run stopped on NaN/Inf has none); NaN when there are none. */
const mean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b), m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Summarises the verdicts of one configuration's seeds (`verdicts[i]` is seed `seeds[i]`'s).
 *
 * @example
 * ```ts
 * import { summarizeCell } from "./atlas_cell.ts";
 * let err = "";
 * try { summarizeCell({}, [1], []); } catch (e) { err = String(e); }
 * console.assert(err.includes("1 seeds but 0 verdicts"));
 * ```
 */
export function summarizeCell<C>(
  config: C,
  seeds: number[],
  verdicts: RunVerdict[],
): AtlasCell<C> {
  if (seeds.length !== verdicts.length) {
    throw new Error(`summarizeCell: ${seeds.length} seeds but ${verdicts.length} verdicts`);
  }
  if (seeds.length === 0) throw new Error("summarizeCell: no seeds");
  const collapsedRuns = verdicts.filter((v) => v.collapsed);
  const mechanisms: Record<string, number> = {};
  const outcomes: Partial<Record<RunOutcome, number>> = {};
  for (const v of verdicts) {
    mechanisms[v.mechanism] = (mechanisms[v.mechanism] ?? 0) + 1;
    outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
  }
  let mechanism = "none", best = 0;
  for (const v of collapsedRuns) {
    if (mechanisms[v.mechanism] > best) [mechanism, best] = [v.mechanism, mechanisms[v.mechanism]];
  }
  return {
    config,
    seeds: [...seeds],
    collapsed: collapsedRuns.length,
    collapseRate: collapsedRuns.length / seeds.length,
    collapseRateCi: wilsonInterval(collapsedRuns.length, seeds.length),
    mechanism,
    mechanisms,
    outcomes,
    stepsToCollapse: median(
      collapsedRuns.map((v) => v.stepsToCollapse).filter((s): s is number => s !== null),
    ),
    lossOverMargin: mean(verdicts.map((v) => v.lossOverMargin)),
    tripletAccuracy: mean(verdicts.map((v) => v.tripletAccuracy)),
    dAp: mean(verdicts.map((v) => v.dAp)),
    dAn: mean(verdicts.map((v) => v.dAn)),
    heldOutAccuracy: mean(verdicts.map((v) => v.heldOutAccuracy)),
    heldOutChance: mean(verdicts.map((v) => v.heldOutChance)),
    runs: verdicts,
  };
}
