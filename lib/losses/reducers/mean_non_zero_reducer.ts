/**
 * Mean over the non-zero elements.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Reducer } from "./reducer.ts";
import { checkValues } from "./mean_reducer.ts";
import { safeSum } from "./_safe_sum.ts";

/**
 * The sum of the per-element losses divided by the number of non-zero ones ("mean over non-zero",
 * as Hermans et al.'s batch-all and pytorch-metric-learning's AvgNonZeroReducer). The count is a
 * constant for the gradient. With no non-zero element the result is 0. Elements that are NaN count
 * as non-zero (so NaN propagates).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { meanNonZeroReducer } from "./mean_non_zero_reducer.ts";
 * const s = meanNonZeroReducer().reduce(tf.tensor1d([0, 2, 4, 0]));
 * console.assert((await s.data())[0] === 3);
 * ```
 */
export function meanNonZeroReducer(): Reducer {
  return {
    name: "meanNonZero",
    divisor(values: ArrayLike<number>): number {
      let count = 0;
      for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++; // NaN counts, as in reduce
      return Math.max(1, count);
    },
    reduce(values: tf.Tensor1D): tf.Scalar {
      checkValues(values, "meanNonZeroReducer");
      return tf.tidy(() => {
        // step(|v|) is 1 for non-zero, 0 for zero, NaN for NaN; its gradient is zero.
        const count = tf.maximum(safeSum(tf.step(tf.abs(values)) as tf.Tensor1D), 1);
        return tf.div(safeSum(values), count) as tf.Scalar;
      });
    },
  };
}
