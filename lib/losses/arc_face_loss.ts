/**
 * ArcFace: additive angular margin softmax.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { EmbeddingLoss } from "./embedding_loss.ts";
import type { Pairs, Triplets } from "./miners/tuples.ts";
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

/** Options of {@link arcFaceLoss}. */
export interface ArcFaceLossOptions extends ClassWeightOptions {
  /** Angular margin m in radians. Default 0.5. */
  margin?: number;
  /** Scale s of the logits. Default 64. */
  scale?: number;
}

/** A softmax-margin loss: an {@link EmbeddingLoss} that owns a trainable class weight matrix. */
export interface ClassWeightLoss extends EmbeddingLoss {
  /** The [D, C] class weight variable (train it with the model: it is in `tf.engine()`'s trainables). */
  readonly weights: tf.Variable;
  /** `[weights]`. */
  readonly trainableWeights: tf.Variable[];
  /** Disposes the class weight variable. */
  dispose(): void;
}

/**
 * ArcFace (Deng, Guo, Xue & Zafeiriou 2019, https://arxiv.org/abs/1801.07698), per sample i with
 * label y: cross-entropy of the logits s·cos(θ_y + m) for the true class and s·cos θ_j for the others,
 * where cos θ_j is the cosine between the embedding and class j's weight column. As insightface, when
 * θ_y + m would pass π (cos θ_y ≤ cos(π − m)) the target logit is s·(cos θ_y − m·sin m) instead, so it
 * stays monotonic. Defaults: m = 0.5, s = 64; weights [D, C] normal with Glorot std, seeded.
 *
 * Mined indices are ignored (it is a per-sample classification loss). At total collapse the value is
 * finite and depends on W (every sample of one class gets the same value) and the gradient is finite
 * and non-zero: unlike the triplet family, collapse is not a fixed point while W separates classes.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { arcFaceLoss } from "./arc_face_loss.ts";
 * const loss = arcFaceLoss({ numClasses: 3, embeddingDim: 4, seed: 1 });
 * const x = tf.randomNormal([6, 4], 0, 1, "float32", 2) as tf.Tensor2D;
 * const v = loss.compute(x, [0, 0, 1, 1, 2, 2]);
 * console.assert(v.shape[0] === 6);
 * tf.dispose([x, v]);
 * loss.dispose();
 * ```
 */
export function arcFaceLoss(options: ArcFaceLossOptions): ClassWeightLoss {
  const m = options.margin ?? 0.5;
  const s = options.scale ?? 64;
  if (!(Number.isFinite(m) && m >= 0 && m < Math.PI / 2)) {
    throw new Error(`arcFaceLoss: 'margin' must be in [0, π/2) radians, got ${m}`);
  }
  if (!(Number.isFinite(s) && s > 0)) {
    throw new Error(`arcFaceLoss: 'scale' must be positive, got ${s}`);
  }
  const weights = createClassWeights(options, "arcFaceLoss");
  const cosM = Math.cos(m),
    sinM = Math.sin(m),
    threshold = Math.cos(Math.PI - m),
    mm = Math.sin(Math.PI - m) * m;
  return {
    name: "arcface",
    weights,
    trainableWeights: [weights],
    dispose: () => weights.dispose(),
    compute(
      embeddings: tf.Tensor2D,
      labels: ArrayLike<number>,
      _mined?: Triplets | Pairs,
    ): tf.Tensor1D {
      const n = embeddings.shape[0], c = options.numClasses;
      const hot = oneHotValues(labels, n, c, "arcFaceLoss");
      return tf.tidy(() => {
        const cos = cosineLogits(embeddings, weights as tf.Tensor2D, "arcFaceLoss");
        const oneHot = tf.tensor2d(hot, [n, c]);
        const sin = tf.sqrt(tf.sub(1, tf.square(cos))); // cos is clipped, so 1 − cos² > 0
        const phi = tf.sub(tf.mul(cos, cosM), tf.mul(sin, sinM));
        // step(cos − threshold) is 1 where θ + m < π; its gradient is zero.
        const inRange = tf.step(tf.sub(cos, threshold));
        const target = tf.add(tf.mul(inRange, phi), tf.mul(tf.sub(1, inRange), tf.sub(cos, mm)));
        const logits = tf.mul(tf.add(tf.mul(oneHot, target), tf.mul(tf.sub(1, oneHot), cos)), s);
        return softmaxCrossEntropy(logits as tf.Tensor2D, oneHot);
      });
    },
  };
}

/**
 * ArcFace in the registry (lib/losses/loss_registry.ts): a config may set the scale, class count,
 * embedding dimension and weight seed (a trainer fills the last three); its own default margin
 * applies unless a config sets one; it cannot train the triplet model (no class logits there).
 */
export const arcFaceLossEntry: LossEntry<ClassWeightLossSettings> = {
  optionKeys: { scale: true, numClasses: true, embeddingDim: true, seed: true },
  tripletModel: false,
  ownMargin: true,
  needsClasses: true,
  create: (o) =>
    arcFaceLoss({
      ...requireClasses(o, "arcface"),
      margin: o.margin,
      scale: o.scale,
      seed: o.seed,
    }),
};
