/**
 * Plain Euclidean distance √Σd².
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distance.ts";
import {
  assertBatch,
  assertSameBatch,
  eyeMatrix,
  squaredMatrix,
  squaredPairwise,
} from "./_squared.ts";

/**
 * Euclidean distance d(a, b) = √(Σ_k (a_k − b_k)²); smaller is closer.
 *
 * At equal points the value is exactly 0 and the gradient is what the math gives for √ at 0: tfjs's
 * √ gradient is dy / (2·√0), so a used pair of equal points yields ±Infinity·0 = NaN. This is the
 * monograph's first failure mode and is deliberately not hidden. The matrix's diagonal (a row with
 * itself) is computed as √(0 + 1) − 1 so that it is exactly 0 with a finite gradient. Any two distinct
 * rows that coincide still give NaN gradients even when the loss does not use that pair (0/0 in the
 * √ gradient); use {@link euclideanEps} or {@link euclideanPlusEps} to avoid that.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { euclidean } from "./euclidean.ts";
 * const d = euclidean().pairwise(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]]));
 * console.assert((await d.data())[0] === 5);
 * ```
 */
export function euclidean(): Distance {
  return {
    name: "euclidean",
    smallerIsCloser: true,
    matrix(x: tf.Tensor2D): tf.Tensor2D {
      assertBatch(x, "euclidean().matrix");
      return tf.tidy(() => {
        const eye = eyeMatrix(x.shape[0]);
        return tf.sub(tf.sqrt(tf.add(squaredMatrix(x), eye)), eye) as tf.Tensor2D;
      });
    },
    pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
      assertSameBatch(a, b, "euclidean().pairwise");
      return tf.tidy(() => tf.sqrt(squaredPairwise(a, b)) as tf.Tensor1D);
    },
  };
}
