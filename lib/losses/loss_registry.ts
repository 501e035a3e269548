/**
 * The loss registry: every built-in loss's {@link LossEntry}, by name. Adding a loss is one new file
 * that exports its entry and one line here; {@link LossName}, {@link LOSS_NAMES}, `createLoss`,
 * each loss's `lossOptions` type and key list, the trainer's choice list and its validation follow.
 *
 * @example
 * ```ts
 * import { LOSS_NAMES, LOSSES } from "./loss_registry.ts";
 * console.assert(LOSSES.triplet.tripletModel && !LOSSES.arcface.tripletModel);
 * console.assert(LOSS_NAMES[0] === "triplet");
 * ```
 * @module
 */
import { tripletLossEntry } from "./triplet_loss.ts";
import { contrastiveLossEntry } from "./contrastive_loss.ts";
import { arcFaceLossEntry } from "./arc_face_loss.ts";
import { cosFaceLossEntry } from "./cos_face_loss.ts";

/** Every built-in loss's entry, by name (in {@link LOSS_NAMES}'s order). */
export const LOSSES = {
  triplet: tripletLossEntry,
  contrastive: contrastiveLossEntry,
  arcface: arcFaceLossEntry,
  cosface: cosFaceLossEntry,
} as const;

/** Names of the built-in losses: the keys of {@link LOSSES}. */
export type LossName = keyof typeof LOSSES;

/** Every built-in loss name, in the registry's order. */
export const LOSS_NAMES: readonly LossName[] = Object.keys(LOSSES) as LossName[];
