/**
 * `problem1-margin1`: the monograph's fine-tuning problem 1. The three-input triplet model (as the
 * monograph built it in Keras) fed random triplets, √max(Σd², ε) distance (ε = 1e-7), margin 1,
 * L2-normalised output: loss → 1 exactly, triplet accuracy → 0, d_ap = d_an = 3.1622776e-04 (√ε).
 * Then the monograph's three attempted fixes (smaller batch, smaller learning rate, bigger margin),
 * each a cell overriding one field, trained from the same seed.
 *
 * The mechanism comes from lib/train's collapse forensics (diagnoseCollapse), not from this file:
 * the summary's `mechanism` is the diagnosis' name, and `mechanismSentence` its sentence plus what it
 * implies for the loss (why the state is absorbing).
 * @module
 */
import {
  defineExperiment,
  type ProblemOutcome,
  TRAINING_CHOICES,
  trainingData,
  type TrainingExperimentConfig,
  trainProblemVariant,
  variantTrainConfig,
} from "../lib/experiment/mod.ts";
import { problem1Analysis } from "../lib/experiment/analysis/mod.ts";

/** The monograph's three attempted fixes. */
type Fix = "smaller-batch" | "smaller-lr" | "bigger-margin";

const FIX_LABELS: Record<Fix, string> = {
  "smaller-batch": "smaller batch",
  "smaller-lr": "smaller learning rate",
  "bigger-margin": "bigger margin",
};
const FIXES = Object.keys(FIX_LABELS) as Fix[];

type Config = TrainingExperimentConfig & {
  margin: number;
  /** Which of the monograph's fixes to try (each one cell). */
  fixes: Fix[];
  /** Identities per batch of the smaller-batch fix (images = smallerP × k). */
  smallerP: number;
  /** Learning rate of the smaller-learning-rate fix. */
  smallerLr: number;
  /** Margin of the bigger-margin fix. */
  biggerMargin: number;
};

/** What each fix overrides, and how the summary states the change. */
function fixCell(fix: Fix, c: Config): { set: Partial<Config>; change: string } {
  switch (fix) {
    case "smaller-batch":
      return {
        set: { p: c.smallerP },
        change: `batch ${c.p}×${c.k} → ${c.smallerP}×${c.k} images`,
      };
    case "smaller-lr":
      return { set: { lr: c.smallerLr }, change: `learning rate ${c.lr} → ${c.smallerLr}` };
    case "bigger-margin":
      return { set: { margin: c.biggerMargin }, change: `margin ${c.margin} → ${c.biggerMargin}` };
  }
}

const base: Config = {
  seed: 1,
  model: "tiny",
  size: 32,
  identities: 40,
  perIdentity: 10,
  difficulty: 1,
  distance: "euclideanEps",
  margin: 1,
  optimizer: "adam",
  lr: 100,
  steps: 100,
  p: 10,
  k: 4,
  fixes: FIXES,
  smallerP: 3,
  smallerLr: 1,
  biggerMargin: 2,
};

export const problem1Margin1 = defineExperiment({
  name: "problem1-margin1",
  describe:
    "monograph problem 1: √max(d²,ε), margin 1, random triplets → loss 1, accuracy 0, d = √ε; and its three fixes",
  base,
  presets: {
    ci: { identities: 16, perIdentity: 6, steps: 12, p: 6, smallerP: 2, smallerLr: 10 },
    small: {},
    paper: {
      model: "nn2",
      size: 224,
      identities: 100,
      perIdentity: 40,
      lr: 0.001,
      steps: 3300,
      p: 25,
      smallerP: 8,
      smallerLr: 0.0001,
    },
  },
  choices: { ...TRAINING_CHOICES, fixes: FIXES },
  // The unfixed run, then one cell per fix (its overrides; `fixes` names the fix applied).
  sweep: (config) => [
    { name: "problem 1", set: { fixes: [] } },
    ...config.fixes.map((fix) => ({
      name: FIX_LABELS[fix],
      set: { fixes: [fix], ...fixCell(fix, config).set },
    })),
  ],
  async cell(config, ctx): Promise<ProblemOutcome> {
    const train = variantTrainConfig(config, {
      modelOptions: { norm: "lrn", l2Pooling: "l2", finalL2: true },
      mode: "triplet-model",
      margin: config.margin,
      forensicsEvery: 1,
    });
    return await trainProblemVariant(ctx, ctx.cell, train, await trainingData(ctx, config));
  },
  analyse: (cells, config) =>
    problem1Analysis(
      cells[0].result,
      cells.slice(1).map((c) => ({
        fix: c.config.fixes[0],
        change: fixCell(c.config.fixes[0], config).change,
        after: c.result,
      })),
      config,
    ),
});
