/**
 * The `Reducer` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ReducerName } from "./reducer_registry.ts";

/** Turns a loss's per-element values into the scalar that is minimised. Differentiable. */
export interface Reducer {
  /** The reducer's name. */
  readonly name: ReducerName;
  /** The scalar of a loss's per-element values (differentiable). */
  reduce(values: tf.Tensor1D): tf.Scalar;
  /**
   * The c with reduce(values) = Σ values / c, c a constant for the gradient, from the values read
   * without gradient. It lets sums over parts (gradient micro-batches) reduce as the whole would:
   * Σ_parts (Σ part) / c.
   */
  divisor(values: ArrayLike<number>): number;
}
