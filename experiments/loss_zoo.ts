/**
 * `loss-zoo`: every loss of lib/losses at one budget — the four triplet forms (hinge, nohinge,
 * squaredHinge, softplus), contrastive, ArcFace and CosFace — on the same synthetic identities, the
 * same model, optimiser, seed and steps, and the same evaluation (verification on the set's pairs).
 * Per loss: its loss curve, triplet accuracy over the batch, d_ap/d_an, verification accuracy,
 * VAL@FAR, and whether (and why, from lib/train's collapse diagnosis) it collapsed.
 * @module
 */
import type { DistanceName, LossName, MinerName, TripletForm } from "../lib/losses/mod.ts";
import type { TrainConfig } from "../lib/train/mod.ts";
import { barFigure, type Figure, lineFigure, sweepFigure } from "../lib/plot/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import {
  brief,
  experimentData,
  type TrainingExperimentConfig,
  trainVariant,
  type VariantOutcome,
  variantTrainConfig,
} from "./_train_variant.ts";

type Config = TrainingExperimentConfig & {
  embeddingDim: number;
  /** "triplet-<form>", "contrastive", "arcface", "cosface". */
  losses: string[];
  miner: string;
  /** Triplet margin α. */
  margin: number;
  /** Contrastive margin m (on the Euclidean distance). */
  contrastiveMargin: number;
  /** ArcFace additive angular margin (radians). */
  arcMargin: number;
  /** CosFace additive cosine margin. */
  cosMargin: number;
  /** ArcFace/CosFace logit scale s. */
  scale: number;
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const TRIPLET_FORMS: readonly TripletForm[] = ["hinge", "nohinge", "squaredHinge", "softplus"];

/** The training settings of one loss spec ("triplet-softplus", "arcface", …) under `config`. */
export function lossSettings(
  spec: string,
  config: Config,
  numClasses: number,
): Pick<TrainConfig, "loss" | "lossOptions" | "margin" | "distance"> {
  if (spec.startsWith("triplet-")) {
    const form = spec.slice("triplet-".length) as TripletForm;
    if (!TRIPLET_FORMS.includes(form)) {
      throw new Error(
        `loss-zoo: unknown triplet form in '${spec}'; expected triplet-${TRIPLET_FORMS.join("|")}`,
      );
    }
    return {
      loss: "triplet",
      lossOptions: { form },
      margin: config.margin,
      distance: config.distance as DistanceName,
    };
  }
  switch (spec as LossName) {
    case "contrastive":
      // Hadsell et al.'s D_W is the Euclidean distance; +ε keeps its gradient finite at d = 0.
      return {
        loss: "contrastive",
        margin: config.contrastiveMargin,
        distance: "euclideanPlusEps",
      };
    case "arcface":
    case "cosface":
      return {
        loss: spec as LossName,
        margin: spec === "arcface" ? config.arcMargin : config.cosMargin,
        distance: config.distance as DistanceName,
        lossOptions: {
          numClasses,
          embeddingDim: config.embeddingDim,
          scale: config.scale,
          seed: config.seed,
        },
      };
    default:
      throw new Error(
        `loss-zoo: unknown loss '${spec}'; expected triplet-<form>, contrastive, arcface or cosface`,
      );
  }
}

export const lossZoo = defineExperiment<Config>({
  name: "loss-zoo",
  describe:
    "every loss (4 triplet forms, contrastive, ArcFace, CosFace) at one budget, same data and evaluation",
  presets: {
    ci: {
      seed: 1,
      model: "tiny",
      size: 32,
      embeddingDim: 128,
      identities: 16,
      perIdentity: 6,
      difficulty: 1,
      losses: [
        "triplet-hinge",
        "triplet-nohinge",
        "triplet-squaredHinge",
        "triplet-softplus",
        "contrastive",
        "arcface",
        "cosface",
      ],
      miner: "semihard",
      distance: "squaredEuclidean",
      margin: 0.2,
      contrastiveMargin: 1,
      arcMargin: 0.5,
      cosMargin: 0.35,
      scale: 16,
      steps: 12,
      p: 6,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
    },
    small: {
      seed: 1,
      model: "tiny",
      size: 32,
      embeddingDim: 128,
      identities: 40,
      perIdentity: 10,
      difficulty: 1,
      losses: [
        "triplet-hinge",
        "triplet-nohinge",
        "triplet-squaredHinge",
        "triplet-softplus",
        "contrastive",
        "arcface",
        "cosface",
      ],
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
    },
    paper: {
      seed: 1,
      model: "nn2",
      size: 224,
      embeddingDim: 128,
      identities: 500,
      perIdentity: 40,
      difficulty: 1,
      losses: [
        "triplet-hinge",
        "triplet-nohinge",
        "triplet-squaredHinge",
        "triplet-softplus",
        "contrastive",
        "arcface",
        "cosface",
      ],
      miner: "semihard",
      distance: "squaredEuclidean",
      margin: 0.2,
      contrastiveMargin: 1,
      arcMargin: 0.5,
      cosMargin: 0.35,
      scale: 64,
      steps: 20000,
      p: 25,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
    },
  },
  async run(config, ctx) {
    const data = await experimentData(ctx, config);
    const numClasses = data.dataset.identities.length;
    // Check every spec before spending time on training.
    for (const spec of config.losses) lossSettings(spec, config, numClasses);
    const outcomes: VariantOutcome[] = [];
    for (const spec of config.losses) {
      outcomes.push(
        await trainVariant(
          ctx,
          spec,
          variantTrainConfig(config, {
            modelOptions: { embeddingDim: config.embeddingDim },
            miner: config.miner as MinerName,
            ...lossSettings(spec, config, numClasses),
          }),
          data,
        ),
      );
    }
    const results: Record<string, unknown> = {};
    for (const o of outcomes) {
      const b = brief(o);
      results[o.variant] = {
        finalLoss: b.finalLoss,
        accuracy: b.accuracy,
        dAp: b.dAp,
        dAn: b.dAn,
        collapsed: b.collapsed,
        mechanism: b.mechanism,
        verificationAccuracy: b.verificationAccuracy,
        valAtFar: b.valAtFar,
        seconds: b.seconds,
      };
    }
    const ranked = [...outcomes].sort((a, b) => b.verificationAccuracy - a.verificationAccuracy);
    const collapsed = outcomes.filter((o) => o.collapsed);
    const summary = {
      budget:
        `${config.steps} steps of ${config.p}×${config.k} images, ${config.model} at ${config.size}`,
      ranking: ranked.map((o) => `${o.variant} ${o.verificationAccuracy.toFixed(3)}`),
      bestLoss: ranked[0]?.variant,
      bestVerificationAccuracy: ranked[0]?.verificationAccuracy,
      collapsedLosses: collapsed.map((o) => o.variant),
      results,
      mechanism: collapsed.length === 0
        ? "no loss collapsed at this budget"
        : collapsed.map((o) => `${o.variant}: ${o.diagnosis}`).join(" | "),
    };
    const runs = outcomes.map((o) => ({ name: o.variant, history: o.history }));
    const figures: Figure[] = [
      sweepFigure(runs, "loss", { title: "loss per step (each loss on its own scale)" }),
      sweepFigure(runs, "accuracy", { title: "triplet accuracy over the batch" }),
      lineFigure(
        outcomes.map((o) => ({ name: o.variant, y: o.history.map((h) => h.spread as number) })),
        { title: "mean pairwise embedding distance (spread)", yTitle: "spread", logY: true },
      ),
      barFigure(
        outcomes.map((o) => o.variant),
        [
          { name: "verification accuracy", y: outcomes.map((o) => o.verificationAccuracy) },
          { name: `VAL@FAR=${outcomes[0]?.far ?? 0.01}`, y: outcomes.map((o) => o.valAtFar) },
        ],
        { title: "same evaluation for every loss", yTitle: "fraction" },
      ),
    ];
    const notes = [
      "Loss values are not comparable across losses (different scales); verification accuracy is.",
      summary.mechanism,
    ];
    const hinge = outcomes.find((o) => o.variant === "triplet-hinge");
    const nohinge = outcomes.find((o) => o.variant === "triplet-nohinge");
    if (hinge && nohinge) {
      const active = mean(hinge.history.map((h) => h.activeFraction as number));
      const same = hinge.history.every((h, i) => h.dAp === nohinge.history[i]?.dAp);
      notes.push(
        `triplet-hinge vs triplet-nohinge: mined triplets active (inside the margin) ${
          (100 * active).toFixed(1)
        }% of the time with '${config.miner}' mining; ${
          same
            ? "every step's d_ap was identical, so the hinge never clipped: the two forms trained the same model (their losses differ by a constant)"
            : "their trajectories differ (the hinge clipped some triplets)"
        }.`,
      );
    }
    return { summary, figures, notes };
  },
});
