/**
 * `problem2-margin4`: the monograph's fine-tuning problem 2. The three-input triplet model fed
 * random triplets, margin 4, plain √Σd² distance (no ε floor), L2-normalised output, NN2-style LRN
 * and L2 pooling: loss → 4, accuracy ≈ 0.5, tiny distances. Then the monograph's fixes (batch norm,
 * max pooling in place of L2 pooling, no final L2 normalisation), each from the same seed, before
 * and after.
 *
 * The monograph printed ‖f(a) − f(p)‖²₂ ≈ 7.66e-7, 7.47e-7 and ‖f(a) − f(n)‖²₂ ≈ 7.95e-7, 7.56e-7:
 * squared distances. The summary reports that quantity (`dAp2`, `dAn2`), measured directly as
 * Σ(a − b)² on seeded random triplets of the final model, beside the √Σd² distances the loss trains
 * on. Training on the squared distance instead was tried (ci budget, seed 1): at lr 100 it stops at
 * d² ~ 2e-4 with two dominant channels, at lr 1000 it sinks to d² ~ 1e-9 with a seed-dependent
 * mechanism; √Σd² at lr 100 gives the rank-one collapse with squares of ~1e-6 for the ci preset's
 * seed (the settings are deterministic per seed, not for every seed: at this 14-step budget seeds
 * 2–4 stop earlier on the way, d² ~ 1e-5 or no collapse yet).
 *
 * Margin 4 > 2 = the largest distance between unit vectors, so every triplet is always active and
 * the hinge is the linear loss 4 + mean(d_ap − d_an): it never saturates, ≥ 2 always, and equals 4
 * for every embedding that does not separate identities (random triplets: E d_ap = E d_an) — a
 * collapsed one included. The mechanism is read from lib/train's forensics (diagnoseCollapse).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { itemPath, loadImageBatch } from "../lib/data/mod.ts";
import type { L2PoolingKind, ModelOptions, NormKind } from "../lib/model/mod.ts";
import { barFigure } from "../lib/plot/mod.ts";
import { createRng } from "../lib/random/mod.ts";
import {
  embedInChunks,
  NonFiniteError,
  randomTriplets,
  type TrainConfig,
} from "../lib/train/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import { type SynthData } from "./_synth_data.ts";
import {
  fixedBy,
  problemFigures,
  type ProblemOutcome,
  trainProblemVariant,
  variantRecord,
} from "./problem1_margin1.ts";

import {
  experimentData,
  type TrainingExperimentConfig,
  variantTrainConfig,
} from "./_train_variant.ts";

type Config = TrainingExperimentConfig & {
  margin: number;
  /** Random triplets of the final model whose squared distances are measured directly. */
  probeTriplets: number;
  /** Which fixes to try: "batch-norm", "max-pooling", "no-final-l2". */
  fixes: string[];
};

const FIXES: Record<string, { label: string; change: string; options: ModelOptions }> = {
  "batch-norm": {
    label: "batch norm",
    change: "LRN → batch norm after every convolution",
    options: { norm: "batch" },
  },
  "max-pooling": {
    label: "max pooling",
    change: "L2 pooling → max pooling",
    options: { l2Pooling: "max" },
  },
  "no-final-l2": {
    label: "no final L2",
    change: "final L2 normalisation removed",
    options: { finalL2: false },
  },
};

const fmt = (x: number) => x.toExponential(2);

/**
 * The monograph's printed quantity, ‖f(a) − f(p)‖²₂ and ‖f(a) − f(n)‖²₂, of the final model on
 * random triplets of the whole set. Measured directly as Σₖ(aₖ − pₖ)² in float64 over the float32
 * embeddings: the step metrics' d_ap, d_an come from the Gram form ‖a‖² + ‖b‖² − 2a·b, which for
 * unit vectors in float32 lands on multiples of 1.19e-7 (the ulp of 1) in d², so at this scale they
 * are quantised (errors of a few 1e-7, zeros included).
 */
export interface SquaredDistances {
  /** Triplets measured (seeded random triplets over the whole set, as the monograph fed them). */
  triplets: number;
  /** Mean ‖f(a) − f(p)‖² and ‖f(a) − f(n)‖² over them. */
  dAp2: number;
  dAn2: number;
  /** The first two triplets' values, as the monograph printed a batch of two. */
  dAp2First: number[];
  dAn2First: number[];
  /** Fraction of triplets with d_an² > d_ap² (ties count as wrong). */
  accuracy: number;
  /** Mean √ of the same squared distances (the Euclidean distances a √Σd² loss trains on). */
  dAp: number;
  dAn: number;
}

/** What the monograph printed for problem 2 (two triplets each), for comparison. */
const MONOGRAPH = {
  dAp2: [7.6563555e-7, 7.4684391e-7],
  dAn2: [7.9522505e-7, 7.5629816e-7],
};

/** The sentence that puts the measured squared distances beside the monograph's. */
function squaredSentence(q: SquaredDistances | undefined): string {
  if (!q) return "";
  return `. The monograph printed the squared distances ‖f(a) − f(p)‖²₂ = ${
    MONOGRAPH.dAp2.map(fmt).join(", ")
  } and ‖f(a) − f(n)‖²₂ = ${
    MONOGRAPH.dAn2.map(fmt).join(", ")
  }; measured directly (Σ(a − b)², not the Gram form, which is quantised at this scale) on ` +
    `${q.triplets} random triplets of the final model they are d_ap² = ${fmt(q.dAp2)} and ` +
    `d_an² = ${fmt(q.dAn2)} on average (first two: ${q.dAp2First.map(fmt).join(", ")} and ${
      q.dAn2First.map(fmt).join(", ")
    }), with d_an² > d_ap² for ${(100 * q.accuracy).toFixed(1)}% of them: the same collapse, ` +
    `seen through the squares of the √Σd² distances the loss trained on`;
}

/** The summary's keys for the monograph's printed quantity. */
function squaredSummary(q: SquaredDistances | undefined): Record<string, unknown> {
  if (!q) return {};
  return {
    dAp2: q.dAp2,
    dAn2: q.dAn2,
    dAp2First: q.dAp2First,
    dAn2First: q.dAn2First,
    probeTriplets: q.triplets,
    probeAccuracy: q.accuracy,
    probeDAp: q.dAp,
    probeDAn: q.dAn,
  };
}

async function squaredDistances(
  model: tf.LayersModel,
  data: SynthData,
  count: number,
  seed: number,
): Promise<SquaredDistances> {
  const items = data.dataset.items;
  const t = randomTriplets(items.map((i) => i.label), { count, rng: createRng(seed) });
  // Embed only the images the triplets use (the paper preset's set is large).
  const used = [...new Set([...t.anchors, ...t.positives, ...t.negatives])];
  const row = new Map(used.map((item, r) => [item, r]));
  const size = model.inputs[0].shape[1] as number;
  const paths = used.map((i) => itemPath(data.dataset, items[i].path));
  const images = await loadImageBatch(paths, { size });
  let x: Float32Array, dim: number;
  try {
    const e = await embedInChunks(model, images);
    dim = e.shape[1];
    x = (await e.data()) as Float32Array;
    e.dispose();
  } finally {
    images.dispose();
  }
  const d2 = (a: number, b: number) => {
    const i = row.get(a)!, j = row.get(b)!;
    let s = 0;
    for (let k = 0; k < dim; k++) s += (x[i * dim + k] - x[j * dim + k]) ** 2;
    return s;
  };
  const ap = Array.from(t.anchors, (a, i) => d2(a, t.positives[i]));
  const an = Array.from(t.anchors, (a, i) => d2(a, t.negatives[i]));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    triplets: count,
    dAp2: mean(ap),
    dAn2: mean(an),
    dAp2First: ap.slice(0, 2),
    dAn2First: an.slice(0, 2),
    accuracy: ap.filter((v, i) => an[i] > v).length / count,
    dAp: mean(ap.map(Math.sqrt)),
    dAn: mean(an.map(Math.sqrt)),
  };
}

/** The facts behind a "constant-output"/collinear collapse, from the forensics snapshots. */
function geometry(o: ProblemOutcome): string {
  const f0 = o.forensics[0], f1 = o.forensics[o.forensics.length - 1];
  if (!f0 || !f1) return "";
  const d = o.features;
  const channel = d && Number.isFinite(d.share)
    ? `; the features entering ${d.layer} are one ReLU channel: channel ${d.channel} has mean ` +
      `|h| ${fmt(d.top)} against ${fmt(d.second)} for the next and carries ${
        (100 * d.share).toFixed(4)
      }% of ‖h‖, so every embedding is that channel times one row of ${d.layer}'s kernel — one ` +
      `direction whatever the input (a rank-one collapse)`
    : "";
  return `pairwise cosine of the outputs ${f1.cosine.mean.toFixed(6)} ± ${fmt(f1.cosine.std)} ` +
    `while the pre-L2 embeddings still differ in length (relative spread ${
      f1.preL2.relativeSpread.toFixed(3)
    }): they became collinear, and their norm grew from ${fmt(f0.preL2.norm.mean)} to ${
      fmt(f1.preL2.norm.mean)
    }, so the gradient through x/‖x‖ (which scales as 1/‖x‖) fell to ‖g‖ = ${
      fmt(o.lastGradNorm)
    }${channel}`;
}

export const problem2Margin4 = defineExperiment<Config>({
  name: "problem2-margin4",
  describe:
    "monograph problem 2: margin 4, random triplets → loss 4, accuracy ≈ 0.5, tiny distances; fixes batch norm, max pooling, no final L2",
  presets: {
    ci: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 16,
      perIdentity: 6,
      difficulty: 1,
      distance: "euclidean",
      margin: 4,
      optimizer: "sgd",
      lr: 100,
      steps: 14,
      p: 6,
      k: 4,
      probeTriplets: 96,
      fixes: ["batch-norm", "max-pooling", "no-final-l2"],
    },
    small: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 40,
      perIdentity: 10,
      difficulty: 1,
      distance: "euclidean",
      margin: 4,
      optimizer: "sgd",
      lr: 100,
      steps: 100,
      p: 10,
      k: 4,
      probeTriplets: 96,
      fixes: ["batch-norm", "max-pooling", "no-final-l2"],
    },
    paper: {
      seed: 1,
      model: "nn2",
      size: 224,
      identities: 100,
      perIdentity: 40,
      difficulty: 1,
      distance: "euclidean",
      margin: 4,
      optimizer: "adam",
      lr: 0.001,
      steps: 3300,
      p: 25,
      k: 4,
      probeTriplets: 96,
      fixes: ["batch-norm", "max-pooling", "no-final-l2"],
    },
  },
  async run(config, ctx) {
    const data = await experimentData(ctx, config);
    const base = (options: ModelOptions): TrainConfig =>
      variantTrainConfig(config, {
        modelOptions: {
          norm: "lrn" as NormKind,
          l2Pooling: "l2" as L2PoolingKind,
          finalL2: true,
          ...options,
        },
        mode: "triplet-model",
        margin: config.margin,
        forensicsEvery: 1,
      });
    // Each variant's final model, probed on the same seeded random triplets.
    const squared = new Map<string, SquaredDistances>();
    const train = (variant: string, options: ModelOptions) =>
      trainProblemVariant(ctx, variant, base(options), data, {
        inspect: async (model) => {
          squared.set(
            variant,
            await squaredDistances(model, data, config.probeTriplets, config.seed),
          );
        },
      });
    const record = (o: ProblemOutcome) => {
      const q = squared.get(o.variant);
      return { ...variantRecord(o), dAp2: q?.dAp2 ?? NaN, dAn2: q?.dAn2 ?? NaN };
    };
    const before = await train("problem 2", {});
    const outcomes = [before];
    const fixes: Record<string, unknown> = {};
    for (const fix of config.fixes) {
      const spec = FIXES[fix];
      if (!spec) {
        throw new Error(
          `problem2-margin4: unknown fix '${fix}'; expected one of ${
            Object.keys(FIXES).join(", ")
          }`,
        );
      }
      let after: ProblemOutcome;
      try {
        after = await train(spec.label, spec.options);
      } catch (e) {
        // A fix that makes training diverge is an outcome, not a crash of the experiment.
        if (!(e instanceof NonFiniteError)) throw e;
        ctx.print(`${spec.label}: ${e.message}`);
        fixes[fix] = {
          change: spec.change,
          before: record(before),
          after: { diverged: e.message },
          fixed: false,
        };
        continue;
      }
      outcomes.push(after);
      fixes[fix] = {
        change: spec.change,
        before: record(before),
        after: record(after),
        fixed: !after.collapsed && after.mechanism === "none" && after.accuracy > 0.55,
      };
    }
    const facts = geometry(before);
    const mechanismSentence = `${before.mechanism}: ${before.diagnosis}` +
      (facts ? ` — ${facts}` : "") +
      `. With margin ${config.margin} > 2 every triplet is active (activeFraction 1), so the loss is ` +
      `${config.margin} + mean(d_ap − d_an): it equals ${config.margin} for any embedding that ` +
      `does not separate identities, a collapsed one included, and the residual distances carry no ` +
      `identity, so the accuracy is chance (≈ 0.5)` + squaredSentence(squared.get(before.variant));
    const summary = {
      collapsed: before.collapsed,
      collapseStep: before.collapseStep,
      finalLoss: before.finalLoss,
      lossMinusMargin: before.finalLoss - config.margin,
      accuracy: before.accuracy,
      dAp: before.dAp,
      dAn: before.dAn,
      ...squaredSummary(squared.get(before.variant)),
      monographDAp2: MONOGRAPH.dAp2,
      monographDAn2: MONOGRAPH.dAn2,
      activeFraction: before.history[before.history.length - 1]?.activeFraction ?? NaN,
      lastGradNorm: before.lastGradNorm,
      preL2Norm: before.preL2Norm,
      outputCosineStd: before.forensics[before.forensics.length - 1]?.cosine.std ?? NaN,
      dominantChannel: before.features ?? null,
      verificationAccuracy: before.verificationAccuracy,
      mechanism: before.mechanism,
      mechanismSentence,
      evidence: before.evidence,
      fixes,
      fixedBy: fixedBy(fixes),
    };
    return {
      summary,
      figures: [
        ...problemFigures(outcomes, "problem 2"),
        barFigure(
          outcomes.map((o) => o.variant),
          [
            { name: "mean ‖f(a) − f(p)‖²", y: outcomes.map((o) => squared.get(o.variant)!.dAp2) },
            { name: "mean ‖f(a) − f(n)‖²", y: outcomes.map((o) => squared.get(o.variant)!.dAn2) },
          ],
          {
            title: `problem 2: squared distances of the final model on ${config.probeTriplets} ` +
              `random triplets, measured directly (the monograph printed ~7.6e-7)`,
            yTitle: "‖·‖²₂",
            logY: true,
          },
        ),
      ],
      notes: [`Mechanism (lib/train forensics): ${mechanismSentence}.`],
    };
  },
});
