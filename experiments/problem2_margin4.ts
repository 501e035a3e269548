/**
 * `problem2-margin4`: the monograph's fine-tuning problem 2. The three-input triplet model fed
 * random triplets, margin 4, plain √Σd² distance (the monograph's first variant, which has no ε
 * floor: its printed distances, ~7.6e-7, are below √1e-7), L2-normalised output, NN2-style LRN and L2
 * pooling: loss → 4, accuracy ≈ 0.5, tiny distances. Then the monograph's fixes (batch norm, max
 * pooling in place of L2 pooling, no final L2 normalisation), each from the same seed, before and
 * after.
 *
 * Margin 4 > 2 = the largest distance between unit vectors, so every triplet is always active and
 * the hinge is the linear loss 4 + mean(d_ap − d_an): it never saturates, ≥ 2 always, and equals 4
 * for every embedding that does not separate identities (random triplets: E d_ap = E d_an) — a
 * collapsed one included. The mechanism is read from lib/train's forensics (diagnoseCollapse).
 * @module
 */
import type { DistanceName } from "../lib/losses/mod.ts";
import type { L2PoolingKind, ModelName, ModelOptions, NormKind } from "../lib/model/mod.ts";
import { NonFiniteError, type OptimizerName, type TrainConfig } from "../lib/train/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import { synthData } from "./_synth_data.ts";
import {
  problemFigures,
  type ProblemOutcome,
  trainProblemVariant,
  variantRecord,
} from "./problem1_margin1.ts";

type Config = {
  seed: number;
  model: string;
  size: number;
  identities: number;
  perIdentity: number;
  difficulty: number;
  distance: string;
  margin: number;
  optimizer: string;
  lr: number;
  steps: number;
  p: number;
  k: number;
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
      fixes: ["batch-norm", "max-pooling", "no-final-l2"],
    },
  },
  async run(config, ctx) {
    const data = await synthData(ctx, {
      identities: config.identities,
      perIdentity: config.perIdentity,
      size: config.size,
      difficulty: config.difficulty,
      seed: config.seed,
    });
    const base = (options: ModelOptions): TrainConfig => ({
      model: config.model as ModelName,
      modelOptions: {
        norm: "lrn" as NormKind,
        l2Pooling: "l2" as L2PoolingKind,
        finalL2: true,
        ...options,
      },
      size: config.size,
      mode: "triplet-model",
      distance: config.distance as DistanceName,
      margin: config.margin,
      optimizer: config.optimizer as OptimizerName,
      lr: config.lr,
      steps: config.steps,
      p: config.p,
      k: config.k,
      seed: config.seed,
      forensicsEvery: 1,
    });
    const before = await trainProblemVariant(ctx, "problem 2", base({}), data);
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
        after = await trainProblemVariant(ctx, spec.label, base(spec.options), data);
      } catch (e) {
        // A fix that makes training diverge is an outcome, not a crash of the experiment.
        if (!(e instanceof NonFiniteError)) throw e;
        ctx.print(`${spec.label}: ${e.message}`);
        fixes[fix] = {
          change: spec.change,
          before: variantRecord(before),
          after: { diverged: e.message },
          fixed: false,
        };
        continue;
      }
      outcomes.push(after);
      fixes[fix] = {
        change: spec.change,
        before: variantRecord(before),
        after: variantRecord(after),
        fixed: !after.collapsed && after.mechanism === "none" && after.accuracy > 0.55,
      };
    }
    const facts = geometry(before);
    const mechanismSentence = `${before.mechanism}: ${before.diagnosis}` +
      (facts ? ` — ${facts}` : "") +
      `. With margin ${config.margin} > 2 every triplet is active (activeFraction 1), so the loss is ` +
      `${config.margin} + mean(d_ap − d_an): it equals ${config.margin} for any embedding that ` +
      `does not separate identities, a collapsed one included, and the residual distances carry no ` +
      `identity, so the accuracy is chance (≈ 0.5)`;
    const summary = {
      collapsed: before.collapsed,
      collapseStep: before.collapseStep,
      finalLoss: before.finalLoss,
      lossMinusMargin: before.finalLoss - config.margin,
      accuracy: before.accuracy,
      dAp: before.dAp,
      dAn: before.dAn,
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
      fixedBy: Object.entries(fixes).filter(([, v]) => (v as { fixed: boolean }).fixed).map((
        [k],
      ) => k),
    };
    return {
      summary,
      figures: problemFigures(outcomes, "problem 2"),
      notes: [`Mechanism (lib/train forensics): ${mechanismSentence}.`],
    };
  },
});
