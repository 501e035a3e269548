/**
 * Sum over all elements.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Reducer } from "./reducer.ts";
import { checkValues } from "./mean_reducer.ts";
import { safeSum } from "./_safe_sum.ts";

/**
 * The sum of the per-element losses (0 when empty).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { sumReducer } from "./sum_reducer.ts";
 * const s = sumReducer().reduce(tf.tensor1d([1, 2, 3]));
 * console.assert((await s.data())[0] === 6);
 * ```
 */
export function sumReducer(): Reducer {
  return {
    name: "sum",
    divisor(_values: ArrayLike<number>): number {
      return 1;
    },
    reduce(values: tf.Tensor1D): tf.Scalar {
      checkValues(values, "sumReducer");
      return safeSum(values);
    },
  };
}
