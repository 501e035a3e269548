/**
 * The atlas's verdict ({@link RunVerdict}) for a run that was summarised by lib/experiment's
 * training cell (a `VariantOutcome`: final loss, accuracy, d_ap, d_an, collapse, mechanism), or for
 * one that stopped on NaN/Inf — so experiments built on that cell (the monograph's problems) can
 * tally seeds with {@link summarizeCell} and word them with the findings functions.
 *
 * Without held-out verification the outcome is "collapsed" or "not-collapsed".
 *
 * @example
 * ```ts
 * import { outcomeVerdict } from "./outcome_verdict.ts";
 * const v = outcomeVerdict({ steps: 12, finalLoss: 1, accuracy: 0, dAp: 3.16e-4, dAn: 3.16e-4,
 *   collapsed: true, collapseStep: 4, mechanism: "overflow", diagnosis: "…" }, { margin: 1 });
 * console.assert(v.outcome === "collapsed" && v.lossOverMargin === 1);
 * ```
 * @module
 */
import type { RunVerdict } from "./classify_run.ts";

/** What {@link outcomeVerdict} reads of a training cell's outcome. */
export interface OutcomeLike {
  steps: number;
  finalLoss: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  collapseStep: number | null;
  mechanism: string;
  diagnosis: string;
}

/**
 * The verdict of an outcome, or of a run stopped on NaN/Inf (`{ diverged: message }`, counted as a
 * "non-finite" collapse with no final numbers).
 *
 * @example
 * ```ts
 * import { outcomeVerdict } from "./outcome_verdict.ts";
 * const v = outcomeVerdict({ diverged: "Training stopped at step 3" }, { margin: 4 });
 * console.assert(v.mechanism === "non-finite" && Number.isNaN(v.finalLoss));
 * ```
 */
export function outcomeVerdict(
  o: OutcomeLike | { diverged: string },
  options: { margin: number },
): RunVerdict {
  if ("diverged" in o) {
    const step = Number(o.diverged.match(/at step (\d+)/)?.[1]);
    return {
      outcome: "collapsed",
      collapsed: true,
      mechanism: "non-finite",
      diagnosis: o.diverged,
      stepsToCollapse: Number.isFinite(step) ? step : null,
      steps: Number.isFinite(step) ? step : NaN,
      finalLoss: NaN,
      lossOverMargin: NaN,
      tripletAccuracy: NaN,
      dAp: NaN,
      dAn: NaN,
      heldOutAccuracy: NaN,
      heldOutChance: NaN,
      heldOutCi: null,
    };
  }
  const mechanism = !o.collapsed
    ? "none"
    : o.mechanism === "none"
    ? "undiagnosed"
    : o.mechanism as RunVerdict["mechanism"];
  return {
    outcome: o.collapsed ? "collapsed" : "not-collapsed",
    collapsed: o.collapsed,
    mechanism,
    diagnosis: o.diagnosis,
    stepsToCollapse: o.collapseStep,
    steps: o.steps,
    finalLoss: o.finalLoss,
    lossOverMargin: o.finalLoss / options.margin,
    tripletAccuracy: o.accuracy,
    dAp: o.dAp,
    dAn: o.dAn,
    heldOutAccuracy: NaN,
    heldOutChance: NaN,
    heldOutCi: null,
  };
}
