/**
 * The verdict on one finished training run, for the collapse atlas: did it collapse, when, by which
 * mechanism (lib/train's forensics diagnosis), with what final numbers — and, when it did not
 * collapse, did it learn (held-out verification above chance) or just not learn yet. A short run
 * that neither collapsed nor learned is "not-learned", never counted as a fix.
 *
 * - `collapsed`: the training loop's detector confirmed a collapse that lasted to the end of the
 *   run (`collapseStep`), or the last forensics snapshot shows coinciding outputs.
 * - `mechanism`: the diagnosis' name when collapsed ("undiagnosed" if the forensics saw none, e.g.
 *   forensics were off); "none" otherwise.
 * - a run the loop stopped because its loss or gradient became NaN/Inf (`nonFinite`, from lib/train's
 *   NonFiniteError) counts as collapsed at that step, with mechanism "non-finite": it cannot learn
 *   any further (plain √ at d = 0, overflow from raw pixels or a huge learning rate).
 * - final loss, triplet accuracy, d_ap and d_an: means over the last fifth of the steps (1 to 5
 *   steps), so one noisy batch does not decide; `lossOverMargin` is the final loss divided by α
 *   (1 at total collapse under any √ distance).
 *
 * @example
 * ```ts
 * import { classifyRun } from "./classify_run.ts";
 * const step = (s: number) => ({ step: s, loss: 1, accuracy: 0, dAp: { mean: 3.16e-4 }, dAn: { mean: 3.16e-4 } });
 * const v = classifyRun({ history: [step(1), step(2)], collapseStep: 1 }, { margin: 1 });
 * console.assert(v.outcome === "collapsed" && v.lossOverMargin === 1 && v.mechanism === "undiagnosed");
 * ```
 * @module
 */
import type { CollapseMechanism, StepMetrics, TrainResult } from "../train/mod.ts";
import type { HeldOutAccuracy } from "./held_out_accuracy.ts";

/** What {@link classifyRun} reads from a run (a `TrainResult` fits). */
export interface RunRecord {
  history: readonly (Pick<StepMetrics, "step" | "loss" | "accuracy"> & {
    dAp: { mean: number };
    dAn: { mean: number };
  })[];
  collapseStep?: number;
  /** Set when training stopped on a NaN/Inf loss or gradient: the step and lib/train's likely cause. */
  nonFinite?: { step: number; cause: string };
  diagnosis?: Pick<NonNullable<TrainResult["diagnosis"]>, "collapsed" | "mechanism" | "summary">;
}

/** How a run ended. */
export type RunOutcome = "collapsed" | "learned" | "not-learned" | "not-collapsed";

/** The verdict of {@link classifyRun}. */
export interface RunVerdict {
  /**
   * "collapsed"; else "learned" (held-out accuracy's interval above chance), "not-learned" (not
   * above chance), or "not-collapsed" when no held-out accuracy was given.
   */
  outcome: RunOutcome;
  collapsed: boolean;
  /**
   * The forensics' mechanism of a collapse; "non-finite" when training stopped on NaN/Inf;
   * "undiagnosed" when the forensics saw none; "none" if not collapsed.
   */
  mechanism: CollapseMechanism | "non-finite" | "undiagnosed";
  /** The diagnosis' sentence, when there is one. */
  diagnosis: string;
  /** First step of the collapse that lasted to the end, or null. */
  stepsToCollapse: number | null;
  /** Steps run. */
  steps: number;
  finalLoss: number;
  /** finalLoss / margin. */
  lossOverMargin: number;
  /** Triplet accuracy of the last steps (ties count as wrong). */
  tripletAccuracy: number;
  dAp: number;
  dAn: number;
  /** Held-out verification accuracy, its chance level and interval (NaN / null when not given). */
  heldOutAccuracy: number;
  heldOutChance: number;
  heldOutCi: [number, number] | null;
}

/** Options of {@link classifyRun}. */
export interface ClassifyOptions {
  /** The run's margin α. */
  margin: number;
  /** Held-out verification of the trained model (see heldOutAccuracy). */
  heldOut?: HeldOutAccuracy;
}

/**
 * Classifies a finished run. Throws when the run has no steps or the margin is not positive.
 *
 * @example
 * ```ts
 * import { classifyRun } from "./classify_run.ts";
 * const step = (s: number) => ({ step: s, loss: 0.1, accuracy: 0.9, dAp: { mean: 0.5 }, dAn: { mean: 1.2 } });
 * const heldOut = { accuracy: 0.9, chance: 0.5, pairs: 200, ci: [0.85, 0.93] as [number, number], aboveChance: true, nonFinite: false };
 * console.assert(classifyRun({ history: [step(1)] }, { margin: 0.2, heldOut }).outcome === "learned");
 * ```
 */
export function classifyRun(run: RunRecord, options: ClassifyOptions): RunVerdict {
  const { margin, heldOut } = options;
  if (!(margin > 0) || !Number.isFinite(margin)) {
    throw new Error(`classifyRun: 'margin' must be a positive number, got ${margin}`);
  }
  const h = run.history;
  if (h.length === 0 && !run.nonFinite) throw new Error("classifyRun: the run has no steps");
  const tail = h.slice(-Math.max(1, Math.min(5, Math.floor(h.length / 5))));
  const collapsed = run.nonFinite !== undefined || run.collapseStep !== undefined ||
    run.diagnosis?.collapsed === true;
  const diagnosed = run.diagnosis && run.diagnosis.mechanism !== "none";
  const mechanism: RunVerdict["mechanism"] = !collapsed
    ? "none"
    : run.nonFinite
    ? "non-finite"
    : diagnosed
    ? run.diagnosis!.mechanism
    : "undiagnosed";
  // a run stopped at its first step has no finite numbers to report
  const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  const finalLoss = mean(tail.map((s) => s.loss));
  const outcome: RunOutcome = collapsed
    ? "collapsed"
    : heldOut === undefined
    ? "not-collapsed"
    : heldOut.aboveChance
    ? "learned"
    : "not-learned";
  return {
    outcome,
    collapsed,
    mechanism,
    diagnosis: run.nonFinite?.cause ?? run.diagnosis?.summary ?? "",
    stepsToCollapse: run.nonFinite?.step ?? run.collapseStep ?? null,
    steps: run.nonFinite?.step ?? h[h.length - 1].step,
    finalLoss,
    lossOverMargin: finalLoss / margin,
    tripletAccuracy: mean(tail.map((s) => s.accuracy)),
    dAp: mean(tail.map((s) => s.dAp.mean)),
    dAn: mean(tail.map((s) => s.dAn.mean)),
    heldOutAccuracy: heldOut?.accuracy ?? NaN,
    heldOutChance: heldOut?.chance ?? NaN,
    heldOutCi: heldOut?.ci ?? null,
  };
}
