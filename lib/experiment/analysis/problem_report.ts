/**
 * Pieces shared by the monograph's problem reproductions: a variant's compact record (held-out
 * verification against chance included), the atlas verdict of a run with its held-out accuracy,
 * the fixes that fixed the collapse, and the figures (loss, accuracy, d_ap/d_an, gradient and
 * pre-L2 norm).
 * @module
 */
import { type Figure, lineFigure, sweepFigure } from "../../plot/mod.ts";
import { type OutcomeLike, outcomeVerdict, type RunVerdict } from "../../atlas/mod.ts";
import type { ProblemOutcome } from "../problem_variant.ts";
import { brief, type VariantOutcome } from "../train_variant.ts";
import { type ChanceStanding, chanceStanding } from "./held_out_text.ts";

/** The compact per-variant record of a problem summary. */
export interface ProblemRecord {
  finalLoss: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  collapseStep: number | null;
  mechanism: string;
  lastGradNorm: number;
  preL2Norm: number | string;
  /** Verification accuracy on pairs of identities never trained on, its chance level and interval. */
  verificationAccuracy: number;
  heldOutChance: number;
  heldOutCi: [number, number] | null;
  /** Where that accuracy stands against chance (from the interval). */
  heldOutStanding: ChanceStanding;
}

/**
 * The compact record of a variant.
 *
 * @example
 * ```ts ignore
 * const r = variantRecord(outcome);
 * ```
 */
export function variantRecord(o: ProblemOutcome): ProblemRecord {
  const b = brief(o);
  return {
    finalLoss: b.finalLoss,
    accuracy: b.accuracy,
    dAp: b.dAp,
    dAn: b.dAn,
    collapsed: b.collapsed,
    collapseStep: b.collapseStep,
    mechanism: b.mechanism,
    lastGradNorm: o.lastGradNorm,
    preL2Norm: o.preL2Norm,
    verificationAccuracy: b.verificationAccuracy,
    heldOutChance: b.heldOutChance,
    heldOutCi: b.heldOutCi,
    heldOutStanding: chanceStanding(b),
  };
}

/**
 * Whether a fix fixed a collapse: the run before it collapsed, the run after it did not, no
 * mechanism was diagnosed, and it learned something — its held-out verification interval lies
 * above chance (a run that neither collapsed nor learned is not a fix).
 *
 * @example
 * ```ts
 * import { fixedCollapse } from "./problem_report.ts";
 * const after = { collapsed: false, mechanism: "none", heldOutChance: 0.5, heldOutCi: [0.4, 0.6] as [number, number] };
 * console.assert(fixedCollapse({ collapsed: true }, after) === false);
 * ```
 */
export function fixedCollapse(
  before: Pick<VariantOutcome, "collapsed">,
  after: Pick<VariantOutcome, "collapsed" | "mechanism" | "heldOutChance" | "heldOutCi">,
): boolean {
  return before.collapsed && !after.collapsed && after.mechanism === "none" &&
    chanceStanding(after) === "above";
}

/**
 * The collapse atlas' verdict of a training cell's outcome (lib/atlas' `outcomeVerdict`) with its
 * held-out verification filled in, so a run that did not collapse is "learned" (held-out interval
 * above chance) or "not-learned"; a run stopped on NaN/Inf stays a "non-finite" collapse.
 *
 * @example
 * ```ts
 * import { heldOutVerdict } from "./problem_report.ts";
 * const v = heldOutVerdict({ steps: 10, finalLoss: 0.1, accuracy: 0.9, dAp: 0.2, dAn: 0.9,
 *   collapsed: false, collapseStep: null, mechanism: "none", diagnosis: "",
 *   verificationAccuracy: 0.8, heldOutChance: 0.5, heldOutCi: [0.7, 0.87] }, { margin: 1 });
 * console.assert(v.outcome === "learned" && v.heldOutAccuracy === 0.8);
 * ```
 */
export function heldOutVerdict(
  o:
    | (OutcomeLike & Pick<VariantOutcome, "verificationAccuracy" | "heldOutChance" | "heldOutCi">)
    | { diverged: string },
  options: { margin: number },
): RunVerdict {
  const v = outcomeVerdict(o, options);
  if ("diverged" in o) return v;
  return {
    ...v,
    outcome: v.collapsed ? v.outcome : chanceStanding(o) === "above" ? "learned" : "not-learned",
    heldOutAccuracy: o.verificationAccuracy,
    heldOutChance: o.heldOutChance,
    heldOutCi: o.heldOutCi,
  };
}

/**
 * The names of the fixes that fixed the collapse (each entry of `fixes` has a `fixed` flag).
 *
 * @example
 * ```ts
 * import { fixedBy } from "./problem_report.ts";
 * console.assert(fixedBy({ a: { fixed: true }, b: { fixed: false } }).join() === "a");
 * ```
 */
export function fixedBy(fixes: Record<string, { fixed: boolean }>): string[] {
  return Object.entries(fixes).filter(([, v]) => v.fixed).map(([k]) => k);
}

/**
 * Figures shared by the problem reproductions: loss, accuracy, d_ap, gradient and pre-L2 norm.
 *
 * @example
 * ```ts ignore
 * const figures = problemFigures(outcomes, "problem 1");
 * ```
 */
export function problemFigures(outcomes: ProblemOutcome[], title: string): Figure[] {
  const runs = outcomes.map((o) => ({ name: o.variant, history: o.history }));
  return [
    sweepFigure(runs, "loss", { title: `${title}: loss per variant` }),
    sweepFigure(runs, "accuracy", { title: `${title}: triplet accuracy (ties count as wrong)` }),
    lineFigure(
      outcomes.flatMap((o) => [
        { name: `d_ap ${o.variant}`, y: o.history.map((h) => h.dAp) },
        { name: `d_an ${o.variant}`, y: o.history.map((h) => h.dAn) },
      ]),
      { title: `${title}: mean d_ap and d_an`, yTitle: "distance", logY: true },
    ),
    lineFigure(
      outcomes.map((o) => ({
        name: o.variant,
        y: o.history.map((h) => Math.max(h.gradNorm, 1e-30)),
      })),
      { title: `${title}: gradient norm (1e-30 = exactly 0)`, yTitle: "‖g‖", logY: true },
    ),
    lineFigure(
      outcomes.map((o) => ({
        name: o.variant,
        x: o.forensics.map((f) => f.step ?? 0),
        y: o.forensics.map((f) => Number.isFinite(f.preL2.norm.mean) ? f.preL2.norm.mean : 3.4e38),
      })),
      {
        title: `${title}: norm of the embedding before L2 normalisation (3.4e38 = overflowed)`,
        yTitle: "mean ‖x‖",
        logY: true,
        markers: true,
      },
    ),
  ];
}
