/**
 * Mean over all elements.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Reducer } from "./reducer.ts";
import { safeSum } from "./_safe_sum.ts";

/** Throws unless `values` is rank 1. */
export function checkValues(values: tf.Tensor, where: string): void {
  if (values.rank !== 1) {
    throw new Error(`${where}: values must be a rank-1 tensor, got shape [${values.shape}]`);
  }
}

/**
 * The mean of the per-element losses (FaceNet's reduction). An empty tensor (no mined triplets)
 * reduces to 0 with zero gradient, as in pytorch-metric-learning, rather than NaN.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { meanReducer } from "./mean_reducer.ts";
 * const s = meanReducer().reduce(tf.tensor1d([1, 2, 3]));
 * console.assert((await s.data())[0] === 2);
 * ```
 */
export function meanReducer(): Reducer {
  return {
    name: "mean",
    divisor(values: ArrayLike<number>): number {
      return Math.max(1, values.length);
    },
    reduce(values: tf.Tensor1D): tf.Scalar {
      checkValues(values, "meanReducer");
      return values.size === 0 ? safeSum(values) : (tf.mean(values) as tf.Scalar);
    },
  };
}
