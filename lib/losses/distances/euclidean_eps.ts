/**
 * Keras-style guarded Euclidean distance √max(Σd², ε).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distance.ts";
import { assertBatch, assertSameBatch, squaredMatrix, squaredPairwise } from "./_squared.ts";

/** Options of {@link euclideanEps}. */
export interface EuclideanEpsOptions {
  /** The floor under the squared distance. Default 1e-7 (Keras' `K.epsilon()`). */
  eps?: number;
}

/** Throws unless eps is a positive finite number. */
export function checkEps(eps: number, where: string): number {
  if (!(Number.isFinite(eps) && eps > 0)) {
    throw new Error(`${where}: 'eps' must be a positive finite number, got ${eps}`);
  }
  return eps;
}

/**
 * d(a, b) = √max(Σ_k (a_k − b_k)², ε), the monograph's second variant
 * (`K.sqrt(K.maximum(K.sum(K.square(a − b)), K.epsilon()))`); smaller is closer.
 *
 * Every pair closer than √ε reads exactly √ε (float32 √1e-7 = 3.1622776e-04, the value the monograph
 * printed at collapse) and has gradient exactly 0: the max sends no gradient to Σd² below ε. So at
 * total collapse the loss is stuck with zero gradient. The matrix's diagonal is √ε too.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { euclideanEps } from "./euclidean_eps.ts";
 * const x = tf.tensor2d([[1, 2], [1, 2]]);
 * const d = await euclideanEps().pairwise(x, x).data();
 * console.assert(d[0].toExponential(7) === "3.1622776e-4");
 * ```
 */
export function euclideanEps(options: EuclideanEpsOptions = {}): Distance {
  const eps = checkEps(options.eps ?? 1e-7, "euclideanEps");
  return {
    name: "euclideanEps",
    smallerIsCloser: true,
    matrix(x: tf.Tensor2D): tf.Tensor2D {
      assertBatch(x, "euclideanEps().matrix");
      return tf.tidy(() => tf.sqrt(tf.maximum(squaredMatrix(x), eps)) as tf.Tensor2D);
    },
    pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
      assertSameBatch(a, b, "euclideanEps().pairwise");
      return tf.tidy(() => tf.sqrt(tf.maximum(squaredPairwise(a, b), eps)) as tf.Tensor1D);
    },
  };
}
