/**
 * Loss by name.
 * @module
 */
import type { EmbeddingLoss, LossName } from "./embedding_loss.ts";
import { type TripletForm, tripletLoss, type TripletLossOptions } from "./triplet_loss.ts";
import { contrastiveLoss, type ContrastiveLossOptions } from "./contrastive_loss.ts";
import { arcFaceLoss } from "./arc_face_loss.ts";
import { cosFaceLoss } from "./cos_face_loss.ts";
import type { Distance } from "./distances/distance.ts";

/** Every built-in loss name. */
export const LOSS_NAMES: readonly LossName[] = ["triplet", "contrastive", "arcface", "cosface"];

/**
 * What a training config may set per loss beyond `margin` and `distance` (which a config sets for
 * every loss): the triplet loss's form; ArcFace's and CosFace's scale, class count, embedding
 * dimension and weight seed (a trainer fills the last three from the data and model when absent).
 */
export interface LossOptionsByName {
  triplet: { form?: TripletForm };
  contrastive: Record<never, never>;
  arcface: { scale?: number; numClasses?: number; embeddingDim?: number; seed?: number };
  cosface: { scale?: number; numClasses?: number; embeddingDim?: number; seed?: number };
}

/** Every key some loss's options have. */
type AnyLossOptionKey = { [K in LossName]: keyof LossOptionsByName[K] }[LossName];

/**
 * The options of loss `L`, with every other loss's keys typed `never` (so `{ loss: "triplet",
 * lossOptions: { scale: 1 } }` does not compile). For a union of names, the union of those.
 */
export type LossOptionsOf<L extends LossName> = L extends LossName
  ? LossOptionsByName[L] & { [K in Exclude<AnyLossOptionKey, keyof LossOptionsByName[L]>]?: never }
  : never;

/** A loss name with its options, discriminated by `loss`. */
export type LossSetting = {
  [K in LossName]: { loss: K; lossOptions?: LossOptionsByName[K] };
}[LossName];

/** The keys {@link LossOptionsByName} allows per loss (for validating configs read from JSON/CLI). */
export const LOSS_OPTION_KEYS: {
  readonly [K in LossName]: readonly (keyof LossOptionsByName[K])[];
} = {
  triplet: ["form"],
  contrastive: [],
  arcface: ["scale", "numClasses", "embeddingDim", "seed"],
  cosface: ["scale", "numClasses", "embeddingDim", "seed"],
};

/** The union of every loss's options; each loss reads the fields it knows. */
export interface CreateLossOptions extends TripletLossOptions, ContrastiveLossOptions {
  /** The loss's margin (each loss's own default when omitted). */
  margin?: number;
  /** The distance of the triplet and contrastive losses. */
  distance?: Distance;
  /** ArcFace / CosFace: number of classes (required for them). */
  numClasses?: number;
  /** ArcFace / CosFace: embedding dimension (required for them). */
  embeddingDim?: number;
  /** ArcFace / CosFace: logit scale. */
  scale?: number;
  /** ArcFace / CosFace: weight initialisation seed. */
  seed?: number;
}

/**
 * Creates a loss from its name (for configs and the CLI). ArcFace and CosFace need `numClasses` and
 * `embeddingDim`; their default margins apply when `margin` is not given.
 *
 * @example
 * ```ts
 * import { createLoss } from "./create_loss.ts";
 * console.assert(createLoss("triplet", { margin: 0.2, form: "softplus" }).name === "triplet");
 * ```
 */
export function createLoss(name: LossName, options: CreateLossOptions = {}): EmbeddingLoss {
  const needClasses = (where: string) => {
    if (options.numClasses === undefined || options.embeddingDim === undefined) {
      throw new Error(`createLoss('${where}'): 'numClasses' and 'embeddingDim' are required`);
    }
    return { numClasses: options.numClasses, embeddingDim: options.embeddingDim };
  };
  switch (name) {
    case "triplet":
      return tripletLoss(options);
    case "contrastive":
      return contrastiveLoss(options);
    case "arcface":
      return arcFaceLoss({
        ...needClasses(name),
        margin: options.margin,
        scale: options.scale,
        seed: options.seed,
      });
    case "cosface":
      return cosFaceLoss({
        ...needClasses(name),
        margin: options.margin,
        scale: options.scale,
        seed: options.seed,
      });
    default: {
      const bad: never = name;
      throw new Error(
        `createLoss: unknown loss '${bad}'; expected one of ${LOSS_NAMES.join(", ")}`,
      );
    }
  }
}
