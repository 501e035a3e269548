/**
 * Verification accuracy of an embedding model on a {@link HeldOutSplit}'s pairs (identities never
 * trained on), with the chance level beside it and a Wilson 95% interval over the pairs, so that
 * "above chance" is a statement about the interval, not about one number.
 *
 * The accuracy is lib/eval's k-fold protocol (a threshold chosen on k − 1 folds, tested on the
 * last). When every pair has the same distance (a collapsed embedding) no threshold separates
 * anything and the accuracy is the chance level. When the model outputs NaN or ±Infinity (an
 * overflowed embedding), no distance exists: the accuracy is reported as the chance level and
 * `nonFinite` is set.
 *
 * @example
 * ```ts ignore
 * import { heldOutAccuracy, heldOutSplit } from "./mod.ts";
 * const split = heldOutSplit(dataset, { seed: 1 });
 * const r = await heldOutAccuracy(model, split);
 * console.log(r.accuracy, r.chance, r.ci);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { evaluatePairs, modelEmbedder } from "../eval/mod.ts";
import type { HeldOutSplit } from "./held_out_split.ts";
import { wilsonInterval } from "./wilson_interval.ts";

/** Options of {@link heldOutAccuracy}. */
export interface HeldOutAccuracyOptions {
  /** Folds of the threshold protocol. Default 5. */
  folds?: number;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  signal?: AbortSignal;
}

/** What {@link heldOutAccuracy} measured. */
export interface HeldOutAccuracy {
  /** Mean test-fold accuracy over the held-out pairs. */
  accuracy: number;
  /** Accuracy of always giving the more frequent answer. */
  chance: number;
  /** Number of pairs. */
  pairs: number;
  /** Wilson 95% interval of the accuracy over the pairs. */
  ci: [number, number];
  /** True when the interval's lower end is above the chance level. */
  aboveChance: boolean;
  /** True when the model's embeddings were NaN or infinite (accuracy then set to chance). */
  nonFinite: boolean;
}

/**
 * Embeds the held-out pairs' images with `model` (inference mode) and measures verification.
 *
 * @example
 * ```ts ignore
 * const r = await heldOutAccuracy(model, split, { folds: 5 });
 * console.assert(r.pairs === split.pairs.length);
 * ```
 */
export async function heldOutAccuracy(
  model: tf.LayersModel,
  split: HeldOutSplit,
  options: HeldOutAccuracyOptions = {},
): Promise<HeldOutAccuracy> {
  const n = split.pairs.length;
  if (n < 2) throw new Error(`heldOutAccuracy: the split has ${n} pairs, need ≥ 2`);
  let accuracy: number, nonFinite = false;
  try {
    const ev = await evaluatePairs(
      modelEmbedder(model, { batchSize: options.batchSize }),
      split.pairs,
      {
        root: split.heldOut.root,
        folds: options.folds ?? 5,
        fileFolds: false,
        signal: options.signal,
      },
    );
    accuracy = ev.verification.accuracy;
  } catch (e) {
    if (!(e instanceof Error) || !/non-finite distance/.test(e.message)) throw e;
    accuracy = split.chance;
    nonFinite = true;
  }
  const ci = wilsonInterval(Math.round(accuracy * n), n);
  return {
    accuracy,
    chance: split.chance,
    pairs: n,
    ci,
    aboveChance: ci[0] > split.chance,
    nonFinite,
  };
}
