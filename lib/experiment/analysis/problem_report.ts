/**
 * Pieces shared by the monograph's problem reproductions: a variant's compact record, the fixes
 * that fixed the collapse, and the figures (loss, accuracy, d_ap/d_an, gradient and pre-L2 norm).
 * @module
 */
import { type Figure, lineFigure, sweepFigure } from "../../plot/mod.ts";
import type { ProblemOutcome } from "../problem_variant.ts";
import { brief } from "../train_variant.ts";

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
  verificationAccuracy: number;
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
