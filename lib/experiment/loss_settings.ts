/**
 * Loss specs as one config string each ("triplet-softplus", "contrastive", "arcface", "cosface")
 * and the training settings each stands for.
 * @module
 */
import type { DistanceName, LossName, TripletForm } from "../losses/mod.ts";
import type { TrainConfig } from "../train/mod.ts";

/** A loss spec: a triplet form, or a loss of lib/losses by name. */
export type LossSpec =
  | `triplet-${TripletForm}`
  | Exclude<LossName, "triplet">;

/** Every loss spec (the choices of a `losses` field). */
export const LOSS_SPECS: readonly LossSpec[] = [
  "triplet-hinge",
  "triplet-nohinge",
  "triplet-squaredHinge",
  "triplet-softplus",
  "contrastive",
  "arcface",
  "cosface",
];

/** The config fields a loss spec's settings read. */
export type LossSettingsConfig = {
  seed: number;
  distance: DistanceName;
  embeddingDim: number;
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

/**
 * The training settings of one loss spec under `config` (`numClasses`: identities, for the
 * classification losses).
 *
 * @example
 * ```ts
 * import { lossSettings } from "./loss_settings.ts";
 * const c = { seed: 1, distance: "squaredEuclidean" as const, embeddingDim: 8, margin: 0.2,
 *   contrastiveMargin: 1, arcMargin: 0.5, cosMargin: 0.35, scale: 16 };
 * console.assert(lossSettings("contrastive", c, 4).distance === "euclideanPlusEps");
 * ```
 */
export function lossSettings(
  spec: string,
  config: LossSettingsConfig,
  numClasses: number,
): Pick<TrainConfig, "loss" | "lossOptions" | "margin" | "distance"> {
  if (spec.startsWith("triplet-")) {
    const form = spec.slice("triplet-".length) as TripletForm;
    if (!LOSS_SPECS.includes(spec as LossSpec)) {
      throw new Error(
        `loss-zoo: unknown triplet form in '${spec}'; expected one of ${
          LOSS_SPECS.filter((s) => s.startsWith("triplet-")).join(", ")
        }`,
      );
    }
    return {
      loss: "triplet",
      lossOptions: { form },
      margin: config.margin,
      distance: config.distance,
    };
  }
  switch (spec) {
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
        loss: spec,
        margin: spec === "arcface" ? config.arcMargin : config.cosMargin,
        distance: config.distance,
        lossOptions: {
          numClasses,
          embeddingDim: config.embeddingDim,
          scale: config.scale,
          seed: config.seed,
        },
      };
    default:
      throw new Error(
        `loss-zoo: unknown loss '${spec}'; expected one of ${LOSS_SPECS.join(", ")}`,
      );
  }
}
