/**
 * `margin-sweep`: the triplet margin α over a range × several miners, same data and budget;
 * per-α curves of loss, accuracy and d_ap/d_an, and final verification accuracy and VAL@FAR on
 * pairs of a held-out share of the identities (`heldOutFraction`, never trained on; the best
 * variant is chosen by it, with chance and the 95% interval beside it). The
 * summary says, per miner × α, whether training collapsed (lib/train's step detector and its
 * forensics verdict), when, and by what mechanism, and the α at which collapse starts per miner.
 * One cell per miner × α.
 *
 * What to look for: whether batch-hard (`hardest`) collapses at every α (if its hinge never switches
 * off, every α trains alike), whether semi-hard, batch-all and random stay uncollapsed at small
 * margins, and what happens at α ≥ 4 (the squared diameter of the unit sphere, where every hinge stays
 * active). The summary's `perMiner`, `collapseOnset` and notes state what this run did.
 * @module
 */
import { MINER_NAMES, type MinerName } from "../lib/losses/mod.ts";
import {
  defineExperiment,
  gridSweep,
  TRAINING_CHOICES,
  trainingData,
  type TrainingExperimentConfig,
  trainVariantKeepModel,
  validateTrainingConfig,
  variantTrainConfig,
} from "../lib/experiment/mod.ts";
import {
  type MarginOutcome,
  marginSweepAnalysis,
  outputGeometry,
} from "../lib/experiment/analysis/mod.ts";

type Config = TrainingExperimentConfig & {
  margins: number[];
  miners: MinerName[];
};

const base: Config = {
  seed: 1,
  model: "tiny",
  size: 32,
  identities: 40,
  perIdentity: 10,
  difficulty: 1,
  heldOutFraction: 0.25,
  margins: [0.05, 0.1, 0.2, 0.5, 1, 2, 4],
  miners: ["hardest", "semihard", "batchAll", "random"],
  distance: "squaredEuclidean",
  steps: 150,
  p: 8,
  k: 4,
  lr: 0.01,
  optimizer: "adam",
};

export const marginSweep = defineExperiment({
  name: "margin-sweep",
  describe:
    "triplet margin α × miners at one budget: per-α loss/accuracy/d_ap/d_an curves, verification, collapse",
  base,
  presets: {
    ci: {
      identities: 16,
      perIdentity: 6,
      margins: [0.05, 0.2, 1, 4],
      miners: ["hardest", "semihard", "random"],
      steps: 25,
      p: 6,
    },
    small: {},
    paper: {
      model: "nn2",
      size: 224,
      identities: 500,
      perIdentity: 40,
      miners: ["semihard", "random", "hardest", "batchAll"],
      steps: 20000,
      p: 25,
      lr: 0.05,
      optimizer: "adagrad",
    },
  },
  choices: { ...TRAINING_CHOICES, miners: MINER_NAMES },
  validate: (config) => validateTrainingConfig("margin-sweep", config),
  sweep: (config) => gridSweep(config, ["miners", "margins"], ([m, a]) => `${m} α=${a}`),
  async cell(config, ctx): Promise<MarginOutcome> {
    const [miner, margin] = [config.miners[0], config.margins[0]];
    const data = await trainingData(ctx, config);
    const train = variantTrainConfig(config, { miner, margin });
    const { outcome, result } = await trainVariantKeepModel(ctx, ctx.cell, train, data);
    result.model.dispose();
    const geometry = {
      ...outputGeometry(result.forensics),
      collapsed: result.diagnosis?.collapsed ?? false,
    };
    return { ...outcome, margin, miner, geometry };
  },
  analyse: (cells, config) => marginSweepAnalysis(cells.map((c) => c.result), config),
});
