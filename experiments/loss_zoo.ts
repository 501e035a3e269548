/**
 * `loss-zoo`: every loss of lib/losses at one budget — the four triplet forms (hinge, nohinge,
 * squaredHinge, softplus), contrastive, ArcFace and CosFace — on the same synthetic identities, the
 * same model, optimiser, seed and steps, and the same evaluation: verification on pairs of a
 * held-out share of the identities (`heldOutFraction`), never trained on, against their chance
 * level. Per loss: its loss curve, triplet accuracy over the batch, d_ap/d_an, held-out verification
 * accuracy with its 95% interval, VAL@FAR, and whether (and why, from lib/train's collapse
 * diagnosis) it collapsed; the ranking is by held-out accuracy. One cell per loss.
 * @module
 */
import { MINER_NAMES, type MinerName } from "../lib/losses/mod.ts";
import {
  defineExperiment,
  gridSweep,
  LOSS_SPECS,
  lossSettings,
  type LossSettingsConfig,
  type LossSpec,
  TRAINING_CHOICES,
  trainingData,
  type TrainingExperimentConfig,
  trainVariant,
  validateTrainingConfig,
  type VariantOutcome,
  variantTrainConfig,
} from "../lib/experiment/mod.ts";
import { lossZooAnalysis } from "../lib/experiment/analysis/mod.ts";

type Config = TrainingExperimentConfig & LossSettingsConfig & {
  losses: LossSpec[];
  miner: MinerName;
};

const base: Config = {
  seed: 1,
  model: "tiny",
  size: 32,
  embeddingDim: 128,
  identities: 40,
  perIdentity: 10,
  difficulty: 1,
  heldOutFraction: 0.25,
  losses: [...LOSS_SPECS],
  miner: "semihard",
  distance: "squaredEuclidean",
  margin: 0.2,
  contrastiveMargin: 1,
  arcMargin: 0.5,
  cosMargin: 0.35,
  scale: 16,
  steps: 200,
  p: 8,
  k: 4,
  lr: 0.05,
  optimizer: "adagrad",
};

export const lossZoo = defineExperiment({
  name: "loss-zoo",
  describe:
    "every loss (4 triplet forms, contrastive, ArcFace, CosFace) at one budget, same data and evaluation",
  base,
  presets: {
    ci: { identities: 16, perIdentity: 6, steps: 12, p: 6 },
    small: {},
    paper: {
      model: "nn2",
      size: 224,
      identities: 500,
      perIdentity: 40,
      scale: 64,
      steps: 20000,
      p: 25,
    },
  },
  choices: { ...TRAINING_CHOICES, losses: LOSS_SPECS, miner: MINER_NAMES },
  validate: (config) => validateTrainingConfig("loss-zoo", config),
  sweep: (config) => gridSweep(config, ["losses"], ([loss]) => String(loss)),
  async cell(config, ctx): Promise<VariantOutcome> {
    const data = await trainingData(ctx, config);
    const train = variantTrainConfig(config, {
      modelOptions: { embeddingDim: config.embeddingDim },
      miner: config.miner,
      ...lossSettings(config.losses[0], config, data.train.identities.length),
    });
    return await trainVariant(ctx, ctx.cell, train, data);
  },
  analyse: (cells, config) => lossZooAnalysis(cells.map((c) => c.result), config),
});
