/**
 * The `loss-zoo` experiment's analysis: every loss at one budget, ranked by held-out verification
 * accuracy (pairs of identities never trained on) with the chance level and each accuracy's 95%
 * interval beside it, with its collapse verdict, curves and the hinge-vs-nohinge comparison.
 * @module
 */
import { barFigure, type Figure, lineFigure, sweepFigure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import { brief, type VariantOutcome } from "../train_variant.ts";
import {
  type ChanceStanding,
  chanceStanding,
  heldOutSentence,
  heldOutTally,
} from "./held_out_text.ts";

/** One loss's row of the summary. */
export interface LossResult {
  finalLoss: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  mechanism: string;
  /** Verification accuracy on pairs of identities never trained on (5-fold threshold). */
  verificationAccuracy: number;
  valAtFar: number;
  /** The chance level of those pairs, the accuracy's Wilson 95% interval, and where it stands. */
  heldOutChance: number;
  heldOutCi: [number, number] | null;
  heldOutStanding: ChanceStanding;
  seconds: number;
}

/** The `loss-zoo` summary. */
export interface LossZooSummary {
  budget: string;
  /** The held-out pairs every loss is evaluated on. */
  evaluation: string;
  /** Losses by held-out verification accuracy, highest first ("name accuracy (95% CI low–high)"). */
  ranking: string[];
  bestLoss: string | undefined;
  bestVerificationAccuracy: number | undefined;
  /** Chance level of the held-out pairs. */
  chance: number;
  /** The best loss against chance and against the runner-up. */
  best: string;
  /** How many losses' held-out verification lies above, at and below chance. */
  heldOut: string;
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
      heldOutChance: b.heldOutChance,
      heldOutCi: b.heldOutCi,
      heldOutStanding: chanceStanding(b),
      seconds: b.seconds,
    };
  }
  const ranked = [...outcomes].sort((a, b) => b.verificationAccuracy - a.verificationAccuracy);
  const collapsed = outcomes.filter((o) => o.collapsed);
  const f3 = (x: number) => x.toFixed(3);
  const [first, second] = ranked;
  let best = "no loss was evaluated";
  if (first) {
    best = `Best by held-out verification: ${first.variant}, ${heldOutSentence(first)}`;
    if (second?.heldOutCi && first.heldOutCi) {
      const overlap = second.heldOutCi[1] >= first.heldOutCi[0];
      best += `; the runner-up ${second.variant} (${f3(second.verificationAccuracy)}) ` +
        (overlap
          ? "has an overlapping interval, so these pairs do not separate the two"
          : "lies below its interval");
    }
    best += ".";
  }
  const chances = outcomes.map((o) => o.heldOutChance).filter(Number.isFinite);
  const chance = chances.length ? chances.reduce((a, b) => a + b, 0) / chances.length : NaN;
  const summary: LossZooSummary = {
    budget:
      `${config.steps} steps of ${config.p}×${config.k} images, ${config.model} at ${config.size}`,
    evaluation: `verification on ${outcomes[0]?.heldOutPairs ?? 0} pairs of ${
      outcomes[0]?.heldOutIdentities ?? 0
    } identities never trained on (chance ${f3(chance)}); each loss trained on the other ${
      outcomes[0]?.trainIdentities ?? 0
    }`,
    ranking: ranked.map((o) =>
      `${o.variant} ${f3(o.verificationAccuracy)}` +
      (o.heldOutCi ? ` (95% CI ${f3(o.heldOutCi[0])}–${f3(o.heldOutCi[1])})` : "")
    ),
    bestLoss: ranked[0]?.variant,
    bestVerificationAccuracy: ranked[0]?.verificationAccuracy,
    chance,
    best,
    heldOut: heldOutTally(outcomes, (o) => o.variant),
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
        {
          name: "held-out verification accuracy",
          y: outcomes.map((o) => o.verificationAccuracy),
        },
        { name: "chance", y: outcomes.map((o) => o.heldOutChance) },
        { name: `VAL@FAR=${outcomes[0]?.far ?? 0.01}`, y: outcomes.map((o) => o.valAtFar) },
      ],
      {
        title: "same evaluation for every loss (pairs of identities never trained on)",
        yTitle: "fraction",
      },
    ),
  ];
  const notes = [
    "Loss values are not comparable across losses (different scales); held-out verification " +
    "accuracy is (the same pairs of identities never trained on for every loss).",
    best,
    summary.heldOut,
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
