/**
 * Squared Euclidean distance Σd² (FaceNet's ‖f(a) − f(b)‖²).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distance.ts";
import { assertBatch, assertSameBatch, squaredMatrix, squaredPairwise } from "./_squared.ts";

/**
 * d(a, b) = Σ_k (a_k − b_k)², FaceNet's distance (Schroff et al. 2015); smaller is closer. Exactly 0
 * with gradient exactly 0 at equal points.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { squaredEuclidean } from "./squared_euclidean.ts";
 * const d = await squaredEuclidean().pairwise(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])).data();
 * console.assert(d[0] === 25);
 * ```
 */
export function squaredEuclidean(): Distance {
  return {
    name: "squaredEuclidean",
    smallerIsCloser: true,
    matrix(x: tf.Tensor2D): tf.Tensor2D {
      assertBatch(x, "squaredEuclidean().matrix");
      return squaredMatrix(x);
    },
    pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
      assertSameBatch(a, b, "squaredEuclidean().pairwise");
      return squaredPairwise(a, b);
    },
  };
}
