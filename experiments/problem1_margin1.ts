/**
 * `problem1-margin1`: the monograph's fine-tuning problem 1. The three-input triplet model (as the
 * monograph built it in Keras) fed random triplets, √max(Σd², ε) distance (ε = 1e-7), margin 1,
 * L2-normalised output: loss → 1 exactly, triplet accuracy → 0, d_ap = d_an = 3.1622776e-04 (√ε).
 * Then the monograph's three attempted fixes (smaller batch, smaller learning rate, bigger margin),
 * each trained from the same seed, before and after.
 *
 * The mechanism comes from lib/train's collapse forensics (diagnoseCollapse), not from this file:
 * the summary's `mechanism` is the diagnosis' name, and `mechanismSentence` its sentence plus what it
 * implies for the loss (why the state is absorbing).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { itemPath, loadImageBatch } from "../lib/data/mod.ts";
import type { ModelOptions } from "../lib/model/mod.ts";
import {
  findL2NormLayer,
  type Forensics,
  type TrainConfig,
  type TrainResult,
} from "../lib/train/mod.ts";
import { type Figure, lineFigure, sweepFigure } from "../lib/plot/mod.ts";
import { defineExperiment, type ExperimentContext } from "./define_experiment.ts";
import { type SynthData } from "./_synth_data.ts";
import {
  brief,
  experimentData,
  type TrainingExperimentConfig,
  trainVariant,
  type VariantOutcome,
  variantTrainConfig,
} from "./_train_variant.ts";

type Config = TrainingExperimentConfig & {
  margin: number;
  /** Which of the monograph's fixes to try: "smaller-batch", "smaller-lr", "bigger-margin". */
  fixes: string[];
  /** Identities per batch of the smaller-batch fix (images = smallerP × k). */
  smallerP: number;
  /** Learning rate of the smaller-learning-rate fix. */
  smallerLr: number;
  /** Margin of the bigger-margin fix. */
  biggerMargin: number;
};

/** A variant's outcome with the forensics that explain it. */
export interface ProblemOutcome extends VariantOutcome {
  forensics: Forensics[];
  /** Gradient norm of the last step (exactly 0 in the absorbing state). */
  lastGradNorm: number;
  /** Mean pre-L2 norm of the last forensics snapshot ("Infinity" when it overflowed). */
  preL2Norm: number | string;
  /** First step whose forensics show a non-finite pre-L2 norm, or null. */
  overflowStep: number | null;
  /** lib/train's evidence lines. */
  evidence: string[];
  /** Steps whose gradient norm was exactly 0. */
  zeroGradSteps: number;
  /** The input of the layer before the L2 normalisation (pooled features), per channel. */
  features?: FeatureDominance;
}

/** How much one channel dominates the features that the last layer maps to the embedding. */
export interface FeatureDominance {
  /** Layer whose input was probed (the one feeding the L2 normalisation). */
  layer: string;
  /** Channel with the largest mean |h|. */
  channel: number;
  /** Its mean |h|, and the runner-up's. */
  top: number;
  second: number;
  /** Mean over images of |h_top| / ‖h‖ (1 = the features are one channel). */
  share: number;
}

/** Probes the features feeding the layer before the final L2 normalisation (or the output layer). */
async function featureDominance(
  model: tf.LayersModel,
  data: SynthData,
  count = 24,
): Promise<FeatureDominance | undefined> {
  const l2 = findL2NormLayer(model);
  const head = l2 ? (l2.inboundNodes[0]?.inboundLayers[0] as tf.layers.Layer | undefined) : model
    .layers[model.layers.length - 1];
  if (!head) return undefined;
  const input = head.input;
  if (Array.isArray(input)) return undefined;
  const paths = data.dataset.items.slice(0, count).map((i) => itemPath(data.dataset, i.path));
  const size = model.inputs[0].shape[1] as number;
  const images = await loadImageBatch(paths, { size });
  const probe = tf.model({ inputs: model.inputs, outputs: input });
  const h = tf.tidy(() => {
    const out = probe.predict(images) as tf.Tensor;
    return out.reshape([out.shape[0]!, -1]).abs();
  });
  images.dispose();
  const rows = (await h.array()) as number[][];
  h.dispose();
  const c = rows[0]?.length ?? 0;
  if (c === 0) return undefined;
  const mean = Array.from(
    { length: c },
    (_, j) => rows.reduce((a, r) => a + r[j], 0) / rows.length,
  );
  const order = mean.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0]);
  const channel = order[0][1];
  const share = rows.reduce((a, r) => {
    const n = Math.hypot(...r);
    return a + (Number.isFinite(n) && n > 0 ? r[channel] / n : NaN);
  }, 0) / rows.length;
  return {
    layer: head.name,
    channel,
    top: order[0][0],
    second: order[1]?.[0] ?? 0,
    share,
  };
}

/**
 * Trains one variant and keeps its forensics (internal to the problem reproductions).
 * `options.inspect` sees the trained embedding model before it is disposed.
 */
export async function trainProblemVariant(
  ctx: ExperimentContext,
  variant: string,
  config: TrainConfig,
  data: SynthData,
  options: { inspect?: (model: tf.LayersModel) => Promise<void> } = {},
): Promise<ProblemOutcome> {
  const o = await trainVariant(ctx, variant, config, data, { keepModel: true });
  const result = o.result as TrainResult;
  let features: FeatureDominance | undefined;
  try {
    features = await featureDominance(result.model, data);
    await options.inspect?.(result.model);
  } finally {
    result.model.dispose();
  }
  const { result: _r, ...outcome } = o;
  const last = result.forensics[result.forensics.length - 1];
  const overflow = result.forensics.find((f) => !Number.isFinite(f.preL2.norm.mean));
  const norm = last?.preL2.norm.mean ?? NaN;
  return {
    ...outcome,
    forensics: result.forensics,
    lastGradNorm: result.history[result.history.length - 1]?.gradNorm ?? NaN,
    preL2Norm: Number.isFinite(norm) ? norm : String(norm),
    overflowStep: overflow?.step ?? null,
    evidence: result.diagnosis?.evidence ?? [],
    zeroGradSteps: result.history.filter((h) => h.gradNorm === 0).length,
    features,
  };
}

/** The compact per-variant record of a summary. */
export function variantRecord(o: ProblemOutcome): Record<string, unknown> {
  const b = brief(o);
  return {
    finalLoss: b.finalLoss,
    accuracy: b.accuracy,
    dAp: b.dAp,
    dAn: b.dAn,
    collapsed: b.collapsed,
    collapseStep: b.collapseStep,
    mechanism: b.mechanism,
    lastGradNorm: o.lastGradNorm,
    preL2Norm: o.preL2Norm,
    verificationAccuracy: b.verificationAccuracy,
  };
}

/** The names of the fixes that fixed the collapse (each entry of `fixes` has a `fixed` flag). */
export function fixedBy(fixes: Record<string, unknown>): string[] {
  return Object.entries(fixes).filter(([, v]) => (v as { fixed: boolean }).fixed).map(([k]) => k);
}

/** Figures shared by the problem reproductions: loss, accuracy, d_ap, gradient and pre-L2 norm. */
export function problemFigures(outcomes: ProblemOutcome[], title: string): Figure[] {
  const runs = outcomes.map((o) => ({ name: o.variant, history: o.history }));
  const figures = [
    sweepFigure(runs, "loss", { title: `${title}: loss per variant` }),
    sweepFigure(runs, "accuracy", { title: `${title}: triplet accuracy (ties count as wrong)` }),
    lineFigure(
      outcomes.flatMap((o) => [
        { name: `d_ap ${o.variant}`, y: o.history.map((h) => h.dAp as number) },
        { name: `d_an ${o.variant}`, y: o.history.map((h) => h.dAn as number) },
      ]),
      { title: `${title}: mean d_ap and d_an`, yTitle: "distance", logY: true },
    ),
    lineFigure(
      outcomes.map((o) => ({
        name: o.variant,
        y: o.history.map((h) => Math.max(h.gradNorm as number, 1e-30)),
      })),
      { title: `${title}: gradient norm (1e-30 = exactly 0)`, yTitle: "‖g‖", logY: true },
    ),
    lineFigure(
      outcomes.map((o) => ({
        name: o.variant,
        x: o.forensics.map((f) => f.step ?? 0),
        y: o.forensics.map((f) => Number.isFinite(f.preL2.norm.mean) ? f.preL2.norm.mean : 3.4e38),
      })),
      {
        title: `${title}: norm of the embedding before L2 normalisation (3.4e38 = overflowed)`,
        yTitle: "mean ‖x‖",
        logY: true,
        markers: true,
      },
    ),
  ];
  return figures;
}

const FIXES: Record<string, string> = {
  "smaller-batch": "smaller batch",
  "smaller-lr": "smaller learning rate",
  "bigger-margin": "bigger margin",
};

export const problem1Margin1 = defineExperiment<Config>({
  name: "problem1-margin1",
  describe:
    "monograph problem 1: √max(d²,ε), margin 1, random triplets → loss 1, accuracy 0, d = √ε; and its three fixes",
  presets: {
    ci: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 16,
      perIdentity: 6,
      difficulty: 1,
      distance: "euclideanEps",
      margin: 1,
      optimizer: "adam",
      lr: 100,
      steps: 12,
      p: 6,
      k: 4,
      fixes: ["smaller-batch", "smaller-lr", "bigger-margin"],
      smallerP: 2,
      smallerLr: 10,
      biggerMargin: 2,
    },
    small: {
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
      fixes: ["smaller-batch", "smaller-lr", "bigger-margin"],
      smallerP: 3,
      smallerLr: 1,
      biggerMargin: 2,
    },
    paper: {
      seed: 1,
      model: "nn2",
      size: 224,
      identities: 100,
      perIdentity: 40,
      difficulty: 1,
      distance: "euclideanEps",
      margin: 1,
      optimizer: "adam",
      lr: 0.001,
      steps: 3300,
      p: 25,
      k: 4,
      fixes: ["smaller-batch", "smaller-lr", "bigger-margin"],
      smallerP: 8,
      smallerLr: 0.0001,
      biggerMargin: 2,
    },
  },
  async run(config, ctx) {
    const data = await experimentData(ctx, config);
    const base = (over: Partial<TrainConfig>): TrainConfig =>
      variantTrainConfig(config, {
        modelOptions: { norm: "lrn", l2Pooling: "l2", finalL2: true } as ModelOptions,
        mode: "triplet-model",
        margin: config.margin,
        forensicsEvery: 1,
        ...over,
      });
    const before = await trainProblemVariant(ctx, "problem 1", base({}), data);
    const outcomes = [before];
    const fixes: Record<string, unknown> = {};
    for (const fix of config.fixes) {
      let over: Partial<TrainConfig>, change: string;
      switch (fix) {
        case "smaller-batch":
          over = { p: config.smallerP };
          change = `batch ${config.p}×${config.k} → ${config.smallerP}×${config.k} images`;
          break;
        case "smaller-lr":
          over = { lr: config.smallerLr };
          change = `learning rate ${config.lr} → ${config.smallerLr}`;
          break;
        case "bigger-margin":
          over = { margin: config.biggerMargin };
          change = `margin ${config.margin} → ${config.biggerMargin}`;
          break;
        default:
          throw new Error(
            `problem1-margin1: unknown fix '${fix}'; expected one of ${
              Object.keys(FIXES).join(", ")
            }`,
          );
      }
      const after = await trainProblemVariant(ctx, FIXES[fix], base(over), data);
      outcomes.push(after);
      fixes[fix] = {
        change,
        before: variantRecord(before),
        after: variantRecord(after),
        fixed: !after.collapsed && after.mechanism === "none" && after.accuracy > 0.5,
      };
    }
    const sqrtEps = Math.fround(Math.sqrt(1e-7));
    const lossMinusMargin = before.finalLoss - config.margin;
    const absorbing = before.lastGradNorm === 0 && Math.abs(lossMinusMargin) < 1e-6;
    const mechanismSentence = `${before.mechanism}: ${before.diagnosis}` +
      (absorbing
        ? `. Every embedding is then the same point, so d² = 0 < ε and √max(d², ε) = √ε = ` +
          `${
            sqrtEps.toExponential(7)
          } for every pair: d_ap = d_an, the loss is exactly the margin ` +
          `(${config.margin}), ties make the accuracy 0, and the clamp's gradient is exactly 0 ` +
          `(${before.zeroGradSteps} of ${before.steps} steps had ‖g‖ = 0), so no gradient step can ` +
          `leave it: an absorbing state`
        : "");
    const summary = {
      collapsed: before.collapsed,
      collapseStep: before.collapseStep,
      finalLoss: before.finalLoss,
      lossMinusMargin,
      accuracy: before.accuracy,
      dAp: before.dAp,
      dAn: before.dAn,
      sqrtEps,
      lastGradNorm: before.lastGradNorm,
      zeroGradSteps: before.zeroGradSteps,
      preL2Norm: before.preL2Norm,
      overflowStep: before.overflowStep,
      verificationAccuracy: before.verificationAccuracy,
      mechanism: before.mechanism,
      mechanismSentence,
      evidence: before.evidence,
      fixes,
      fixedBy: fixedBy(fixes),
    };
    return {
      summary,
      figures: problemFigures(outcomes, "problem 1"),
      notes: [`Mechanism (lib/train forensics): ${mechanismSentence}.`],
    };
  },
});
