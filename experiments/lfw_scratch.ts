/**
 * `lfw-scratch`: an NN2-family embedding trained from scratch on real faces — the LFW View 1
 * DevTrain people (deep-funneled photos cropped by the toolkit: detect, align, crop; cached) — and
 * measured on the DevTest pairs (people never trained on): 10-fold accuracy ± std, AUC, VAL@FAR,
 * the accuracy-vs-minutes curve, and face-api's pretrained net on the same pairs beside it.
 *
 * Recipes (`variants`) are compared on a validation split of DevTrain PEOPLE, never on the
 * DevTest pairs: the summary's `chosen` is the variant with the best validation accuracy, and its
 * DevTest numbers are the experiment's answer. The start is the known-good recipe (nn4-small2 at
 * width 0.5, batch norm, 96 px, semi-hard mining, squared distance, α 0.2, P10×K4, Adam 1e-3 with
 * warm-up, augmentation). One cell per variant, then one for face-api.
 *
 * Measurements use test-time flip when `flip` is set (each crop and its mirror embedded, summed
 * and L2-normalised); each variant's final numbers are measured both with and without it. The
 * class-loss variants ("arcface", "cosface") train one class per training person, with
 * "-singletons" also one per person with a single photo (never a validation person).
 * @module
 */
import { fnv1aHex } from "../lib/fs/mod.ts";
import { defineExperiment } from "../lib/experiment/mod.ts";
import { evaluatePairs, faceApiEmbedder } from "../lib/eval/mod.ts";
import { createModel, type ModelName, type NormKind } from "../lib/model/mod.ts";
import { LOSS_NAMES, LOSSES, type LossName, type MinerName } from "../lib/losses/mod.ts";
import type { OptimizerName } from "../lib/train/mod.ts";
import { readPairs } from "../lib/data/mod.ts";
import { lineFigure } from "../lib/plot/mod.ts";
import {
  describeFaceData,
  evaluateSets,
  type FaceDataCounts,
  faceDataCounts,
  type FacesTrainingOutcome,
  type PairSet,
  realFaceData,
  type RealFaceDataConfig,
  resolveRepoPath,
  type SetNumbers,
  setNumbers,
  silentCropProgress,
  trainOnFaces,
} from "../lib/real_faces/mod.ts";

type Config = Omit<RealFaceDataConfig, "size"> & {
  /** Side of the cached crops (training images are resized from them to `size`). */
  cropSize: number;
  /** Recipe variants run (names of {@link RECIPE_VARIANTS}). */
  variants: string[];
  model: string;
  width: number;
  size: number;
  norm: string;
  miner: string;
  margin: number;
  p: number;
  k: number;
  optimizer: string;
  lr: number;
  /**
   * Learning-rate schedule after the warm-up: "constant", or "cosine" to 0 — over the `minutes`
   * budget's wall time when there is one, else over `steps`.
   */
  schedule: string;
  warmupSteps: number;
  augment: boolean;
  /** lib/losses name: "triplet", or a class loss ("arcface", "cosface": one class per person). */
  loss: string;
  /** Logit scale s of a class loss (0: the loss's default). */
  lossScale: number;
  /** Train on the people with one photo too (extra classes; the PK loader then samples them). */
  singletons: boolean;
  /** Test-time flip in the measurements (the final numbers are also taken the other way). */
  flip: boolean;
  steps: number;
  /** Wall-clock budget per variant in minutes (0: all steps). */
  minutes: number;
  /** Minutes between measurements along training (0: only at the end). */
  evalEveryMinutes: number;
  /** Target FAR of VAL@FAR. */
  far: number;
  /** Measure face-api's pretrained net (its own detection and crop) on the same DevTest pairs. */
  faceapi: boolean;
};

/** Recipe variants: what each changes in the base recipe. */
export const RECIPE_VARIANTS: Readonly<Record<string, Partial<Config>>> = {
  "base": {},
  "no-augment": { augment: false },
  "batch-all": { miner: "batchAll" },
  "lr-3e-4": { lr: 3e-4 },
  "cosine": { schedule: "cosine" },
  "width-1": { width: 1 },
  "128px": { size: 128 },
  // Class losses (one class per training person): the miner only feeds the step metrics ("all":
  // never empty). With singletons, a batch of 20 people × 2 photos (a person with one photo gives
  // two augmented copies; K = 2 keeps a positive per person for the metrics).
  "arcface": { loss: "arcface", margin: 0.5, lossScale: 32, miner: "all" },
  "arcface-singletons": {
    loss: "arcface",
    margin: 0.5,
    lossScale: 32,
    miner: "all",
    p: 20,
    k: 2,
    singletons: true,
  },
  "cosface": { loss: "cosface", margin: 0.35, lossScale: 32, miner: "all" },
  "cosface-singletons": {
    loss: "cosface",
    margin: 0.35,
    lossScale: 32,
    miner: "all",
    p: 20,
    k: 2,
    singletons: true,
  },
};

const base: Config = {
  seed: 1,
  train: "../shared/faces/train/lfw-devtrain",
  pairs: "../shared/faces/dev/lfw-deepfunneled/pairs.csv",
  devData: "../shared/faces/dev/lfw-deepfunneled",
  trainPeople: 0,
  perPerson: 0,
  devPairs: 0,
  validationFraction: 0.1,
  validationPairs: 600,
  cropSize: 150,
  variants: ["base", "no-augment"],
  model: "nn4-small2",
  width: 0.5,
  size: 96,
  norm: "batch",
  miner: "semihard",
  margin: 0.2,
  p: 10,
  k: 4,
  optimizer: "adam",
  lr: 1e-3,
  schedule: "constant",
  warmupSteps: 100,
  augment: true,
  loss: "triplet",
  lossScale: 0,
  singletons: false,
  flip: false,
  steps: 100000,
  minutes: 55,
  evalEveryMinutes: 5,
  far: 1e-2,
  faceapi: true,
};

/** A cell's result: face-api's numbers, or one variant's training and numbers. */
export interface ScratchCell {
  name: string;
  /** Numbers by set ("val", "dev"; face-api: "dev" only), with test-time flip when `flip`. */
  sets: Record<string, SetNumbers>;
  /** A trained variant's final numbers by set with and without test-time flip. */
  byFlip?: { flip: Record<string, SetNumbers>; plain: Record<string, SetNumbers> };
  training?: FacesTrainingOutcome;
  data?: FaceDataCounts;
}

export const lfwScratch = defineExperiment({
  name: "lfw-scratch",
  describe:
    "an NN2-family embedding from scratch on LFW DevTrain people; DevTest pairs (accuracy vs minutes), face-api beside",
  base,
  presets: {
    ci: {
      trainPeople: 6,
      perPerson: 4,
      devPairs: 20,
      validationFraction: 0.34,
      validationPairs: 12,
      variants: ["base"],
      p: 3,
      k: 3,
      warmupSteps: 1,
      steps: 3,
      minutes: 0,
      evalEveryMinutes: 0,
    },
    // The best recipe with the whole budget. Chosen on the validation people by the run of
    // 2026-12-06 (runs/lfw-scratch/20261206-161734, base vs cosine at 45 training minutes each,
    // quiet machine): cosine 86.5% against base 83.7%; earlier 10-minute runs ranked base above
    // batch-all, arcface and cosface. 100 minutes plus measurements and face-api keep it ≤ 2 h.
    small: { variants: ["cosine"], minutes: 100, evalEveryMinutes: 10 },
    paper: {
      variants: ["base", "cosine", "no-augment", "batch-all", "lr-3e-4", "width-1", "128px"],
      model: "nn2",
      width: 1,
      size: 224,
      cropSize: 224,
      p: 30,
      k: 6,
      steps: 200000,
      minutes: 0,
      evalEveryMinutes: 30,
    },
  },
  choices: {
    variants: Object.keys(RECIPE_VARIANTS),
    model: ["nn2", "nn3", "nn4", "nn4-small2", "tiny"],
    norm: ["lrn", "batch", "none"],
    optimizer: ["adam", "adagrad", "sgd", "momentum"],
    schedule: ["constant", "cosine"],
    miner: ["semihard", "hardest", "batchAll", "random", "all"],
    loss: [...LOSS_NAMES],
  },
  validate(config) {
    for (const name of config.variants) {
      const v = { ...config, ...RECIPE_VARIANTS[name] };
      if (!LOSSES[v.loss as LossName]) {
        throw new Error(
          `lfw-scratch: variant '${name}' has loss '${v.loss}'; expected one of ${
            LOSS_NAMES.join(", ")
          }`,
        );
      }
      if (v.k < 2) {
        throw new Error(
          `lfw-scratch: variant '${name}' needs 'k' ≥ 2 (a step trains only when its miner finds tuples; one photo per person gives none)`,
        );
      }
      if (v.singletons && !LOSSES[v.loss as LossName].needsClasses) {
        throw new Error(
          `lfw-scratch: variant '${name}': 'singletons' needs a class loss (a triplet has no positive for one photo)`,
        );
      }
    }
    if (!(Number.isFinite(config.lossScale) && config.lossScale >= 0)) {
      throw new Error(
        `lfw-scratch: 'lossScale' must be ≥ 0 (0: the loss's default), got ${config.lossScale}`,
      );
    }
    for (const [k, v] of [["steps", config.steps], ["p", config.p], ["k", config.k]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) {
        throw new Error(`lfw-scratch: '${k}' must be a positive integer, got ${v}`);
      }
    }
  },
  sweep: (config) => [
    ...config.variants.map((v) => ({ name: v, set: { variants: [v] } })),
    ...(config.faceapi ? [{ name: "face-api", set: { variants: [] as string[] } }] : []),
  ],
  async cell(config, ctx): Promise<ScratchCell> {
    if (config.variants.length === 0) return await faceApiCell(config, ctx.print);
    const name = config.variants[0];
    const c = { ...config, ...RECIPE_VARIANTS[name] };
    const data = await realFaceData({ ...c, size: c.cropSize, singletons: c.singletons }, {
      signal: ctx.signal,
      progress: silentCropProgress,
    });
    const sets: PairSet[] = [
      { name: "val", root: data.train.root, pairs: data.validationPairs },
      { name: "dev", root: data.devRoot, pairs: data.devPairs },
    ];
    const model = createModel(c.model as ModelName, {
      inputSize: c.size,
      widthMultiplier: c.width,
      norm: c.norm as NormKind,
      seed: c.seed,
    });
    try {
      const bar = ctx.progress(c.minutes > 0 ? undefined : c.steps, ctx.cell, "step");
      const { outcome } = await trainOnFaces(data.train, {
        config: {
          model,
          size: c.size,
          steps: c.steps,
          p: c.p,
          k: c.k,
          optimizer: c.optimizer as OptimizerName,
          lr: c.lr,
          schedule: { kind: c.schedule as "constant" | "cosine", warmupSteps: c.warmupSteps },
          augment: c.augment,
          loss: c.loss as LossName,
          ...(c.lossScale > 0 ? { lossOptions: { scale: c.lossScale } } : {}),
          miner: c.miner as MinerName,
          margin: c.margin,
          distance: "squaredEuclidean",
          seed: c.seed,
          checkpointEvery: 200,
          forensicsEvery: 0,
        },
        minImages: c.singletons ? 1 : 2,
        flip: c.flip,
        minutes: c.minutes,
        evalSets: sets,
        everyMinutes: c.evalEveryMinutes,
        far: c.far,
        outDir: `${ctx.dataDir}/models/lfw-scratch-${ctx.preset}-${name}-${configHash(c)}`,
        progress: bar,
        signal: ctx.signal,
      });
      bar.done();
      // The end of training was measured with the config's flip; the other way is measured here.
      const numbers = outcome.finalSets ??
        await evaluateSets(model, sets, { far: c.far, flip: c.flip });
      const other = await evaluateSets(model, sets, { far: c.far, flip: !c.flip });
      const byFlip = c.flip ? { flip: numbers, plain: other } : { flip: other, plain: numbers };
      await ctx.log({ type: "lfw-scratch", variant: name, ...outcome, sets: numbers, byFlip });
      return {
        name,
        sets: numbers,
        byFlip,
        training: outcome,
        data: faceDataCounts(data),
      };
    } finally {
      model.dispose();
    }
  },
  analyse(cells, config) {
    const faceapi = cells.find((c) => c.result.name === "face-api")?.result;
    const runs = cells.filter((c) => c.result.training).map((c) => c.result);
    const chosen = runs.reduce((a, b) => (b.sets.val.accuracy > a.sets.val.accuracy ? b : a));
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const d = chosen.data!;
    const flipped = runs.filter((r) => r.byFlip);
    const flipGain = (set: string) =>
      flipped.map((r) => r.byFlip!.flip[set].accuracy - r.byFlip!.plain[set].accuracy);
    const signed = (v: number) => `${v >= 0 ? "+" : "−"}${(100 * Math.abs(v)).toFixed(1)}`;
    const findings = [
      `Chosen on the validation people (${d.validationPeople} people, ${d.validationPairs} pairs): ` +
      `'${chosen.name}' (${pct(chosen.sets.val.accuracy)}${
        runs.length > 1
          ? `; ${
            runs.filter((r) => r !== chosen).map((r) =>
              `'${r.name}' ${pct(r.sets.val.accuracy)}`
            )
              .join(", ")
          }`
          : ""
      }).`,
      `On the ${chosen.sets.dev.pairs} DevTest pairs, '${chosen.name}' reaches ` +
      `${pct(chosen.sets.dev.accuracy)} ± ${pct(chosen.sets.dev.accuracyStd)} ` +
      `(AUC ${chosen.sets.dev.auc.toFixed(3)}, VAL ${
        pct(chosen.sets.dev.val)
      } at FAR ${config.far}) ` +
      `after ${chosen.training!.trainMinutes.toFixed(1)} training minutes and ${
        chosen.training!.steps
      } steps` +
      `${
        chosen.training!.loadAverage !== undefined
          ? ` (load average ${chosen.training!.loadAverage.toFixed(1)} at the end)`
          : ""
      }.`,
      ...(flipped.length
        ? [
          `Test-time flip (${
            config.flip ? "used for the choice and the curve" : "not used for the choice"
          }) changes validation accuracy by ${
            flipGain("val").map(signed).join(", ")
          } points and DevTest accuracy by ${flipGain("dev").map(signed).join(", ")} points (${
            flipped.map((r) => `'${r.name}'`).join(", ")
          }).`,
        ]
        : []),
      ...(faceapi
        ? [
          `face-api's pretrained net on the same pairs: ${pct(faceapi.sets.dev.accuracy)} ± ${
            pct(faceapi.sets.dev.accuracyStd)
          } (AUC ${faceapi.sets.dev.auc.toFixed(3)}).`,
        ]
        : []),
    ];
    const rows = cells.map((c) => ({
      model: c.result.name,
      val: c.result.sets.val?.accuracy ?? NaN,
      valPlain: c.result.byFlip?.plain.val.accuracy ?? NaN,
      devPlain: c.result.byFlip?.plain.dev.accuracy ?? NaN,
      dev: c.result.sets.dev.accuracy,
      devStd: c.result.sets.dev.accuracyStd,
      auc: c.result.sets.dev.auc,
      valAtFar: c.result.sets.dev.val,
      steps: c.result.training?.steps ?? NaN,
      minutes: c.result.training?.trainMinutes ?? NaN,
      imgPerSec: c.result.training?.imagesPerSec ?? NaN,
    }));
    const curves = runs.filter((r) => r.training!.curve.length > 0).map((r) => ({
      name: `${r.name} DevTest`,
      x: r.training!.curve.map((p) => p.minutes),
      y: r.training!.curve.map((p) => p.accuracy.dev),
    }));
    return {
      summary: {
        chosen: chosen.name,
        devAccuracy: chosen.sets.dev.accuracy,
        devAccuracyStd: chosen.sets.dev.accuracyStd,
        devAuc: chosen.sets.dev.auc,
        devValAtFar: chosen.sets.dev.val,
        far: config.far,
        flip: config.flip,
        trainMinutes: chosen.training!.trainMinutes,
        steps: chosen.training!.steps,
        faceapi: faceapi?.sets.dev ?? null,
        variants: Object.fromEntries(
          runs.map((r) => [r.name, { sets: r.sets, byFlip: r.byFlip, training: r.training }]),
        ),
        data: d,
      },
      question:
        "How well does an NN2-family embedding trained from scratch on LFW DevTrain people verify unseen DevTest people, beside face-api's pretrained net?",
      findings,
      table: {
        columns: [
          { key: "model", label: "model", format: "text" },
          { key: "val", label: "validation acc", format: "percent" },
          { key: "dev", label: "DevTest acc", format: "percent" },
          { key: "valPlain", label: "validation, no flip", format: "percent" },
          { key: "devPlain", label: "DevTest, no flip", format: "percent" },
          { key: "devStd", label: "± std", format: "percent" },
          { key: "auc", label: "AUC", format: "fixed" },
          { key: "valAtFar", label: `VAL@FAR ${config.far}`, format: "percent" },
          { key: "steps", label: "steps", format: "integer" },
          { key: "minutes", label: "train", unit: "min", format: "fixed", digits: 1 },
          { key: "imgPerSec", label: "speed", unit: "img/s", format: "fixed", digits: 1 },
        ],
        rows,
        caption: `One row per recipe variant (chosen on the validation people; accuracies ${
          config.flip ? "with" : "without"
        } test-time flip unless the column says otherwise) and face-api's pretrained net (its own detection and crop, no flip).`,
      },
      curves: curves.length
        ? [lineFigure(curves, {
          title: "DevTest accuracy vs training minutes",
          xTitle: "minutes",
          yTitle: "accuracy",
          markers: true,
        })]
        : undefined,
      notes: [
        `${describeFaceData(d, config.cropSize)} Crops are resized to the model's input.`,
      ],
    };
  },
});

/** FNV-1a of the config's JSON, 8 hex digits (one run folder per resolved config). */
function configHash(config: Config): string {
  return fnv1aHex(JSON.stringify(config));
}

/** face-api's pretrained net with its own pipeline (box alignment) on the DevTest pairs. */
async function faceApiCell(config: Config, print: (line: string) => void): Promise<ScratchCell> {
  let pairs = await readPairs(resolveRepoPath(config.pairs));
  if (config.devPairs > 0) {
    const same = pairs.filter((p) => p.same).slice(0, Math.ceil(config.devPairs / 2));
    const diff = pairs.filter((p) => !p.same).slice(0, Math.floor(config.devPairs / 2));
    pairs = [...same, ...diff].map(({ a, b, same }) => ({ a, b, same }));
  }
  const embedder = faceApiEmbedder({ alignment: "box" });
  const r = await evaluatePairs(embedder, pairs, {
    root: resolveRepoPath(config.devData),
    far: config.far,
  });
  print(`face-api: ${JSON.stringify(embedder.stats)}`);
  return { name: "face-api", sets: { dev: setNumbers(r.verification) } };
}
