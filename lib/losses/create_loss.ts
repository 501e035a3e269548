/**
 * Loss by name, and the per-loss option types derived from {@link LOSSES}.
 * @module
 */
import type { EmbeddingLoss } from "./embedding_loss.ts";
import type { LossCommonOptions, LossEntry, LossEntryOptions } from "./loss_entry.ts";
import { LOSS_NAMES, LOSSES, type LossName } from "./loss_registry.ts";
import type { UnionToIntersection } from "./_union_to_intersection.ts";

/**
 * What a training config may set per loss beyond `margin` and `distance` (which a config sets for
 * every loss), read from each loss's {@link LossEntry}: the triplet loss's form; ArcFace's and
 * CosFace's scale, class count, embedding dimension and weight seed (a trainer fills the last three
 * from the data and model when absent).
 */
export type LossOptionsByName = { [K in LossName]: LossEntryOptions<(typeof LOSSES)[K]> };

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
} = Object.fromEntries(
  LOSS_NAMES.map((name) => [name, Object.keys(LOSSES[name].optionKeys)]),
) as { [K in LossName]: (keyof LossOptionsByName[K])[] };

/** The union of every loss's options with margin and distance; each loss reads the fields it knows. */
export type CreateLossOptions =
  & LossCommonOptions
  & UnionToIntersection<LossOptionsByName[LossName]>;

/**
 * Creates a loss from its name (for configs and the CLI), by {@link LOSSES}. ArcFace and CosFace
 * need `numClasses` and `embeddingDim`; their default margins apply when `margin` is not given.
 *
 * @example
 * ```ts
 * import { createLoss } from "./create_loss.ts";
 * console.assert(createLoss("triplet", { margin: 0.2, form: "softplus" }).name === "triplet");
 * ```
 */
export function createLoss(name: LossName, options: CreateLossOptions = {}): EmbeddingLoss {
  if (!Object.hasOwn(LOSSES, name)) {
    throw new Error(`createLoss: unknown loss '${name}'; expected one of ${LOSS_NAMES.join(", ")}`);
  }
  const entry: LossEntry<object> = LOSSES[name];
  return entry.create(options);
}
