/**
 * The `LossEntry` interface: what a loss file registers in {@link LOSSES} (lib/losses/loss_registry.ts).
 * @module
 */
import type { Distance } from "./distances/distance.ts";
import type { EmbeddingLoss } from "./embedding_loss.ts";

/** What every loss is given beyond its own options (a config sets them as top-level keys). */
export interface LossCommonOptions {
  /** The loss's margin (each loss's own default when omitted). */
  margin?: number;
  /** The distance of distance-based losses (ignored by the others). */
  distance?: Distance;
}

/**
 * A loss as the registry knows it. `O` is what a training config's `lossOptions` may set for it
 * (margin and distance are top-level keys); `TrainConfig<L>`'s `lossOptions` type is derived from it.
 *
 * @example
 * ```ts
 * import type { LossEntry } from "./loss_entry.ts";
 * import { contrastiveLoss } from "./contrastive_loss.ts";
 * const entry: LossEntry = { optionKeys: {}, tripletModel: true, create: contrastiveLoss };
 * console.assert(entry.create({ margin: 1 }).name === "contrastive");
 * ```
 */
export interface LossEntry<O extends object = Record<never, never>> {
  /** Every key of `O`, each `true` (the compiler rejects a missing or extra one): configs read
   * from JSON or the CLI are checked against them. */
  readonly optionKeys: { readonly [K in keyof O]-?: true };
  /** The choice lists of `O`'s enumerated options (a config's value is checked against them). */
  readonly optionChoices?: { readonly [K in keyof O]?: readonly string[] };
  /** True when the loss has `fromTripletDistances`: it can train the three-input triplet model. */
  readonly tripletModel: boolean;
  /** True when the loss keeps its own default margin unless a config sets one (a trainer's
   * default margin, 0.2, is the triplet loss's). */
  readonly ownMargin?: boolean;
  /** True when a trainer fills `numClasses`, `embeddingDim` and `seed` from its data and model. */
  readonly needsClasses?: boolean;
  /** Creates the loss from its options, margin and distance. */
  create(options: O & LossCommonOptions): EmbeddingLoss;
}

/** The options type `O` of a {@link LossEntry}. */
export type LossEntryOptions<E> = E extends LossEntry<infer O> ? O : never;
