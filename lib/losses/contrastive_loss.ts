/**
 * The contrastive loss.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distances/distance.ts";
import { euclidean } from "./distances/euclidean.ts";
import type { EmbeddingLoss } from "./embedding_loss.ts";
import type { LossEntry } from "./loss_entry.ts";
import { allPairs, pairsFromTriplets } from "./miners/all_pairs.ts";
import { isTriplets, type Pairs, type Triplets } from "./miners/tuples.ts";
import { checkEmbeddings, checkLabels, checkMargin, checkMatrix } from "./miners/_labels.ts";
import { gatherFlat } from "./_gather_flat.ts";

/** Options of {@link contrastiveLoss}. */
export interface ContrastiveLossOptions {
  /** Margin m for pairs of different labels. Default 1. */
  margin?: number;
  /** Distance d. Default euclidean (Hadsell et al.'s D_W). */
  distance?: Distance;
}

/**
 * The contrastive loss (Hadsell, Chopra & LeCun 2006,
 * http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf), per pair:
 * d² for a pair with the same label, max(0, m − d)² for different labels (no ½ factor).
 *
 * Defaults: m = 1, distance `euclidean`. `mined` may be {@link Pairs} (their `same` flags must agree
 * with the labels) or {@link Triplets} (turned into their anchor-positive then anchor-negative
 * pairs); without it every pair i < j is used ({@link allPairs}).
 *
 * At total collapse d is 0 (√ε with the ε distances): same-label pairs give 0 (ε), different-label
 * pairs m² (≈ (m − √ε)²); the gradient is NaN with `euclidean` (√ at 0), exactly 0 with the ε
 * distances and `squaredEuclidean`. Collapse is not a minimum: different-label pairs pay m².
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { contrastiveLoss } from "./contrastive_loss.ts";
 * const x = tf.tensor2d([[0, 0], [0, 0.5], [0, 0.25]]);
 * const v = await contrastiveLoss().compute(x, [0, 0, 1]).data(); // pairs (0,1), (0,2), (1,2)
 * console.assert(v[0] === 0.25 && v[1] === 0.5625 && v[2] === 0.5625);
 * ```
 */
export function contrastiveLoss(options: ContrastiveLossOptions = {}): EmbeddingLoss {
  const margin = checkMargin(options.margin ?? 1, "contrastiveLoss");
  const distance = options.distance ?? euclidean();
  /** Flat [N·N] positions and same-label flags of the pairs (checked against the labels). */
  const pairPositions = (n: number, labels: Int32Array, mined?: Triplets | Pairs) => {
    const pairs = mined === undefined
      ? allPairs(labels)
      : isTriplets(mined)
      ? pairsFromTriplets(mined)
      : mined;
    const m = pairs.a.length;
    if (pairs.b.length !== m || pairs.same.length !== m) {
      throw new Error(
        `contrastiveLoss: pair arrays differ in length (${m}, ${pairs.b.length}, ${pairs.same.length})`,
      );
    }
    const flat = new Int32Array(m);
    const same = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      const a = pairs.a[i], b = pairs.b[i];
      if (!(a >= 0 && a < n && b >= 0 && b < n)) {
        throw new Error(
          `contrastiveLoss: pair ${i} = (${a}, ${b}) is outside the batch [0, ${n})`,
        );
      }
      const isSame = labels[a] === labels[b];
      if (isSame !== (pairs.same[i] === 1)) {
        throw new Error(
          `contrastiveLoss: pair ${i} = (${a}, ${b}) has same=${pairs.same[i]} but labels ${
            labels[a]
          } and ${labels[b]}`,
        );
      }
      flat[i] = a * n + b;
      same[i] = isSame ? 1 : 0;
    }
    return { flat, same };
  };
  /** Per-pair values from the pairs' distances `d` and their same-label flags. */
  const fromPairDistances = (d: tf.Tensor1D, same: Float32Array): tf.Tensor1D =>
    tf.tidy(() => {
      const s = tf.tensor1d(same);
      const close = distance.smallerIsCloser ? d : tf.neg(d);
      const pos = tf.square(d);
      const neg = tf.square(tf.relu(tf.sub(margin, close)));
      return tf.add(tf.mul(s, pos), tf.mul(tf.sub(1, s), neg)) as tf.Tensor1D;
    });
  const fromMatrix = (
    matrix: tf.Tensor2D,
    rawLabels: ArrayLike<number>,
    mined?: Triplets | Pairs,
  ): tf.Tensor1D => {
    const n = checkMatrix(matrix, "contrastiveLoss");
    const { flat, same } = pairPositions(n, checkLabels(rawLabels, n, "contrastiveLoss"), mined);
    return tf.tidy(() => fromPairDistances(gatherFlat(matrix, flat), same));
  };
  return {
    name: "contrastive",
    distance,
    fromMatrix,
    fromTripletDistances(dap: tf.Tensor1D, dan: tf.Tensor1D): tf.Tensor1D {
      if (dap.size !== dan.size) {
        throw new Error(`contrastiveLoss: d_ap has ${dap.size} values, d_an ${dan.size}`);
      }
      const same = new Float32Array(dap.size + dan.size).fill(1, 0, dap.size);
      return tf.tidy(() => fromPairDistances(tf.concat([dap, dan]) as tf.Tensor1D, same));
    },
    compute(
      embeddings: tf.Tensor2D,
      rawLabels: ArrayLike<number>,
      mined?: Triplets | Pairs,
    ): tf.Tensor1D {
      const n = checkEmbeddings(embeddings, "contrastiveLoss");
      const labels = checkLabels(rawLabels, n, "contrastiveLoss");
      const { flat, same } = pairPositions(n, labels, mined);
      return tf.tidy(() => fromPairDistances(gatherFlat(distance.matrix(embeddings), flat), same));
    },
  };
}

/** The contrastive loss in the registry (lib/losses/loss_registry.ts): no options of its own. */
export const contrastiveLossEntry: LossEntry = {
  optionKeys: {},
  tripletModel: true,
  create: contrastiveLoss,
};
