/**
 * The `Reducer` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** Names of the built-in reducers. */
export type ReducerName = "mean" | "meanNonZero" | "sum";

/** Turns a loss's per-element values into the scalar that is minimised. Differentiable. */
export interface Reducer {
  /** The reducer's name. */
  readonly name: ReducerName;
  /** The scalar of a loss's per-element values (differentiable). */
  reduce(values: tf.Tensor1D): tf.Scalar;
}
