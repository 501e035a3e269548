/**
 * The `mining` experiment's analysis: per-miner collapse counts over seeds, the mechanism of each
 * collapse, the change of the embedding's spread, and held-out verification (pairs of identities
 * never trained on) against chance, with its figures.
 * @module
 */
import { barFigure, type Figure, lineFigure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import type { VariantOutcome } from "../train_variant.ts";
import { type MinerTally, tallyMiners } from "./tally_miners.ts";

/** One trained miner × seed. */
export type MinerOutcome = VariantOutcome & { miner: string; seed: number };

/** The `mining` summary. */
export interface MiningSummary {
  seeds: number[];
  /** "collapses/runs" per miner. */
  collapses: Record<string, string>;
  miners: Record<string, MinerTally>;
  mechanism: string;
  spreadChange: string;
  /** Mean held-out verification per miner against chance, and the seeds above chance. */
  heldOut: string;
}

/**
 * Summary, figures and notes of the `mining` experiment from its outcomes (miners × seeds).
 *
 * @example
 * ```ts ignore
 * const { summary } = miningAnalysis(outcomes, { miners, seeds, steps });
 * ```
 */
export function miningAnalysis(
  outcomes: MinerOutcome[],
  config: { miners: string[]; seeds: number[]; steps: number },
): ExperimentResult<MiningSummary> {
  const tally = tallyMiners(outcomes);
  const collapsed = outcomes.filter((o) => o.collapsed);
  const shrinking = config.miners.filter((m) => tally[m].meanSpreadRatio < 1);
  const spreads = config.miners.map((m) => `${m} ×${tally[m].meanSpreadRatio.toFixed(2)}`)
    .join(", ");
  const f3 = (x: number) => String(Number(x.toFixed(3)));
  const heldOut =
    `Held-out verification (mean over seeds; pairs of ${
      outcomes[0]?.heldOutIdentities ?? 0
    } identities never trained on): ` +
    config.miners.map((m) =>
      `${m} ${f3(tally[m].meanVerificationAccuracy)} (chance ${f3(tally[m].meanHeldOutChance)}; ${
        tally[m].aboveChanceSeeds.length
      } of ${tally[m].runs} seeds' 95% interval above it)`
    ).join(", ") + ".";
  const summary: MiningSummary = {
    seeds: config.seeds,
    collapses: Object.fromEntries(
      config.miners.map((m) => [m, `${tally[m].collapses}/${tally[m].runs}`]),
    ),
    miners: tally,
    mechanism: collapsed.length === 0
      ? `no run collapsed (${outcomes.length} runs of ${config.steps} steps)`
      : collapsed.map((o) => `${o.variant}: ${o.diagnosis}`).join(" | "),
    spreadChange: `embedding spread, last step / first step (mean over seeds): ${spreads}; ` +
      (shrinking.length === 0
        ? "no miner shrinks the embedding"
        : `${shrinking.join(", ")} shrink${
          shrinking.length === 1 ? "s" : ""
        } it (the road to collapse: the loss sits at the margin while every distance → 0)`),
    heldOut,
  };
  const figures: Figure[] = [
    barFigure(config.miners, [
      { name: "collapse rate", y: config.miners.map((m) => tally[m].collapseRate) },
      {
        name: "held-out verification accuracy (mean)",
        y: config.miners.map((m) => tally[m].meanVerificationAccuracy),
      },
      { name: "chance", y: config.miners.map((m) => tally[m].meanHeldOutChance) },
    ], { title: `collapses over ${config.seeds.length} seeds per miner`, yTitle: "fraction" }),
    lineFigure(
      outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.loss) })),
      { title: "loss per step, every miner × seed", yTitle: "loss" },
    ),
    lineFigure(
      outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.spread) })),
      {
        title: "mean pairwise embedding distance (→ 0 at collapse)",
        yTitle: "spread",
        logY: true,
      },
    ),
  ];
  return { summary, figures, notes: [summary.mechanism, summary.spreadChange, heldOut] };
}
