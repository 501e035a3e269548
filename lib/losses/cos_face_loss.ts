/**
 * CosFace: additive cosine margin softmax.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Pairs, Triplets } from "./miners/tuples.ts";
import type { ClassWeightLoss } from "./arc_face_loss.ts";
import type { LossEntry } from "./loss_entry.ts";
import {
  type ClassWeightLossSettings,
  type ClassWeightOptions,
  cosineLogits,
  createClassWeights,
  oneHotValues,
  requireClasses,
  softmaxCrossEntropy,
} from "./_class_weights.ts";

/** Options of {@link cosFaceLoss}. */
export interface CosFaceLossOptions extends ClassWeightOptions {
  /** Cosine margin m. Default 0.35. */
  margin?: number;
  /** Scale s of the logits. Default 64. */
  scale?: number;
}

/**
 * CosFace / large-margin cosine loss (Wang et al. 2018, https://arxiv.org/abs/1801.09414), per sample
 * with label y: cross-entropy of the logits s·(cos θ_y − m) for the true class and s·cos θ_j for the
 * others. Defaults: m = 0.35, s = 64; weights [D, C] normal with Glorot std, seeded.
 *
 * Mined indices are ignored. At total collapse the value is finite and W-dependent and the gradient
 * finite and non-zero (see {@link arcFaceLoss}).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { cosFaceLoss } from "./cos_face_loss.ts";
 * const loss = cosFaceLoss({ numClasses: 2, embeddingDim: 3 });
 * const x = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
 * const v = loss.compute(x, [0, 1]);
 * console.assert(v.shape[0] === 2);
 * tf.dispose([x, v]);
 * loss.dispose();
 * ```
 */
export function cosFaceLoss(options: CosFaceLossOptions): ClassWeightLoss {
  const m = options.margin ?? 0.35;
  const s = options.scale ?? 64;
  if (!(Number.isFinite(m) && m >= 0)) {
    throw new Error(`cosFaceLoss: 'margin' must be ≥ 0, got ${m}`);
  }
  if (!(Number.isFinite(s) && s > 0)) {
    throw new Error(`cosFaceLoss: 'scale' must be positive, got ${s}`);
  }
  const weights = createClassWeights(options, "cosFaceLoss");
  return {
    name: "cosface",
    weights,
    trainableWeights: [weights],
    dispose: () => weights.dispose(),
    compute(
      embeddings: tf.Tensor2D,
      labels: ArrayLike<number>,
      _mined?: Triplets | Pairs,
    ): tf.Tensor1D {
      const n = embeddings.shape[0], c = options.numClasses;
      const hot = oneHotValues(labels, n, c, "cosFaceLoss");
      return tf.tidy(() => {
        const cos = cosineLogits(embeddings, weights as tf.Tensor2D, "cosFaceLoss");
        const oneHot = tf.tensor2d(hot, [n, c]);
        const logits = tf.mul(tf.sub(cos, tf.mul(oneHot, m)), s);
        return softmaxCrossEntropy(logits as tf.Tensor2D, oneHot);
      });
    },
  };
}

/**
 * CosFace in the registry (lib/losses/loss_registry.ts): a config may set the scale, class count,
 * embedding dimension and weight seed (a trainer fills the last three); its own default margin
 * applies unless a config sets one; it cannot train the triplet model (no class logits there).
 */
export const cosFaceLossEntry: LossEntry<ClassWeightLossSettings> = {
  optionKeys: { scale: true, numClasses: true, embeddingDim: true, seed: true },
  tripletModel: false,
  ownMargin: true,
  needsClasses: true,
  create: (o) =>
    cosFaceLoss({
      ...requireClasses(o, "cosface"),
      margin: o.margin,
      scale: o.scale,
      seed: o.seed,
    }),
};
