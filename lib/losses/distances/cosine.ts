/**
 * Cosine distance 1 − cos θ.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distance.ts";
import { assertBatch, assertSameBatch, gramAndDiagonal } from "./_squared.ts";

/**
 * d(a, b) = 1 − a·b / √(‖a‖²‖b‖²), in [0, 2]; smaller is closer. Equal rows give exactly 0 (the dot
 * products are bitwise equal and √(g²) = g in IEEE arithmetic); the gradient there is 0 (a minimum).
 * A zero row gives NaN (0/0): L2-normalised embeddings never have one.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { cosine } from "./cosine.ts";
 * const d = await cosine().pairwise(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 2]])).data();
 * console.assert(d[0] === 1);
 * ```
 */
export function cosine(): Distance {
  return {
    name: "cosine",
    smallerIsCloser: true,
    matrix(x: tf.Tensor2D): tf.Tensor2D {
      assertBatch(x, "cosine().matrix");
      return tf.tidy(() => {
        const { gram, diag } = gramAndDiagonal(x);
        const n = x.shape[0];
        const norms = tf.sqrt(tf.mul(tf.reshape(diag, [n, 1]), tf.reshape(diag, [1, n])));
        return tf.sub(1, tf.div(gram, norms)) as tf.Tensor2D;
      });
    },
    pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
      assertSameBatch(a, b, "cosine().pairwise");
      return tf.tidy(() => {
        const dot = tf.sum(tf.mul(a, b), 1);
        const norms = tf.sqrt(tf.mul(tf.sum(tf.square(a), 1), tf.sum(tf.square(b), 1)));
        return tf.sub(1, tf.div(dot, norms)) as tf.Tensor1D;
      });
    },
  };
}
