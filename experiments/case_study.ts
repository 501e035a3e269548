/**
 * `case-study`: trains a model (as the monograph's case study, on identities it can show) on the
 * synthetic identities less a held-out share (`heldOutFraction`), evaluates verification on pairs
 * of the held-out identities (against their chance level), and shows the hardest positive pairs
 * (same identity, largest distance) and the hardest negative pairs (different identities, smallest
 * distance) among them as image grids captioned with their distances, beside the distance
 * histograms and the accuracy threshold.
 * @module
 */
import { evaluatePairs, modelEmbedder } from "../lib/eval/mod.ts";
import { MINER_NAMES, type MinerName } from "../lib/losses/mod.ts";
import {
  defineExperiment,
  TRAINING_CHOICES,
  trainingData,
  type TrainingExperimentConfig,
  trainVariantKeepModel,
  validateTrainingConfig,
  variantTrainConfig,
} from "../lib/experiment/mod.ts";
import { caseStudyAnalysis, type CaseStudyCell } from "../lib/experiment/analysis/mod.ts";

type Config = TrainingExperimentConfig & {
  miner: MinerName;
  margin: number;
  /** Hardest pairs shown of each kind. */
  show: number;
  /** Pixel size of each grid cell. */
  cellSize: number;
};

const base: Config = {
  seed: 1,
  model: "tiny",
  size: 32,
  identities: 40,
  perIdentity: 10,
  difficulty: 1,
  heldOutFraction: 0.25,
  miner: "semihard",
  distance: "squaredEuclidean",
  margin: 0.2,
  steps: 300,
  p: 8,
  k: 4,
  lr: 0.05,
  optimizer: "adagrad",
  show: 8,
  cellSize: 128,
};

export const caseStudy = defineExperiment({
  name: "case-study",
  describe:
    "for a trained model, the hardest positive and negative pairs as image grids with their distances",
  base,
  presets: {
    ci: { identities: 16, perIdentity: 6, steps: 15, p: 6, show: 4, cellSize: 96 },
    small: {},
    paper: {
      model: "nn2",
      size: 224,
      identities: 500,
      perIdentity: 40,
      steps: 20000,
      p: 25,
      cellSize: 160,
    },
  },
  choices: { ...TRAINING_CHOICES, miner: MINER_NAMES },
  validate(config) {
    validateTrainingConfig("case-study", config);
    if (!(Number.isInteger(config.show) && config.show >= 1)) {
      throw new Error(`case-study: 'show' must be a positive integer, got ${config.show}`);
    }
  },
  async cell(config, ctx): Promise<CaseStudyCell> {
    const data = await trainingData(ctx, config);
    // Train without trainVariant's own evaluation: the case study evaluates once, below, keeping
    // every pair's distance.
    const train = variantTrainConfig(config, { miner: config.miner, margin: config.margin });
    const { outcome, result } = await trainVariantKeepModel(ctx, "case-study model", train, data, {
      evaluate: false,
    });
    try {
      const ev = await evaluatePairs(modelEmbedder(result.model), data.pairs, {
        root: data.dir,
        far: 1e-2,
        folds: 5,
        fileFolds: false,
      });
      return {
        training: outcome,
        dataDir: data.dir,
        pairs: data.pairs,
        distances: Array.from(ev.distances),
        verificationAccuracy: ev.verification.accuracy,
        threshold: ev.verification.threshold,
        chance: data.chance,
        heldOutIdentities: data.heldOutIdentities.length,
        trainIdentities: data.train.identities.length,
      };
    } finally {
      result.model.dispose();
    }
  },
  analyse: (cells, config) => caseStudyAnalysis(cells[0].result, config),
});
