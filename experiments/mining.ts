/**
 * `mining`: random vs semi-hard vs batch-hard (hardest) vs batch-all triplet mining, each trained
 * over several seeds at the same budget, with the same loss, margin and data. Counts how often
 * each miner collapses (lib/train's collapse detector) and names the mechanism of each collapse
 * (lib/train's diagnosis from the forensics snapshots), beside final loss, d_ap/d_an and
 * verification accuracy on pairs of held-out identities (`heldOutFraction`, never trained on)
 * averaged over the seeds, against chance. One cell per miner × seed.
 * @module
 */
import { MINER_NAMES, type MinerName } from "../lib/losses/mod.ts";
import {
  defineExperiment,
  gridSweep,
  TRAINING_CHOICES,
  trainingData,
  type TrainingExperimentConfig,
  trainVariant,
  validateTrainingConfig,
  type VariantOutcome,
  variantTrainConfig,
} from "../lib/experiment/mod.ts";
import { miningAnalysis } from "../lib/experiment/analysis/mod.ts";

type Config = TrainingExperimentConfig & {
  miners: MinerName[];
  /** Training seeds per miner (model init, loader order and mining); the data use `seed`. */
  seeds: number[];
  margin: number;
};

const base: Config = {
  seed: 1,
  model: "tiny",
  size: 32,
  identities: 40,
  perIdentity: 10,
  difficulty: 1,
  heldOutFraction: 0.25,
  miners: ["random", "semihard", "hardest", "batchAll"],
  seeds: [1, 2, 3, 4, 5],
  distance: "squaredEuclidean",
  margin: 0.2,
  steps: 80,
  p: 8,
  k: 4,
  lr: 0.05,
  optimizer: "adagrad",
};

export const mining = defineExperiment({
  name: "mining",
  describe:
    "random vs semi-hard vs batch-hard vs batch-all mining over several seeds: how often each collapses, and why",
  base,
  presets: {
    ci: { identities: 16, perIdentity: 6, seeds: [1, 2], steps: 10, p: 6 },
    small: {},
    paper: { model: "nn2", size: 224, identities: 500, perIdentity: 40, steps: 20000, p: 25 },
  },
  choices: { ...TRAINING_CHOICES, miners: MINER_NAMES },
  validate(config) {
    validateTrainingConfig("mining", config);
    if (config.seeds.length === 0) throw new Error("mining: 'seeds' is empty");
  },
  sweep: (config) => gridSweep(config, ["miners", "seeds"], ([m, s]) => `${m} seed=${s}`),
  async cell(config, ctx): Promise<VariantOutcome> {
    const [miner, seed] = [config.miners[0], config.seeds[0]];
    const train = variantTrainConfig(config, { miner, margin: config.margin, seed });
    return await trainVariant(ctx, ctx.cell, train, await trainingData(ctx, config));
  },
  analyse: (cells, config) =>
    miningAnalysis(
      cells.map((c) => ({ ...c.result, miner: c.config.miners[0], seed: c.config.seeds[0] })),
      config,
    ),
});
