/**
 * The `loss-zoo` experiment's analysis: every loss at one budget, ranked by verification
 * accuracy, with its collapse verdict, curves and the hinge-vs-nohinge comparison.
 * @module
 */
import { barFigure, type Figure, lineFigure, sweepFigure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import { brief, type VariantOutcome } from "../train_variant.ts";

/** One loss's row of the summary. */
export interface LossResult {
  finalLoss: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  mechanism: string;
  verificationAccuracy: number;
  valAtFar: number;
  seconds: number;
}

/** The `loss-zoo` summary. */
export interface LossZooSummary {
  budget: string;
  ranking: string[];
  bestLoss: string | undefined;
  bestVerificationAccuracy: number | undefined;
  collapsedLosses: string[];
  results: Record<string, LossResult>;
  mechanism: string;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Summary, figures and notes of the `loss-zoo` experiment from one outcome per loss spec.
 *
 * @example
 * ```ts ignore
 * const { summary } = lossZooAnalysis(outcomes, config);
 * ```
 */
export function lossZooAnalysis(
  outcomes: VariantOutcome[],
  config: { steps: number; p: number; k: number; model: string; size: number; miner: string },
): ExperimentResult<LossZooSummary> {
  const results: Record<string, LossResult> = {};
  for (const o of outcomes) {
    const b = brief(o);
    results[o.variant] = {
      finalLoss: b.finalLoss,
      accuracy: b.accuracy,
      dAp: b.dAp,
      dAn: b.dAn,
      collapsed: b.collapsed,
      mechanism: b.mechanism,
      verificationAccuracy: b.verificationAccuracy,
      valAtFar: b.valAtFar,
      seconds: b.seconds,
    };
  }
  const ranked = [...outcomes].sort((a, b) => b.verificationAccuracy - a.verificationAccuracy);
  const collapsed = outcomes.filter((o) => o.collapsed);
  const summary: LossZooSummary = {
    budget:
      `${config.steps} steps of ${config.p}×${config.k} images, ${config.model} at ${config.size}`,
    ranking: ranked.map((o) => `${o.variant} ${o.verificationAccuracy.toFixed(3)}`),
    bestLoss: ranked[0]?.variant,
    bestVerificationAccuracy: ranked[0]?.verificationAccuracy,
    collapsedLosses: collapsed.map((o) => o.variant),
    results,
    mechanism: collapsed.length === 0
      ? "no loss collapsed at this budget"
      : collapsed.map((o) => `${o.variant}: ${o.diagnosis}`).join(" | "),
  };
  const runs = outcomes.map((o) => ({ name: o.variant, history: o.history }));
  const figures: Figure[] = [
    sweepFigure(runs, "loss", { title: "loss per step (each loss on its own scale)" }),
    sweepFigure(runs, "accuracy", { title: "triplet accuracy over the batch" }),
    lineFigure(
      outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.spread) })),
      { title: "mean pairwise embedding distance (spread)", yTitle: "spread", logY: true },
    ),
    barFigure(
      outcomes.map((o) => o.variant),
      [
        { name: "verification accuracy", y: outcomes.map((o) => o.verificationAccuracy) },
        { name: `VAL@FAR=${outcomes[0]?.far ?? 0.01}`, y: outcomes.map((o) => o.valAtFar) },
      ],
      { title: "same evaluation for every loss", yTitle: "fraction" },
    ),
  ];
  const notes = [
    "Loss values are not comparable across losses (different scales); verification accuracy is.",
    summary.mechanism,
  ];
  const hinge = outcomes.find((o) => o.variant === "triplet-hinge");
  const nohinge = outcomes.find((o) => o.variant === "triplet-nohinge");
  if (hinge && nohinge) {
    const active = mean(hinge.history.map((h) => h.activeFraction));
    const same = hinge.history.every((h, i) => h.dAp === nohinge.history[i]?.dAp);
    notes.push(
      `triplet-hinge vs triplet-nohinge: mined triplets active (inside the margin) ${
        (100 * active).toFixed(1)
      }% of the time with '${config.miner}' mining; ${
        same
          ? "every step's d_ap was identical, so the hinge never clipped: the two forms trained the same model (their losses differ by a constant)"
          : "their trajectories differ (the hinge clipped some triplets)"
      }.`,
    );
  }
  return { summary, figures, notes };
}
