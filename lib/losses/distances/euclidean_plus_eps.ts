/**
 * Smoothed Euclidean distance √(Σd² + ε).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distance.ts";
import { assertBatch, assertSameBatch, squaredMatrix, squaredPairwise } from "./_squared.ts";
import { checkEps } from "./euclidean_eps.ts";

/** Options of {@link euclideanPlusEps}. */
export interface EuclideanPlusEpsOptions {
  /** Added under the root. Default 1e-7. */
  eps?: number;
}

/**
 * d(a, b) = √(Σ_k (a_k − b_k)² + ε); smaller is closer. Smooth everywhere: at equal points the value
 * is √ε and the gradient is exactly 0 (the gradient of Σd² there), finite elsewhere.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { euclideanPlusEps } from "./euclidean_plus_eps.ts";
 * const d = await euclideanPlusEps({ eps: 0 + 1e-6 }).pairwise(tf.tensor2d([[0]]), tf.tensor2d([[0]])).data();
 * console.assert(Math.abs(d[0] - 1e-3) < 1e-9);
 * ```
 */
export function euclideanPlusEps(options: EuclideanPlusEpsOptions = {}): Distance {
  const eps = checkEps(options.eps ?? 1e-7, "euclideanPlusEps");
  return {
    name: "euclideanPlusEps",
    smallerIsCloser: true,
    matrix(x: tf.Tensor2D): tf.Tensor2D {
      assertBatch(x, "euclideanPlusEps().matrix");
      return tf.tidy(() => tf.sqrt(tf.add(squaredMatrix(x), eps)) as tf.Tensor2D);
    },
    pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
      assertSameBatch(a, b, "euclideanPlusEps().pairwise");
      return tf.tidy(() => tf.sqrt(tf.add(squaredPairwise(a, b), eps)) as tf.Tensor1D);
    },
  };
}
