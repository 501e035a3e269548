/**
 * The `problem1-margin1` analysis: the collapse of the monograph's problem 1 (loss = margin,
 * accuracy 0, d = √ε), its mechanism from lib/train's forensics, and each fix before and after.
 * @module
 */
import type { ExperimentResult } from "../define_experiment.ts";
import { heldOutSentence } from "./held_out_text.ts";
import type { ProblemOutcome } from "../problem_variant.ts";
import {
  fixedBy,
  fixedCollapse,
  problemFigures,
  type ProblemRecord,
  variantRecord,
} from "./problem_report.ts";

/** A fix's before and after. */
export interface FixResult {
  change: string;
  before: ProblemRecord;
  after: ProblemRecord;
  /** The run before collapsed, this one did not, and its held-out interval lies above chance. */
  fixed: boolean;
}

/** The `problem1-margin1` summary. */
export interface Problem1Summary {
  collapsed: boolean;
  collapseStep: number | null;
  finalLoss: number;
  lossMinusMargin: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  sqrtEps: number;
  lastGradNorm: number;
  zeroGradSteps: number;
  preL2Norm: number | string;
  overflowStep: number | null;
  /** Verification accuracy on pairs of identities never trained on, with chance and interval. */
  verificationAccuracy: number;
  heldOutChance: number;
  heldOutCi: [number, number] | null;
  /** That accuracy against chance, for the unfixed run and each fix that finished, in words. */
  heldOut: string[];
  mechanism: string;
  mechanismSentence: string;
  evidence: string[];
  fixes: Record<string, FixResult>;
  fixedBy: string[];
}

/**
 * Summary, figures and notes of `problem1-margin1`: `before` is the unfixed run, `fixes` each
 * fix's name, the change it made and its run.
 *
 * @example
 * ```ts ignore
 * const { summary } = problem1Analysis(before, fixes, { margin: 1 });
 * ```
 */
export function problem1Analysis(
  before: ProblemOutcome,
  fixes: { fix: string; change: string; after: ProblemOutcome }[],
  config: { margin: number },
): ExperimentResult<Problem1Summary> {
  const results: Record<string, FixResult> = {};
  for (const { fix, change, after } of fixes) {
    results[fix] = {
      change,
      before: variantRecord(before),
      after: variantRecord(after),
      // a fix can only fix a run that collapsed, and must have learned (held-out above chance)
      fixed: fixedCollapse(before, after),
    };
  }
  const sqrtEps = Math.fround(Math.sqrt(1e-7));
  const lossMinusMargin = before.finalLoss - config.margin;
  const absorbing = before.lastGradNorm === 0 && Math.abs(lossMinusMargin) < 1e-6;
  const mechanismSentence = `${before.mechanism}: ${before.diagnosis}` +
    (absorbing
      ? `. Every embedding is then the same point, so d² = 0 < ε and √max(d², ε) = √ε = ` +
        `${sqrtEps.toExponential(7)} for every pair: d_ap = d_an, the loss is exactly the margin ` +
        `(${config.margin}), ties make the accuracy 0, and the clamp's gradient is exactly 0 ` +
        `(${before.zeroGradSteps} of ${before.steps} steps had ‖g‖ = 0), so no gradient step can ` +
        `leave it: an absorbing state`
      : "");
  const heldOut = [before, ...fixes.map((f) => f.after)].map((o) =>
    `${o.variant}: ${heldOutSentence(o)}`
  );
  const summary: Problem1Summary = {
    collapsed: before.collapsed,
    collapseStep: before.collapseStep,
    finalLoss: before.finalLoss,
    lossMinusMargin,
    accuracy: before.accuracy,
    dAp: before.dAp,
    dAn: before.dAn,
    sqrtEps,
    lastGradNorm: before.lastGradNorm,
    zeroGradSteps: before.zeroGradSteps,
    preL2Norm: before.preL2Norm,
    overflowStep: before.overflowStep,
    verificationAccuracy: before.verificationAccuracy,
    heldOutChance: before.heldOutChance,
    heldOutCi: before.heldOutCi,
    heldOut,
    mechanism: before.mechanism,
    mechanismSentence,
    evidence: before.evidence,
    fixes: results,
    fixedBy: fixedBy(results),
  };
  return {
    summary,
    figures: problemFigures([before, ...fixes.map((f) => f.after)], "problem 1"),
    notes: [
      `Mechanism (lib/train forensics): ${mechanismSentence}.`,
      ...heldOut.map((h) => `${h}.`),
    ],
  };
}
