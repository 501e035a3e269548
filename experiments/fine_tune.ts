/**
 * `fine-tune`: what fine-tuning a pretrained face net is for. face-api's FaceRecognitionNet (its
 * pretrained weights, as a trainable toolkit model: lib/model's `faceRecognitionNet`) meets a domain
 * shift that hurts it — a `--degrade` transform (default `lowres-grey:32`: 32-px greyscale faces,
 * surveillance-like) applied identically in training and evaluation — and is fine-tuned on the
 * degraded DevTrain people (triplet loss, semi-hard mining; a share of each batch stays clean so
 * clean faces are not forgotten), in full or with its trunk frozen (last block and projection
 * only). With `distillWeight` λ > 0 the frozen pretrained net is also a teacher: the loss adds
 * λ · mean‖f(x̃) − f₀(x)‖² (cross-resolution distillation: the degraded photo's embedding is pulled
 * to where the pretrained net puts the clean photo; a clean photo's stays where it was). Reported on the DevTest pairs (people never trained on): pretrained clean and degraded,
 * fine-tuned degraded and clean, per mode; recipe choices are read on the validation split of
 * DevTrain people only. One cell for the pretrained net, one per fine-tuning mode.
 * @module
 */
import { fnv1aHex } from "../lib/fs/mod.ts";
import { defineExperiment } from "../lib/experiment/mod.ts";
import { parseDegrade } from "../lib/eval/mod.ts";
import { type FaceRecognitionFreeze, faceRecognitionNet } from "../lib/model/mod.ts";
import type { MinerName } from "../lib/losses/mod.ts";
import type { OptimizerName } from "../lib/train/mod.ts";
import { lineFigure } from "../lib/plot/mod.ts";
import {
  type CurvePoint,
  describeFaceData,
  evaluateSets,
  type FaceDataCounts,
  faceDataCounts,
  type FacesTrainingOutcome,
  type PairSet,
  realFaceData,
  type RealFaceDataConfig,
  type SetNumbers,
  silentCropProgress,
  trainOnFaces,
} from "../lib/real_faces/mod.ts";

type Config = Omit<RealFaceDataConfig, "size"> & {
  /** lib/eval degradation of the shifted domain. */
  degrade: string;
  /** Share of each training batch that is degraded. */
  degradeFraction: number;
  /** Fine-tuning modes: "full" (every layer) and "trunk" (trunk frozen). */
  modes: string[];
  steps: number;
  /** Wall-clock budget per mode in minutes (0: all steps). */
  minutes: number;
  p: number;
  k: number;
  optimizer: string;
  lr: number;
  /** "constant", or "cosine" to 0 over the `minutes` budget (over `steps` without one). */
  schedule: string;
  /**
   * Weight λ of embedding distillation from the frozen pretrained net (0: none): the loss adds
   * λ · mean‖f(x̃) − f₀(x)‖², f₀ the pretrained net on the clean photo x, f the net being tuned on
   * the photo it sees (degraded or clean) — degraded faces are pulled to where the pretrained net
   * puts their clean versions, clean faces are kept where they were.
   */
  distillWeight: number;
  warmupSteps: number;
  augment: boolean;
  miner: string;
  margin: number;
  /** Target FAR of VAL@FAR. */
  far: number;
  /** Minutes between validation measurements along training (0: only at the end). */
  evalEveryMinutes: number;
  /** Test-time flip in every measurement (lib/eval's modelEmbedder `flip`). */
  flip: boolean;
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
  degrade: "lowres-grey:32",
  degradeFraction: 0.5,
  modes: ["full", "trunk"],
  steps: 100000,
  minutes: 15,
  p: 10,
  k: 4,
  optimizer: "adam",
  lr: 1e-4,
  schedule: "cosine",
  // Distillation should dominate: triplet losses of semi-hard triplets at α 0.2 are ~0.1, and the
  // squared distance between the pretrained net's clean and degraded embeddings is of the same
  // order, so λ 10 makes "embed as the pretrained net did on the clean photo" the main objective
  // and the triplet term a refinement. Earlier fine-tuning without it (triplet only, 15 min, Adam
  // 1e-4) lost 0.6–3.2 clean points and recovered 17–28% of the shift's cost.
  distillWeight: 10,
  warmupSteps: 20,
  augment: true,
  miner: "semihard",
  margin: 0.2,
  far: 1e-2,
  evalEveryMinutes: 10,
  flip: false,
};

/** A cell's result: the net's numbers by set, and the training when it was fine-tuned. */
export interface FineTuneCell {
  model: string;
  /** Numbers by set: "val", "val-degraded", "dev", "dev-degraded". */
  sets: Record<string, SetNumbers>;
  training?: FacesTrainingOutcome;
  /** People and pairs used. */
  data: FaceDataCounts;
}

const INPUT = 150;

/** FNV-1a of the config's JSON, 8 hex digits (one run folder per resolved config). */
function configHash(config: Config): string {
  return fnv1aHex(JSON.stringify(config));
}

export const fineTune = defineExperiment({
  name: "fine-tune",
  describe:
    "fine-tune face-api's pretrained FaceRecognitionNet to a degraded domain (full vs frozen trunk); DevTest pairs clean and degraded",
  base,
  presets: {
    ci: {
      trainPeople: 6,
      perPerson: 4,
      devPairs: 20,
      validationFraction: 0.34,
      validationPairs: 12,
      steps: 2,
      minutes: 0,
      p: 3,
      k: 3,
      evalEveryMinutes: 0,
    },
    small: {},
    paper: { steps: 20000, minutes: 0, p: 30, k: 6, evalEveryMinutes: 30 },
  },
  choices: {
    modes: ["full", "trunk"],
    optimizer: ["adam", "adagrad", "sgd", "momentum"],
    schedule: ["constant", "cosine"],
    miner: ["semihard", "hardest", "batchAll", "random", "all"],
  },
  validate(config) {
    parseDegrade(config.degrade);
    if (!(Number.isFinite(config.distillWeight) && config.distillWeight >= 0)) {
      throw new Error(`fine-tune: 'distillWeight' must be ≥ 0, got ${config.distillWeight}`);
    }
    if (!(config.degradeFraction >= 0 && config.degradeFraction <= 1)) {
      throw new Error(
        `fine-tune: 'degradeFraction' must be in [0, 1], got ${config.degradeFraction}`,
      );
    }
    for (const [k, v] of [["steps", config.steps], ["p", config.p], ["k", config.k]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) {
        throw new Error(`fine-tune: '${k}' must be a positive integer, got ${v}`);
      }
    }
  },
  sweep: (config) => [
    { name: "pretrained", set: { modes: [] as string[] } },
    ...config.modes.map((m) => ({ name: `fine-tuned (${m})`, set: { modes: [m] } })),
  ],
  async cell(config, ctx): Promise<FineTuneCell> {
    const data = await realFaceData({ ...config, size: INPUT }, {
      signal: ctx.signal,
      progress: silentCropProgress,
    });
    const sets: PairSet[] = [
      { name: "val", root: data.train.root, pairs: data.validationPairs },
      {
        name: "val-degraded",
        root: data.train.root,
        pairs: data.validationPairs,
        degrade: config.degrade,
      },
      { name: "dev", root: data.devRoot, pairs: data.devPairs },
      { name: "dev-degraded", root: data.devRoot, pairs: data.devPairs, degrade: config.degrade },
    ];
    const about = faceDataCounts(data);
    const mode = config.modes[0] as FaceRecognitionFreeze | "full" | undefined;
    const model = await faceRecognitionNet({ freeze: mode === "trunk" ? "trunk" : "none" });
    let teacher: Awaited<ReturnType<typeof faceRecognitionNet>> | undefined;
    try {
      if (!mode) {
        return {
          model: "pretrained",
          sets: await evaluateSets(model, sets, { far: config.far, flip: config.flip }),
          data: about,
        };
      }
      const valSets = sets.filter((s) => s.name.startsWith("val"));
      // One run folder per resolved config: a rerun of the same cell resumes its checkpoints.
      const outDir = `${ctx.dataDir}/models/fine-tune-${ctx.preset}-${mode}-${configHash(config)}`;
      const bar = ctx.progress(config.minutes > 0 ? undefined : config.steps, ctx.cell, "step");
      teacher = config.distillWeight > 0 ? await faceRecognitionNet({ freeze: "none" }) : undefined;
      const { outcome } = await trainOnFaces(data.train, {
        config: {
          model,
          size: INPUT,
          steps: config.steps,
          p: config.p,
          k: config.k,
          optimizer: config.optimizer as OptimizerName,
          lr: config.lr,
          schedule: {
            kind: config.schedule as "constant" | "cosine",
            warmupSteps: config.warmupSteps,
          },
          distillWeight: config.distillWeight,
          augment: config.augment,
          miner: config.miner as MinerName,
          margin: config.margin,
          distance: "squaredEuclidean",
          seed: config.seed,
          checkpointEvery: 50,
          forensicsEvery: 0,
        },
        degrade: config.degrade,
        degradeFraction: config.degradeFraction,
        teacher,
        minutes: config.minutes,
        evalSets: valSets,
        everyMinutes: config.evalEveryMinutes,
        far: config.far,
        flip: config.flip,
        outDir,
        progress: bar,
        signal: ctx.signal,
      });
      bar.done();
      const numbers = await evaluateSets(model, sets, { far: config.far, flip: config.flip });
      await ctx.log({ type: "fine-tune", mode, ...outcome, sets: numbers });
      return { model: `fine-tuned (${mode})`, sets: numbers, training: outcome, data: about };
    } finally {
      model.dispose();
      teacher?.dispose();
    }
  },
  analyse(cells, config) {
    const pre = cells.find((c) => c.result.model === "pretrained")!.result;
    const pts = (v: number) => 100 * v;
    const preClean = pre.sets.dev.accuracy, preDeg = pre.sets["dev-degraded"].accuracy;
    const drop = pts(preClean - preDeg);
    const tuned = cells.filter((c) => c.result.training).map((c) => c.result);
    const perMode = Object.fromEntries(tuned.map((t) => {
      const deg = t.sets["dev-degraded"].accuracy, clean = t.sets.dev.accuracy;
      const recovered = drop > 0 ? pts(deg - preDeg) / drop : NaN;
      const cleanCost = pts(preClean - clean);
      return [t.model, {
        degraded: deg,
        clean,
        recoveredShare: recovered,
        cleanCostPoints: cleanCost,
        recoversHalf: recovered >= 0.5,
        cleanWithinHalfPoint: cleanCost <= 0.5,
        steps: t.training!.steps,
        trainMinutes: t.training!.trainMinutes,
        loadAverage: t.training!.loadAverage,
        modelDir: t.training!.modelDir,
        valDegraded: t.sets["val-degraded"].accuracy,
        valClean: t.sets.val.accuracy,
      }];
    }));
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const findings = [
      `The degradation ${config.degrade} costs the pretrained net ${
        drop.toFixed(1)
      } points on the ` +
      `${pre.sets.dev.pairs} DevTest pairs: ${pct(preClean)} clean, ${pct(preDeg)} degraded` +
      ` (${drop >= 5 ? "at least" : "less than"} the 5 points the issue asks of the shift).`,
      ...tuned.map((t) => {
        const m = perMode[t.model];
        return `${t.model}, ${m.steps} steps in ${m.trainMinutes.toFixed(1)} training minutes: ` +
          `${pct(m.degraded)} degraded (${
            Number.isFinite(m.recoveredShare)
              ? `${(100 * m.recoveredShare).toFixed(0)}% of the lost points recovered`
              : "no loss to recover"
          }), ` +
          `${pct(m.clean)} clean (${
            m.cleanCostPoints >= 0
              ? `${m.cleanCostPoints.toFixed(1)} points below`
              : `${(-m.cleanCostPoints).toFixed(1)} points above`
          } the pretrained net); ${
            m.recoversHalf && m.cleanWithinHalfPoint
              ? "both goals met (≥ 50% recovered, ≤ 0.5 clean points lost)"
              : `goals: ${m.recoversHalf ? "≥ 50% recovered met" : "≥ 50% recovered not met"}, ${
                m.cleanWithinHalfPoint
                  ? "≤ 0.5 clean points lost met"
                  : "≤ 0.5 clean points lost not met"
              }`
          }.`;
      }),
      `Recipe: triplet loss (${config.miner}, α ${config.margin})${
        config.distillWeight > 0
          ? ` plus distillation from the frozen pretrained net (λ ${config.distillWeight})`
          : ", no distillation"
      }, ${config.optimizer} ${config.lr} with a ${config.schedule} schedule${
        config.minutes > 0
          ? ` over ${config.minutes} minutes per mode`
          : ` over ${config.steps} steps`
      }, ${Math.round(100 * config.degradeFraction)}% of each batch degraded. ` +
      `On ${pre.sets.dev.pairs} pairs one point is ${
        Math.round(pre.sets.dev.pairs / 100)
      } pairs, and the pretrained net's clean accuracy varies by ${
        pct(pre.sets.dev.accuracyStd)
      } (std) over the 10 folds, so differences under a point are within that spread.`,
    ];
    const rows = cells.map((c) => {
      const s = c.result.sets;
      return {
        model: c.result.model,
        dev: s.dev.accuracy,
        devStd: s.dev.accuracyStd,
        devAuc: s.dev.auc,
        devVal: s.dev.val,
        devDeg: s["dev-degraded"].accuracy,
        devDegStd: s["dev-degraded"].accuracyStd,
        devDegAuc: s["dev-degraded"].auc,
        devDegVal: s["dev-degraded"].val,
        val: s.val.accuracy,
        valDeg: s["val-degraded"].accuracy,
        steps: c.result.training?.steps ?? 0,
        minutes: c.result.training?.trainMinutes ?? 0,
      };
    });
    const curve = (name: string, points: CurvePoint[], set: string) => ({
      name: `${name} ${set}`,
      x: points.map((p) => p.minutes),
      y: points.map((p) => p.accuracy[set]),
    });
    const curves = tuned.filter((t) => t.training!.curve.length > 0).flatMap((t) => [
      curve(t.model, t.training!.curve, "val-degraded"),
      curve(t.model, t.training!.curve, "val"),
    ]);
    return {
      summary: {
        degrade: config.degrade,
        flip: config.flip,
        pretrainedClean: preClean,
        pretrainedDegraded: preDeg,
        dropPoints: drop,
        shiftHurtsEnough: drop >= 5,
        modes: perMode,
        data: pre.data,
        sets: Object.fromEntries(cells.map((c) => [c.result.model, c.result.sets])),
      },
      question:
        `Does fine-tuning face-api's pretrained net on degraded (${config.degrade}) DevTrain people recover what the shift costs on unseen DevTest people, without losing clean accuracy?`,
      findings,
      table: {
        columns: [
          { key: "model", label: "model", format: "text" },
          { key: "dev", label: "DevTest clean acc", format: "percent" },
          { key: "devStd", label: "± std", format: "percent" },
          { key: "devAuc", label: "AUC", format: "fixed" },
          { key: "devVal", label: `VAL@FAR ${config.far}`, format: "percent" },
          { key: "devDeg", label: "DevTest degraded acc", format: "percent" },
          { key: "devDegStd", label: "± std", format: "percent" },
          { key: "devDegAuc", label: "AUC", format: "fixed" },
          { key: "devDegVal", label: `VAL@FAR ${config.far}`, format: "percent" },
          { key: "val", label: "val clean", format: "percent" },
          { key: "valDeg", label: "val degraded", format: "percent" },
          { key: "steps", label: "steps", format: "integer" },
          { key: "minutes", label: "train", unit: "min", format: "fixed", digits: 1 },
        ],
        rows,
        caption:
          `One row per net; DevTest: LFW View 1 DevTest pairs (10 stratified folds); val: pairs of held-out DevTrain people; ${
            config.flip ? "with" : "without"
          } test-time flip.`,
      },
      curves: curves.length
        ? [lineFigure(curves, {
          title: "validation accuracy vs training minutes",
          xTitle: "minutes",
          yTitle: "accuracy",
          markers: true,
        })]
        : undefined,
      notes: [
        describeFaceData(pre.data, INPUT),
      ],
    };
  },
});
