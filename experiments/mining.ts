/**
 * `mining`: random vs semi-hard vs batch-hard (hardest) vs batch-all triplet mining, each trained
 * over several seeds at the same budget, with the same loss, margin and data. Counts how often
 * each miner collapses (lib/train's collapse detector) and names the mechanism of each collapse
 * (lib/train's diagnosis from the forensics snapshots), beside final loss, d_ap/d_an and
 * verification accuracy averaged over the seeds.
 * @module
 */
import type { MinerName } from "../lib/losses/mod.ts";
import { barFigure, type Figure, lineFigure } from "../lib/plot/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import {
  experimentData,
  type TrainingExperimentConfig,
  trainVariant,
  type VariantOutcome,
  variantTrainConfig,
} from "./_train_variant.ts";

type Config = TrainingExperimentConfig & {
  miners: string[];
  /** Training seeds per miner (model init, loader order and mining); the data uses `seed`. */
  seeds: number[];
  margin: number;
};

/** Per-miner tally over the seeds. */
export interface MinerTally {
  runs: number;
  collapses: number;
  collapseRate: number;
  /** Seeds whose run collapsed. */
  collapsedSeeds: number[];
  /** Mechanism of each collapse ("mechanism" → count). */
  mechanisms: Record<string, number>;
  meanFinalLoss: number;
  meanDAp: number;
  meanDAn: number;
  meanVerificationAccuracy: number;
  /** Mean over seeds of last-step / first-step mean pairwise embedding distance (< 1: shrinking). */
  meanSpreadRatio: number;
  /** Per seed: final loss, collapse, collapse step. */
  perSeed: { seed: number; finalLoss: number; collapsed: boolean; collapseStep: number | null }[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Tallies outcomes per miner: runs, collapses, rate, collapsed seeds, mechanisms and means.
 *
 * @example
 * ```ts ignore
 * const tally = tallyMiners(outcomes); // outcomes carry `miner` and `seed`
 * ```
 */
export function tallyMiners(
  outcomes: (VariantOutcome & { miner: string; seed: number })[],
): Record<string, MinerTally> {
  const out: Record<string, MinerTally> = {};
  for (const miner of [...new Set(outcomes.map((o) => o.miner))]) {
    const os = outcomes.filter((o) => o.miner === miner);
    const collapsed = os.filter((o) => o.collapsed);
    const mechanisms: Record<string, number> = {};
    for (const o of collapsed) mechanisms[o.mechanism] = (mechanisms[o.mechanism] ?? 0) + 1;
    out[miner] = {
      runs: os.length,
      collapses: collapsed.length,
      collapseRate: collapsed.length / os.length,
      collapsedSeeds: collapsed.map((o) => o.seed),
      mechanisms,
      meanFinalLoss: mean(os.map((o) => o.finalLoss)),
      meanDAp: mean(os.map((o) => o.dAp)),
      meanDAn: mean(os.map((o) => o.dAn)),
      meanVerificationAccuracy: mean(os.map((o) => o.verificationAccuracy)),
      meanSpreadRatio: mean(os.map((o) => {
        const first = o.history[0]?.spread as number, last = o.history.at(-1)?.spread as number;
        return last / first;
      })),
      perSeed: os.map((o) => ({
        seed: o.seed,
        finalLoss: o.finalLoss,
        collapsed: o.collapsed,
        collapseStep: o.collapseStep,
      })),
    };
  }
  return out;
}

export const mining = defineExperiment<Config>({
  name: "mining",
  describe:
    "random vs semi-hard vs batch-hard vs batch-all mining over several seeds: how often each collapses, and why",
  presets: {
    ci: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 16,
      perIdentity: 6,
      difficulty: 1,
      miners: ["random", "semihard", "hardest", "batchAll"],
      seeds: [1, 2],
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 10,
      p: 6,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
    },
    small: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 40,
      perIdentity: 10,
      difficulty: 1,
      miners: ["random", "semihard", "hardest", "batchAll"],
      seeds: [1, 2, 3, 4, 5],
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 80,
      p: 8,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
    },
    paper: {
      seed: 1,
      model: "nn2",
      size: 224,
      identities: 500,
      perIdentity: 40,
      difficulty: 1,
      miners: ["random", "semihard", "hardest", "batchAll"],
      seeds: [1, 2, 3, 4, 5],
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 20000,
      p: 25,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
    },
  },
  async run(config, ctx) {
    if (config.seeds.length === 0) throw new Error("mining: 'seeds' is empty");
    const data = await experimentData(ctx, config);
    const outcomes: (VariantOutcome & { miner: string; seed: number })[] = [];
    for (const miner of config.miners) {
      for (const seed of config.seeds) {
        const o = await trainVariant(
          ctx,
          `${miner} seed=${seed}`,
          variantTrainConfig(config, { miner: miner as MinerName, margin: config.margin, seed }),
          data,
        );
        outcomes.push({ ...o, miner, seed });
      }
    }
    const tally = tallyMiners(outcomes);
    const collapsed = outcomes.filter((o) => o.collapsed);
    const shrinking = config.miners.filter((m) => tally[m].meanSpreadRatio < 1);
    const spreads = config.miners.map((m) => `${m} ×${tally[m].meanSpreadRatio.toFixed(2)}`)
      .join(", ");
    const summary = {
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
    };
    const figures: Figure[] = [
      barFigure(config.miners, [
        { name: "collapse rate", y: config.miners.map((m) => tally[m].collapseRate) },
        {
          name: "verification accuracy (mean)",
          y: config.miners.map((m) => tally[m].meanVerificationAccuracy),
        },
      ], { title: `collapses over ${config.seeds.length} seeds per miner`, yTitle: "fraction" }),
      lineFigure(
        outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.loss as number) })),
        { title: "loss per step, every miner × seed", yTitle: "loss" },
      ),
      lineFigure(
        outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.spread as number) })),
        {
          title: "mean pairwise embedding distance (→ 0 at collapse)",
          yTitle: "spread",
          logY: true,
        },
      ),
    ];
    return { summary, figures, notes: [summary.mechanism, summary.spreadChange] };
  },
});
